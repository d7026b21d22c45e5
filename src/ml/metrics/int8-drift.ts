/**
 * int8 against float, class by class: which classes the quantized model recognises more or less often
 * than the float one (recall, in percentage points), the same for overall accuracy, and the warning to
 * show where the two differ by more than a limit (1 point by default). DOM-free core module; the Test and
 * Deploy steps only render what it returns.
 */

/** The part of a metrics record this module reads (ClassificationMetrics and PublicMetrics both fit). */
export interface MetricsLike {
  accuracy: number;
  per_class: Record<string, { recall: number; support: number }>;
}

/** Differences up to this many percentage points are within the budget. */
export const INT8_DRIFT_LIMIT_PP = 1;

/** Floating-point slack so that "exactly 1 point" (e.g. 50 % → 49 %) never counts as more than 1. */
const EPS_PP = 1e-6;

export interface ClassDrift {
  label: string;
  /** Windows of this class that were scored. */
  support: number;
  floatRecall: number;
  int8Recall: number;
  /** int8 − float recall, in percentage points (negative: int8 misses more). */
  deltaPp: number;
  /** |deltaPp| is above the limit. */
  flagged: boolean;
}

export interface DriftWarning {
  /** The class concerned, or null for overall accuracy. */
  label: string | null;
  deltaPp: number;
  /** What happened, in one sentence. */
  message: string;
  /** What it means and what to do about it. */
  remedy: string;
}

export interface Int8Drift {
  limitPp: number;
  accuracy: { float: number; int8: number; deltaPp: number; flagged: boolean };
  classes: ClassDrift[];
  /** One per flagged figure: overall accuracy first, then classes from the largest loss down. */
  warnings: DriftWarning[];
}

const pp = (x: number) => Math.abs(x).toFixed(1);
const points = (x: number) => `${pp(x)} point${pp(x) === '1.0' ? '' : 's'}`;

function classWarning(d: ClassDrift): DriftWarning {
  if (d.deltaPp < 0) {
    return {
      label: d.label,
      deltaPp: d.deltaPp,
      message: `int8 loses ${points(d.deltaPp)} on class "${d.label}" (recall ${(d.floatRecall * 100).toFixed(1)} % float → ${(d.int8Recall * 100).toFixed(1)} % int8).`,
      remedy:
        `On the board, "${d.label}" will be recognised less often than the float model promises. ` +
        `Add training data of "${d.label}" (the training windows calibrate the int8 ranges) and retrain; ` +
        `check for "${d.label}" inputs that saturate (values far outside the others' range, a sensor at its limit) and clip or rescale them in the DSP block.`,
    };
  }
  return {
    label: d.label,
    deltaPp: d.deltaPp,
    message: `int8 gains ${points(d.deltaPp)} on class "${d.label}" (recall ${(d.floatRecall * 100).toFixed(1)} % float → ${(d.int8Recall * 100).toFixed(1)} % int8).`,
    remedy:
      `Quantization moved windows into "${d.label}", usually taken from another class: compare the two confusion matrices. ` +
      `More calibration data (training windows) of the neighbouring classes and a retrain usually bring the two models back together.`,
  };
}

function accuracyWarning(a: Int8Drift['accuracy']): DriftWarning {
  const loses = a.deltaPp < 0;
  return {
    label: null,
    deltaPp: a.deltaPp,
    message: `int8 is ${points(a.deltaPp)} ${loses ? 'less' : 'more'} accurate than float overall (${(a.float * 100).toFixed(1)} % → ${(a.int8 * 100).toFixed(1)} %).`,
    remedy: loses
      ? 'The board will be less accurate than the float model. Add training data for the classes flagged below and retrain, or use fewer, similarly scaled features so that one int8 input scale fits them all.'
      : 'The int8 model happens to do better on these windows; with this few test windows that is noise more than gain. Check the classes flagged below.',
  };
}

/**
 * Compare float and int8 metrics of the same windows. Labels missing from either record are left out;
 * a class with no scored windows is never flagged.
 */
export function int8Drift(labels: readonly string[], float: MetricsLike, int8: MetricsLike, limitPp = INT8_DRIFT_LIMIT_PP): Int8Drift {
  const over = (d: number) => Math.abs(d) > limitPp + EPS_PP;
  const classes: ClassDrift[] = [];
  for (const label of labels) {
    const f = float.per_class[label];
    const q = int8.per_class[label];
    if (!f || !q) continue;
    const deltaPp = (q.recall - f.recall) * 100;
    const support = Math.max(f.support, q.support);
    classes.push({ label, support, floatRecall: f.recall, int8Recall: q.recall, deltaPp, flagged: support > 0 && over(deltaPp) });
  }
  const accDelta = (int8.accuracy - float.accuracy) * 100;
  const accuracy = { float: float.accuracy, int8: int8.accuracy, deltaPp: accDelta, flagged: over(accDelta) };
  const warnings: DriftWarning[] = [];
  if (accuracy.flagged) warnings.push(accuracyWarning(accuracy));
  for (const d of [...classes].filter((c) => c.flagged).sort((a, b) => a.deltaPp - b.deltaPp)) warnings.push(classWarning(d));
  return { limitPp, accuracy, classes, warnings };
}
