/**
 * Classification metrics: accuracy, confusion matrix, per-class precision / recall / F1, the
 * "uncertain" threshold and the list of misclassified windows. DOM-free core module.
 *
 * Rows of the confusion matrix are the true labels, columns the predicted ones, both in `labels`
 * order; when an uncertain threshold is set, an extra last column counts "uncertain" predictions
 * (they count as wrong for accuracy and recall, and are not a prediction of any class for precision).
 */
import { argmaxRow } from './argmax.ts';
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  labels: string[];
  accuracy: number;
  /** [true][predicted]; with an uncertain threshold there is one more column (uncertain). */
  confusion: number[][];
  per_class: Record<string, ClassMetrics>;
  /** Number of examples scored. */
  count: number;
  /** Examples whose top probability was below the threshold. */
  uncertain: number;
}

export const UNCERTAIN = -1;

/** Predicted class per row of `probs` (N × K), or UNCERTAIN when max prob < threshold. */
export function argmaxRows(probs: Float32Array | number[], k: number, uncertainThreshold = 0): Int32Array {
  const n = Math.floor(probs.length / k);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const bi = argmaxRow(probs, i, k);
    out[i] = probs[i * k + bi] < uncertainThreshold ? UNCERTAIN : bi;
  }
  return out;
}

/** Metrics from true and predicted class indices (predicted may be UNCERTAIN). */
export function classificationMetrics(labels: string[], truth: ArrayLike<number>, predicted: ArrayLike<number>, withUncertainColumn = false): ClassificationMetrics {
  const k = labels.length;
  const cols = withUncertainColumn ? k + 1 : k;
  const confusion = Array.from({ length: k }, () => new Array<number>(cols).fill(0));
  let correct = 0;
  let uncertain = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (p === UNCERTAIN) {
      uncertain++;
      if (withUncertainColumn) confusion[t][k]++;
      continue;
    }
    confusion[t][p]++;
    if (p === t) correct++;
  }
  const per_class: Record<string, ClassMetrics> = {};
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    let predictedC = 0;
    for (let r = 0; r < k; r++) predictedC += confusion[r][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const precision = predictedC ? tp / predictedC : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    per_class[labels[c]] = { precision, recall, f1, support };
  }
  return { labels: labels.slice(), accuracy: truth.length ? correct / truth.length : 0, confusion, per_class, count: truth.length, uncertain };
}

/** Metrics straight from probabilities. */
export function metricsFromProbs(labels: string[], truth: ArrayLike<number>, probs: Float32Array | number[], uncertainThreshold = 0): ClassificationMetrics {
  const pred = argmaxRows(probs, labels.length, uncertainThreshold);
  return classificationMetrics(labels, truth, pred, uncertainThreshold > 0);
}

export interface Misclassified {
  /** Index of the window (or sample) in the evaluated list. */
  index: number;
  truth: number;
  /** Predicted class, or UNCERTAIN. */
  predicted: number;
  /** Top probability. */
  confidence: number;
}

export function misclassified(truth: ArrayLike<number>, probs: Float32Array | number[], k: number, uncertainThreshold = 0): Misclassified[] {
  const pred = argmaxRows(probs, k, uncertainThreshold);
  const out: Misclassified[] = [];
  for (let i = 0; i < truth.length; i++) {
    if (pred[i] === truth[i]) continue;
    let m = 0;
    for (let j = 0; j < k; j++) m = Math.max(m, probs[i * k + j]);
    out.push({ index: i, truth: truth[i], predicted: pred[i], confidence: m });
  }
  return out;
}
