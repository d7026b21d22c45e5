/**
 * Parameters of the conv2d learning block (2-D convolutions over a [time, frequency] image), with
 * defaults. DOM-free core module. Loose values from impulse.json or the UI are checked and refused
 * with the same StudioError as the other blocks (`bad-learn-param`).
 */
import { StudioError } from '../../core/errors.ts';
import type { ParamValue } from '../../core/impulse.ts';

export interface Conv2dParams {
  /** Filters per conv layer, e.g. [8, 16]. */
  filters: number[];
  /** Square kernel size. */
  kernel: number;
  /** Square max-pool size after each conv layer (1 = none). */
  pool: number;
  /**
   * Depthwise-separable: every conv layer after the first is a depthwise k×k convolution followed by a
   * pointwise 1×1 convolution (the first layer sees one channel, so it stays a full convolution).
   */
  separable: boolean;
  head: 'global-avg' | 'flatten';
  /** Dense layers after the head. */
  dense: number[];
  dropout: number;
}

export const CONV2D_DEFAULTS: Conv2dParams = { filters: [8, 16], kernel: 3, pool: 2, separable: false, head: 'flatten', dense: [], dropout: 0.25 };

function bad(key: string, why: string): StudioError {
  return new StudioError({
    family: 'config',
    code: 'bad-learn-param',
    message: `Learning block "conv2d": parameter "${key}" ${why}.`,
    remedy: 'Fix the value in the impulse configuration (or leave it out to use the default).',
  });
}

function ints(key: string, v: unknown, def: number[], allowEmpty: boolean): number[] {
  if (v === undefined) return def.slice();
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? (v.trim() === '' ? [] : v.split(/[,\s]+/)) : typeof v === 'number' ? [v] : null;
  if (!arr) throw bad(key, 'must be a list of positive integers');
  const out = arr.map(Number);
  if (out.some((n) => !Number.isInteger(n) || n <= 0 || n > 1024)) throw bad(key, 'must be a list of positive integers (≤ 1024)');
  if (!allowEmpty && out.length === 0) throw bad(key, 'must not be empty');
  return out;
}

function num(key: string, v: unknown, def: number, min: number, max: number, integer: boolean): number {
  if (v === undefined) return def;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) throw bad(key, `must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}`);
  return n;
}

export function conv2dParams(p: Record<string, ParamValue | number[]> = {}): Conv2dParams {
  const head = p['head'] ?? CONV2D_DEFAULTS.head;
  if (head !== 'global-avg' && head !== 'flatten') throw bad('head', 'must be "global-avg" or "flatten"');
  const sep = p['separable'] ?? CONV2D_DEFAULTS.separable;
  const separable = sep === true || sep === 'true' ? true : sep === false || sep === 'false' ? false : null;
  if (separable === null) throw bad('separable', 'must be true or false');
  return {
    filters: ints('filters', p['filters'], CONV2D_DEFAULTS.filters, false),
    kernel: num('kernel', p['kernel'], CONV2D_DEFAULTS.kernel, 1, 15, true),
    pool: num('pool', p['pool'], CONV2D_DEFAULTS.pool, 1, 8, true),
    separable,
    head,
    dense: ints('dense', p['dense'], CONV2D_DEFAULTS.dense, true),
    dropout: num('dropout', p['dropout'], CONV2D_DEFAULTS.dropout, 0, 0.9, false),
  };
}
