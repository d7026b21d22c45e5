/**
 * Parsed, validated parameters of the learning blocks, with defaults. DOM-free core module.
 *
 * `LearnConfig.params` is a loose record (it comes from impulse.json or the UI); these helpers turn it
 * into typed parameters and refuse nonsense with a StudioError (family 'config').
 */
import { StudioError } from '../../core/errors.ts';
import type { LearnConfig, ParamValue } from '../../core/impulse.ts';

type Params = Record<string, ParamValue | number[]>;

export interface DenseParams {
  /** Hidden layer sizes, e.g. [20, 10]. */
  layers: number[];
  dropout: number;
  /** L2 penalty factor on every dense kernel (0 = off); training only, the exported model is unaffected. */
  l2: number;
}

export interface Conv1dParams {
  /** Filters per conv layer, e.g. [8, 16]. */
  filters: number[];
  kernel: number;
  /** Max-pool size after each conv layer (1 = no pooling). */
  pool: number;
  /** How the conv stack ends: global average pooling or flatten. */
  head: 'global-avg' | 'flatten';
  /** Dense layers after the head, e.g. [] or [16]. */
  dense: number[];
  dropout: number;
  /** L2 penalty factor on every conv and dense kernel (0 = off); training only. */
  l2: number;
}

export interface AnomalyParams {
  clusters: number;
  /** Feature indices the k-means sees; empty = all. */
  features: number[];
  /** Percentile of training scores that sets the threshold, e.g. 99. */
  percentile: number;
  /** Threshold = percentile score × this factor. */
  thresholdFactor: number;
}

export const DENSE_DEFAULTS: DenseParams = { layers: [20, 10], dropout: 0.1, l2: 0 };
export const CONV1D_DEFAULTS: Conv1dParams = { filters: [8, 16], kernel: 5, pool: 2, head: 'global-avg', dense: [], dropout: 0.1, l2: 0 };
export const ANOMALY_DEFAULTS: AnomalyParams = { clusters: 32, features: [], percentile: 99, thresholdFactor: 1.2 };

function bad(block: string, key: string, why: string): StudioError {
  return new StudioError({
    family: 'config',
    code: 'bad-learn-param',
    message: `Learning block "${block}": parameter "${key}" ${why}.`,
    remedy: 'Fix the value in the impulse configuration (or leave it out to use the default).',
  });
}

function intList(block: string, key: string, v: unknown, def: number[], allowEmpty: boolean): number[] {
  if (v === undefined) return def.slice();
  let arr: unknown[];
  if (Array.isArray(v)) arr = v;
  else if (typeof v === 'string') arr = v.trim() === '' ? [] : v.split(/[,\s]+/).map(Number);
  else if (typeof v === 'number') arr = [v];
  else throw bad(block, key, 'must be a list of positive integers');
  const out = arr.map(Number);
  if (out.some((n) => !Number.isInteger(n) || n <= 0 || n > 4096)) throw bad(block, key, 'must be a list of positive integers (≤ 4096)');
  if (!allowEmpty && out.length === 0) throw bad(block, key, 'must not be empty');
  return out;
}

function num(block: string, key: string, v: unknown, def: number, min: number, max: number, integer = false): number {
  if (v === undefined) return def;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw bad(block, key, `must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}`);
  }
  return n;
}

export function denseParams(p: Params = {}): DenseParams {
  return {
    layers: intList('dense', 'layers', p['layers'], DENSE_DEFAULTS.layers, true),
    dropout: num('dense', 'dropout', p['dropout'], DENSE_DEFAULTS.dropout, 0, 0.9),
    l2: num('dense', 'l2', p['l2'], DENSE_DEFAULTS.l2, 0, 1),
  };
}

export function conv1dParams(p: Params = {}): Conv1dParams {
  const head = p['head'] ?? CONV1D_DEFAULTS.head;
  if (head !== 'global-avg' && head !== 'flatten') throw bad('conv1d', 'head', 'must be "global-avg" or "flatten"');
  return {
    filters: intList('conv1d', 'filters', p['filters'], CONV1D_DEFAULTS.filters, false),
    kernel: num('conv1d', 'kernel', p['kernel'], CONV1D_DEFAULTS.kernel, 1, 64, true),
    pool: num('conv1d', 'pool', p['pool'], CONV1D_DEFAULTS.pool, 1, 16, true),
    head,
    dense: intList('conv1d', 'dense', p['dense'], CONV1D_DEFAULTS.dense, true),
    dropout: num('conv1d', 'dropout', p['dropout'], CONV1D_DEFAULTS.dropout, 0, 0.9),
    l2: num('conv1d', 'l2', p['l2'], CONV1D_DEFAULTS.l2, 0, 1),
  };
}

/** Feature indices may be 0; shift by one so intList's positivity check applies. */
function shiftIdx(v: unknown): unknown {
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? (v.trim() === '' ? [] : v.split(/[,\s]+/)) : typeof v === 'number' ? [v] : v;
  return Array.isArray(arr) ? arr.map((x) => Number(x) + 1) : arr;
}

export function anomalyParams(p: Params = {}): AnomalyParams {
  return {
    clusters: num('anomaly', 'clusters', p['clusters'], ANOMALY_DEFAULTS.clusters, 1, 1024, true),
    features: p['features'] === undefined ? [] : intList('anomaly', 'features', shiftIdx(p['features']), [], true).map((i) => i - 1),
    percentile: num('anomaly', 'percentile', p['percentile'], ANOMALY_DEFAULTS.percentile, 50, 100),
    thresholdFactor: num('anomaly', 'threshold-factor', p['threshold-factor'] ?? p['thresholdFactor'], ANOMALY_DEFAULTS.thresholdFactor, 0.1, 100),
  };
}

export function checkLearnBlock(learn: LearnConfig): void {
  if (learn.block !== 'dense' && learn.block !== 'conv1d' && learn.block !== 'conv2d' && learn.block !== 'anomaly') {
    throw new StudioError({
      family: 'config',
      code: 'bad-learn-block',
      message: `Unknown learning block "${String(learn.block)}".`,
      remedy: 'Use dense, conv1d, conv2d or anomaly.',
    });
  }
}
