/**
 * Likely-mislabel detection for the feature explorer. DOM-free core module.
 *
 * Features are standardised per column (pca.ts), then for every window its k nearest neighbours
 * (Euclidean, brute force, O(rows²·dim)) are found; a window is flagged when more than `threshold`
 * of them carry one other label. The result names that label so the UI can say "sits among <label>".
 */
import type { OpOptions } from '../core/progress.ts';
import { throttleProgress } from '../core/progress.ts';
import { StudioError, throwIfAborted } from '../core/errors.ts';
import { standardise } from './pca.ts';
import type { Matrix } from './pca.ts';

export interface SuspectWindow {
  /** Row index in the feature matrix. */
  index: number;
  label: string;
  /** The label most of its neighbours carry. */
  neighbourLabel: string;
  /** Fraction of the k neighbours carrying neighbourLabel. */
  fraction: number;
}

export interface MislabelOptions extends OpOptions {
  /** Neighbours per window (default 5). */
  k?: number;
  /** Flag when more than this fraction of neighbours share another label (default 0.5). */
  threshold?: number;
}

export function findLikelyMislabels(m: Matrix, labels: string[], opts: MislabelOptions = {}): SuspectWindow[] {
  const { rows, dim } = m;
  if (labels.length !== rows) {
    throw new StudioError({ family: 'dsp', code: 'bad-labels', message: `There are ${labels.length} labels for ${rows} windows.` });
  }
  const k = Math.min(opts.k ?? 5, rows - 1);
  const threshold = opts.threshold ?? 0.5;
  if (k < 1) return [];
  const { z } = standardise(m);
  const progress = throttleProgress(opts.onProgress);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  const out: SuspectWindow[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    bestD.fill(Infinity);
    bestI.fill(-1);
    const oi = i * dim;
    for (let j = 0; j < rows; j++) {
      if (j === i) continue;
      const oj = j * dim;
      let d = 0;
      for (let c = 0; c < dim && d < bestD[k - 1]; c++) {
        const t = z[oi + c] - z[oj + c];
        d += t * t;
      }
      if (d < bestD[k - 1]) {
        let p = k - 1;
        while (p > 0 && bestD[p - 1] > d) {
          bestD[p] = bestD[p - 1];
          bestI[p] = bestI[p - 1];
          p--;
        }
        bestD[p] = d;
        bestI[p] = j;
      }
    }
    counts.clear();
    for (let p = 0; p < k; p++) {
      const l = labels[bestI[p]];
      if (l !== labels[i]) counts.set(l, (counts.get(l) ?? 0) + 1);
    }
    let top = '';
    let topN = 0;
    for (const [l, n] of counts) if (n > topN || (n === topN && l < top)) [top, topN] = [l, n];
    if (topN / k > threshold) out.push({ index: i, label: labels[i], neighbourLabel: top, fraction: topN / k });
    if (i % 64 === 0) {
      throwIfAborted(opts.signal, 'dsp');
      progress({ stage: 'explorer', fraction: i / rows });
    }
  }
  progress({ stage: 'explorer', fraction: 1 });
  return out;
}
