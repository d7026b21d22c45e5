/**
 * Anomaly detection block: K-means on chosen features, score = distance to the nearest centroid.
 * DOM-free core module, no TF.js.
 *
 * Features are standardised (training mean / std) before clustering so no single feature dominates.
 * Centroids start from seeded k-means++ and are refined by Lloyd iterations. The threshold is the
 * `percentile` of the training windows' scores times `thresholdFactor`: a window scoring above it is
 * "unusual". Needs no labelled anomalies.
 */
import { StudioError, throwIfAborted } from '../../core/errors.ts';
import type { OpOptions } from '../../core/progress.ts';
import { createRng } from '../train/rng.ts';
import type { AnomalyParams } from './learn-params.ts';

export interface AnomalyModel {
  kind: 'kmeans-anomaly';
  /** Indices of the DSP features used, in order. */
  features: number[];
  mean: Float32Array;
  std: Float32Array;
  /** clusters × features.length, standardised space. */
  centroids: Float32Array;
  clusters: number;
  threshold: number;
}

/** Score of one full feature vector: Euclidean distance to the nearest centroid (standardised). */
export function anomalyScore(m: AnomalyModel, features: Float32Array): number {
  const d = m.features.length;
  let best = Infinity;
  for (let c = 0; c < m.clusters; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = (features[m.features[j]] - m.mean[j]) / m.std[j] - m.centroids[c * d + j];
      s += v * v;
      if (s >= best) break;
    }
    if (s < best) best = s;
  }
  return Math.sqrt(best);
}

export function percentile(values: ArrayLike<number>, p: number): number {
  const a = Float64Array.from(values).sort();
  if (a.length === 0) return 0;
  const pos = (p / 100) * (a.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(a.length - 1, lo + 1);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}

/**
 * Trains on N feature vectors of `dim` features each (row-major `x`).
 * `iterations` Lloyd steps at most (stops when assignments no longer change).
 */
export function trainAnomaly(x: Float32Array, dim: number, p: AnomalyParams, seed: number, opts: OpOptions & { iterations?: number } = {}): AnomalyModel {
  const n = dim > 0 ? Math.floor(x.length / dim) : 0;
  const feats = p.features.length ? p.features.slice() : Array.from({ length: dim }, (_, i) => i);
  if (n === 0) throw new StudioError({ family: 'import', code: 'bad-training-data', message: 'There are no training windows for the anomaly block.', remedy: 'Add training samples.' });
  for (const f of feats) {
    if (!Number.isInteger(f) || f < 0 || f >= dim) {
      throw new StudioError({ family: 'config', code: 'bad-learn-param', message: `Anomaly feature index ${f} is outside 0..${dim - 1}.`, remedy: 'Pick features the DSP block produces.' });
    }
  }
  const d = feats.length;
  const k = Math.min(p.clusters, n);
  // Standardise the selected features.
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * dim + feats[j]];
    const m = s / n;
    let q = 0;
    for (let i = 0; i < n; i++) q += (x[i * dim + feats[j]] - m) ** 2;
    mean[j] = m;
    const sd = Math.sqrt(q / n);
    std[j] = sd > 1e-6 ? sd : 1;
  }
  const z = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] = (x[i * dim + feats[j]] - mean[j]) / std[j];

  const dist2 = (i: number, cent: Float32Array, c: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = z[i * d + j] - cent[c * d + j];
      s += v * v;
    }
    return s;
  };
  // k-means++ seeding.
  const rng = createRng(seed);
  const cent = new Float32Array(k * d);
  const first = rng.int(n);
  cent.set(z.subarray(first * d, first * d + d), 0);
  const near = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      near[i] = Math.min(near[i], dist2(i, cent, c - 1));
      total += near[i];
    }
    let pick = n - 1;
    if (total > 0) {
      let r = rng.next() * total;
      for (let i = 0; i < n; i++) {
        r -= near[i];
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.int(n);
    cent.set(z.subarray(pick * d, pick * d + d), c * d);
  }
  // Lloyd iterations.
  const assign = new Int32Array(n).fill(-1);
  const iters = opts.iterations ?? 100;
  for (let it = 0; it < iters; it++) {
    throwIfAborted(opts.signal, 'model');
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let bc = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const v = dist2(i, cent, c);
        if (v < bd) {
          bd = v;
          bc = c;
        }
      }
      if (assign[i] !== bc) {
        assign[i] = bc;
        changed++;
      }
    }
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      counts[assign[i]]++;
      for (let j = 0; j < d; j++) sums[assign[i] * d + j] += z[i * d + j];
    }
    for (let c = 0; c < k; c++) if (counts[c] > 0) for (let j = 0; j < d; j++) cent[c * d + j] = sums[c * d + j] / counts[c];
    opts.onProgress?.({ stage: 'k-means', fraction: (it + 1) / iters });
    if (changed === 0) break;
  }
  const model: AnomalyModel = { kind: 'kmeans-anomaly', features: feats, mean, std, centroids: cent, clusters: k, threshold: 0 };
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = anomalyScore(model, x.subarray(i * dim, (i + 1) * dim));
  model.threshold = percentile(scores, p.percentile) * p.thresholdFactor;
  return model;
}

/** JSON-safe form (typed arrays as plain arrays) and back. */
export function anomalyToJson(m: AnomalyModel): Record<string, unknown> {
  return { ...m, mean: Array.from(m.mean), std: Array.from(m.std), centroids: Array.from(m.centroids) };
}

export function anomalyFromJson(j: unknown): AnomalyModel {
  const o = j as Record<string, unknown>;
  const arr = (k: string) => {
    const v = o?.[k];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw badModel(k);
    return Float32Array.from(v as number[]);
  };
  if (!o || o['kind'] !== 'kmeans-anomaly') throw badModel('kind');
  const features = o['features'];
  if (!Array.isArray(features)) throw badModel('features');
  const m: AnomalyModel = { kind: 'kmeans-anomaly', features: features.map(Number), mean: arr('mean'), std: arr('std'), centroids: arr('centroids'), clusters: Number(o['clusters']), threshold: Number(o['threshold']) };
  if (m.centroids.length !== m.clusters * m.features.length || m.mean.length !== m.features.length || !Number.isFinite(m.threshold)) throw badModel('shape');
  return m;
}

function badModel(field: string): StudioError {
  return new StudioError({ family: 'model', code: 'bad-anomaly-model', message: `The anomaly model file is malformed (${field}).`, remedy: 'Retrain the anomaly block.' });
}
