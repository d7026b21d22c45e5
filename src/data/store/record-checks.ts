/**
 * Stored projects and model versions read back through the impulse and metrics schemas: an IndexedDB
 * database may hold what an older build (or an unvalidated import) wrote. Nothing is deleted: a
 * project whose impulse no longer fits is handed out without it and with `impulseProblem` saying why
 * (the Impulse step starts from the defaults); a model version that does not fit is left out of the
 * lists and refused by id with a clear message. DOM-free.
 */
import { StudioError } from '../../core/errors.ts';
import { ImpulseSchema } from '../../core/impulse-schema.ts';
import { MetricsSchema } from '../../core/metrics-schema.ts';
import { checkValue } from '../../core/schema-check.ts';
import type { ModelRecord, ProjectRecord } from './schema.ts';

/** A stored project with its impulse checked (see the module comment). */
export function checkedProject(p: ProjectRecord): ProjectRecord {
  if (p.impulse === undefined) return p;
  const r = checkValue(ImpulseSchema, p.impulse, 'impulse');
  if (r.ok) return { ...p, impulse: r.value };
  const { impulse: _dropped, ...rest } = p;
  void _dropped;
  return { ...rest, impulseProblem: `The saved impulse settings cannot be used: ${r.problem}. The defaults are shown; saving the impulse replaces them.` };
}

/** The problem of a stored model version, or undefined when its impulse and metrics fit. */
export function modelProblem(m: ModelRecord): string | undefined {
  const i = checkValue(ImpulseSchema, m.impulse, 'impulse');
  if (!i.ok) return i.problem;
  if (m.metrics !== undefined && m.metrics !== null) {
    const me = checkValue(MetricsSchema, m.metrics, 'metrics');
    if (!me.ok) return me.problem;
  }
  return undefined;
}

export function checkedModel(m: ModelRecord): ModelRecord {
  const problem = modelProblem(m);
  if (problem) {
    throw new StudioError({
      family: 'storage',
      code: 'bad-model-record',
      message: `The stored model version "${m.name.slice(0, 80)}" cannot be used: ${problem}.`,
      remedy: 'Train a new version (or delete this one in the Train step).',
    });
  }
  return m;
}

/** Throws a config error when an impulse about to be stored does not fit the schema. */
export function checkImpulseToStore(impulse: unknown): void {
  const r = checkValue(ImpulseSchema, impulse, 'impulse');
  if (!r.ok) throw new StudioError({ family: 'config', code: 'bad-impulse', message: `The impulse cannot be saved: ${r.problem}.`, remedy: 'Fix that setting and save again.' });
}
