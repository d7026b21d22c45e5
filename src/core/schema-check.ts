/**
 * Checking persisted or imported data against a valibot schema, with one clear message: which field
 * (as a dotted path), what was expected, and the value found (truncated, escaped). DOM-free.
 */
import * as v from 'valibot';
import { echoValue } from './echo.ts';
import { type FamilyCode, StudioError, type StudioErrorInit } from './errors.ts';

export interface ShapeProblem {
  /** Dotted path of the field, e.g. `impulse.windowing.windowMs` ('' for the value itself). */
  path: string;
  /** What was expected. */
  expected: string;
  /** The value found, short. */
  got: string;
}

function pathOf(root: string, issue: v.BaseIssue<unknown>): string {
  const parts = [root];
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') parts.push(`[${key}]`);
    else if (typeof key === 'string') parts.push(/^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${echoValue(key, 40)}]`);
  }
  return parts.join('').replace(/^\./, '');
}

/** The first problem valibot found, in words. */
export function firstProblem(root: string, issues: readonly v.BaseIssue<unknown>[]): ShapeProblem {
  const issue = issues[0];
  return { path: pathOf(root, issue), expected: issue.message, got: echoValue(issue.input) };
}

export function describeProblem(p: ShapeProblem): string {
  return `${p.path || 'the value'} ${p.expected} (found ${p.got})`;
}

export type CheckOptions = FamilyCode & {
  /** Where the value came from, e.g. `archive.zip/project.json` (starts the message). */
  where: string;
  /** Name of the value at its root, e.g. `impulse` (starts each field path). */
  root: string;
  remedy: string;
};

/** The parsed value, or the first problem as text (`impulse.windowing.windowMs must be … (found -1)`). */
export function checkValue<S extends v.GenericSchema>(schema: S, value: unknown, root: string): { ok: true; value: v.InferOutput<S> } | { ok: false; problem: string } {
  const r = v.safeParse(schema, value);
  if (r.success) return { ok: true, value: r.output };
  const more = r.issues.length > 1 ? ` (and ${r.issues.length - 1} more problem(s))` : '';
  return { ok: false, problem: describeProblem(firstProblem(root, r.issues)) + more };
}

/** The value parsed by `schema`, or a StudioError naming the first bad field and its value. */
export function checkShape<S extends v.GenericSchema>(schema: S, value: unknown, o: CheckOptions): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const p = firstProblem(o.root, r.issues);
  const more = r.issues.length > 1 ? ` (${r.issues.length - 1} more problem(s))` : '';
  return throwShape(o, `${o.where}: ${describeProblem(p)}${more}.`);
}

function throwShape(o: CheckOptions, message: string): never {
  throw new StudioError({ family: o.family, code: o.code, message, remedy: o.remedy } as StudioErrorInit);
}

// ---- building blocks shared by the schemas -------------------------------------------------------

/** A finite number in [min, max] (min exclusive with `minExclusive`). */
export function num(min: number, max: number, opts: { minExclusive?: boolean; integer?: boolean } = {}) {
  const range = `${opts.integer ? 'a whole number' : 'a number'} ${opts.minExclusive ? `above ${min}` : `from ${min}`} up to ${max}`;
  const msg = `must be ${range}`;
  return v.pipe(
    v.number(msg),
    v.check((x) => Number.isFinite(x) && (!opts.integer || Number.isInteger(x)) && (opts.minExclusive ? x > min : x >= min) && x <= max, msg),
  );
}

/** A string of at most `max` characters (and at least `min`). */
export function text(max: number, min = 0) {
  const msg = min > 0 ? `must be text of ${min} to ${max} characters` : `must be text of at most ${max} characters`;
  return v.pipe(v.string(msg), v.minLength(min, msg), v.maxLength(max, msg));
}

/** A list of distinct strings. */
export function distinctList(item: v.GenericSchema<string>, maxItems: number, what: string) {
  return v.pipe(
    v.array(item, `must be a list of ${what}`),
    v.maxLength(maxItems, `must list at most ${maxItems} ${what}`),
    v.check((xs) => new Set(xs).size === xs.length, `must not list the same ${what.replace(/s$/, '')} twice`),
  );
}
