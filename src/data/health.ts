/**
 * Dataset health: class balance, samples per label vs what a model typically needs, duplicates and
 * near-duplicates, rate/axis/unit mismatches, clipped values, flat axes and per-label outliers.
 * DOM-free core module.
 *
 * Every finding names the samples it is about (`sampleIds`), so the UI can link to them.
 *
 * "Enough data" rule (stated to the user in `needMore` findings): each label should have at least
 * `minSamples` (10) recordings and at least `minWindows` (30) training windows of the impulse's window
 * and stride (default 1000 ms / 500 ms); below that, models rarely generalise. The suggested number
 * of extra recordings is whichever of the two shortfalls is larger, using the label's average windows
 * per recording.
 */
import type { Category, SensorAxis } from './sample.ts';

export interface HealthSample {
  id: string;
  label: string;
  category: Category;
  axes: SensorAxis[];
  intervalMs: number;
  values: Float32Array;
}

export type FindingKind =
  | 'need-more'
  | 'imbalance'
  | 'duplicate'
  | 'near-duplicate'
  | 'rate-mismatch'
  | 'axes-mismatch'
  | 'units-mismatch'
  | 'clipped'
  | 'flat-axis'
  | 'outlier';

export interface Finding {
  kind: FindingKind;
  severity: 'info' | 'warning';
  label?: string;
  message: string;
  sampleIds: string[];
}

export interface LabelStats {
  label: string;
  samples: number;
  durationMs: number;
  /** Windows of the given window/stride (zero-padded recordings count as one). */
  windows: number;
  /** Share of all windows. */
  share: number;
}

export interface HealthOptions {
  windowMs?: number;
  strideMs?: number;
  minSamples?: number;
  minWindows?: number;
  /** Largest/smallest label window ratio that is still fine; default 3. */
  maxImbalance?: number;
  /** Robust z-score beyond which a sample is an outlier of its label; default 3.5. */
  outlierZ?: number;
}

export interface HealthReport {
  labels: LabelStats[];
  findings: Finding[];
  /** The window and stride the window counts use. */
  windowMs: number;
  strideMs: number;
}

const TITLES: Record<FindingKind, string> = {
  'need-more': 'Needs more data',
  imbalance: 'Unbalanced labels',
  duplicate: 'Duplicate samples',
  'near-duplicate': 'Nearly identical samples',
  'rate-mismatch': 'Different sample rate',
  'axes-mismatch': 'Different axes',
  'units-mismatch': 'Different units',
  clipped: 'Clipped values',
  'flat-axis': 'Axis without signal',
  outlier: 'Unlike the rest of its label',
};

/** A finding's heading, in words. */
export function findingTitle(kind: FindingKind): string {
  return TITLES[kind];
}

/** Window proposed for motion data (as on the Impulse step): 2000 ms every 500 ms. */
export const PROPOSED_WINDOW_MS = 2000;
export const PROPOSED_STRIDE_MS = 500;

/**
 * The window the health check counts in when no impulse is saved: the Impulse step's proposal,
 * 2000 ms, shortened only when the typical (median) recording is shorter, so one short or cropped
 * recording does not change it.
 */
export function healthWindowing(durationsMs: readonly number[]): { windowMs: number; strideMs: number } {
  const typical = median(durationsMs.filter((d) => d > 0));
  let windowMs = PROPOSED_WINDOW_MS;
  if (typical > 0 && typical < windowMs) windowMs = Math.max(10, Math.floor(typical / 10) * 10);
  return { windowMs, strideMs: Math.min(PROPOSED_STRIDE_MS, windowMs) };
}

/** A measured value for a message: four significant digits, no float noise. */
const num = (v: number): string => String(Number(v.toPrecision(4)));

const nFrames = (s: HealthSample): number => (s.axes.length ? Math.floor(s.values.length / s.axes.length) : 0);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? 0 : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Most common value of a key, and the samples that differ from it. */
function minority<T>(samples: HealthSample[], key: (s: HealthSample) => T): { major: T; odd: HealthSample[] } | undefined {
  const counts = new Map<T, number>();
  for (const s of samples) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
  if (counts.size < 2) return undefined;
  const major = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  return { major, odd: samples.filter((s) => key(s) !== major) };
}

/** Known full-scale ranges of common IMUs: ±2/4/8/16 g (also in m/s²), ±125…2000 dps, int16 and ±1 FS. */
const FULL_SCALES = [2, 4, 8, 16, 2 * 9.80665, 4 * 9.80665, 8 * 9.80665, 16 * 9.80665, 125, 245, 250, 500, 1000, 2000, 32767, 32768, 1];

function nearFullScale(v: number): boolean {
  const a = Math.abs(v);
  return FULL_SCALES.some((f) => Math.abs(a - f) <= 0.005 * f);
}

function hashValues(s: HealthSample, q?: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const v = s.values;
  if (q === undefined) {
    const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
    for (let i = 0; i < u.length; i++) {
      h1 = Math.imul(h1 ^ u[i], 16777619);
      h2 = Math.imul(h2 ^ (u[i] >>> 7), 2246822519);
    }
  } else {
    for (let i = 0; i < v.length; i++) {
      const k = Math.round(v[i] / q) | 0;
      h1 = Math.imul(h1 ^ k, 16777619);
      h2 = Math.imul(h2 ^ (k >>> 3), 2246822519);
    }
  }
  return `${s.axes.length}:${v.length}:${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}

function correlation(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i];
    sb += b[i];
  }
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : saa === sbb ? 1 : 0;
}

/**
 * The lowest correlation over the axes that move. Computed per axis: over the interleaved values the
 * axes' different offsets (gravity on one axis) alone make any two recordings look alike.
 */
function axisCorrelation(a: HealthSample, b: HealthSample): number {
  const nA = a.axes.length;
  const n = Math.min(nFrames(a), nFrames(b));
  let worst = 1;
  for (let k = 0; k < nA; k++) {
    const xa = new Float32Array(n);
    const xb = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      xa[i] = a.values[i * nA + k];
      xb[i] = b.values[i * nA + k];
    }
    worst = Math.min(worst, correlation(xa, xb));
  }
  return worst;
}

/** Per-axis mean and standard deviation, concatenated. */
function features(s: HealthSample): number[] {
  const nA = s.axes.length;
  const n = nFrames(s);
  const out: number[] = [];
  for (let a = 0; a < nA; a++) {
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < n; i++) {
      const v = s.values[i * nA + a];
      sum += v;
      sum2 += v * v;
    }
    const m = sum / Math.max(1, n);
    out.push(m, Math.sqrt(Math.max(0, sum2 / Math.max(1, n) - m * m)));
  }
  return out;
}

export function datasetHealth(samples: HealthSample[], opts: HealthOptions = {}): HealthReport {
  const proposed = healthWindowing(samples.map((s) => nFrames(s) * s.intervalMs));
  const windowMs = opts.windowMs ?? proposed.windowMs;
  const strideMs = opts.strideMs ?? (opts.windowMs ? PROPOSED_STRIDE_MS : proposed.strideMs);
  const minSamples = opts.minSamples ?? 10;
  const minWindows = opts.minWindows ?? 30;
  const findings: Finding[] = [];
  const byLabel = new Map<string, HealthSample[]>();
  for (const s of samples) byLabel.set(s.label, [...(byLabel.get(s.label) ?? []), s]);

  // Samples and windows per label.
  const windowsOf = (s: HealthSample): number => {
    const d = nFrames(s) * s.intervalMs;
    return d < windowMs ? 1 : Math.floor((d - windowMs) / strideMs) + 1;
  };
  let totalWindows = 0;
  const labels: LabelStats[] = [...byLabel.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, ss]) => {
      const train = ss.filter((s) => s.category === 'training');
      const windows = train.reduce((a, s) => a + windowsOf(s), 0);
      totalWindows += windows;
      return { label, samples: ss.length, durationMs: ss.reduce((a, s) => a + nFrames(s) * s.intervalMs, 0), windows, share: 0 };
    });
  for (const l of labels) {
    l.share = totalWindows ? l.windows / totalWindows : 0;
    const ss = byLabel.get(l.label)!;
    const trainCount = ss.filter((s) => s.category === 'training').length;
    const perRec = trainCount ? l.windows / trainCount : 1;
    const short = Math.max(minSamples - trainCount, Math.ceil((minWindows - l.windows) / Math.max(perRec, 1e-9)));
    if (short > 0) {
      findings.push({
        kind: 'need-more',
        severity: 'warning',
        label: l.label,
        message: `"${l.label}" needs about ${short} more training recording(s): it has ${trainCount} recording(s) and ${l.windows} window(s) of ${windowMs} ms; aim for at least ${minSamples} recordings and ${minWindows} windows per label.`,
        sampleIds: ss.map((s) => s.id),
      });
    }
  }
  const withData = labels.filter((l) => l.windows > 0);
  if (withData.length >= 2) {
    const max = withData.reduce((a, b) => (b.windows > a.windows ? b : a));
    const maxRatio = opts.maxImbalance ?? 3;
    for (const l of withData) {
      if (max.windows / l.windows > maxRatio) {
        findings.push({
          kind: 'imbalance',
          severity: 'warning',
          label: l.label,
          message: `"${l.label}" has ${l.windows} training windows, ${(max.windows / l.windows).toFixed(1)}× fewer than "${max.label}" (${max.windows}); record about ${Math.ceil(max.windows / maxRatio - l.windows)} more windows' worth, or turn on class weighting.`,
          sampleIds: byLabel.get(l.label)!.map((s) => s.id),
        });
      }
    }
  }

  // Metadata mismatches against the majority.
  const rate = minority(samples, (s) => Math.round((1000 / s.intervalMs) * 100) / 100);
  if (rate) {
    findings.push({
      kind: 'rate-mismatch',
      severity: 'warning',
      message: `${rate.odd.length} sample(s) are not at ${rate.major} Hz like the rest (another device or firmware?).`,
      sampleIds: rate.odd.map((s) => s.id),
    });
  }
  const axesKey = minority(samples, (s) => s.axes.map((a) => a.name).join(','));
  if (axesKey) {
    findings.push({ kind: 'axes-mismatch', severity: 'warning', message: `${axesKey.odd.length} sample(s) have axes other than ${axesKey.major}.`, sampleIds: axesKey.odd.map((s) => s.id) });
  }
  const units = minority(samples, (s) => s.axes.map((a) => `${a.name}:${a.units}`).join(','));
  if (units && !axesKey) {
    findings.push({ kind: 'units-mismatch', severity: 'warning', message: `${units.odd.length} sample(s) use other units than the rest (${units.major}).`, sampleIds: units.odd.map((s) => s.id) });
  }

  // Exact and near duplicates.
  const exact = new Map<string, HealthSample[]>();
  for (const s of samples) exact.set(hashValues(s), [...(exact.get(hashValues(s)) ?? []), s]);
  const dupIds = new Set<string>();
  for (const group of exact.values()) {
    if (group.length < 2) continue;
    group.forEach((s) => dupIds.add(s.id));
    const labelsIn = [...new Set(group.map((s) => s.label))];
    findings.push({
      kind: 'duplicate',
      severity: 'warning',
      message: `${group.length} samples hold identical values${labelsIn.length > 1 ? ` under different labels (${labelsIn.join(', ')})` : ''}; keep one.`,
      sampleIds: group.map((s) => s.id),
    });
  }
  const feats = new Map(samples.map((s) => [s.id, features(s)]));
  const buckets = new Map<string, HealthSample[]>();
  for (const s of samples) {
    if (dupIds.has(s.id) || nFrames(s) < 2) continue;
    const k = `${s.axes.length}:${nFrames(s)}`;
    buckets.set(k, [...(buckets.get(k) ?? []), s]);
  }
  for (const bucket of buckets.values()) {
    bucket.sort((a, b) => feats.get(a.id)![0] - feats.get(b.id)![0]);
    for (let i = 0; i < bucket.length; i++) {
      const fa = feats.get(bucket[i].id)!;
      for (let j = i + 1; j < bucket.length && j < i + 50; j++) {
        const fb = feats.get(bucket[j].id)!;
        const scale = Math.max(1e-9, ...fa.filter((_, k) => k % 2 === 1));
        if (fb[0] - fa[0] > 0.05 * scale) break;
        if (fa.some((v, k) => Math.abs(v - fb[k]) > 0.05 * scale)) continue;
        if (axisCorrelation(bucket[i], bucket[j]) > 0.995) {
          findings.push({
            kind: 'near-duplicate',
            severity: 'info',
            message: `Two samples are nearly identical (correlation above 0.995); one may be a copy.`,
            sampleIds: [bucket[i].id, bucket[j].id],
          });
        }
      }
    }
  }

  // Clipping and flat axes.
  const flatByAxis = new Map<string, string[]>();
  const clipped: { id: string; text: string }[] = [];
  for (const s of samples) {
    const nA = s.axes.length;
    const n = nFrames(s);
    for (let a = 0; a < nA; a++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = s.values[i * nA + a];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (n >= 2 && mx - mn <= 1e-7 * Math.max(1, Math.abs(mx))) {
        flatByAxis.set(s.axes[a].name, [...(flatByAxis.get(s.axes[a].name) ?? []), s.id]);
        continue;
      }
      // Runs of ≥ 3 frames sitting exactly at the extreme, at a known full scale (or ≥ 5 frames anywhere).
      let clippedFrames = 0;
      for (const ext of [mx, mn]) {
        let run = 0;
        for (let i = 0; i <= n; i++) {
          if (i < n && s.values[i * nA + a] === ext) run++;
          else {
            if (run >= 5 || (run >= 3 && nearFullScale(ext))) clippedFrames += run;
            run = 0;
          }
        }
      }
      if (clippedFrames > 0) clipped.push({ id: s.id, text: `${s.axes[a].name} at ${num(mx)} / ${num(mn)} for ${clippedFrames} frames` });
    }
  }
  if (clipped.length) {
    const ids = [...new Set(clipped.map((c) => c.id))];
    findings.push({
      kind: 'clipped',
      severity: 'warning',
      message: `${ids.length} sample(s) have values stuck at the sensor's limit (clipping), e.g. ${clipped[0].text}; use a larger range setting or gentler motion.`,
      sampleIds: ids,
    });
  }
  for (const [axis, ids] of flatByAxis) {
    findings.push({
      kind: 'flat-axis',
      severity: 'warning',
      message: ids.length === samples.length ? `Axis "${axis}" is constant in every sample (dead sensor or unused axis); leave it out of the impulse.` : `Axis "${axis}" is constant in ${ids.length} sample(s) (sensor not streaming?).`,
      sampleIds: ids,
    });
  }

  // Outliers per label: robust z-score (median/MAD) of per-sample features.
  const zMax = opts.outlierZ ?? 3.5;
  const sigOf = (s: HealthSample): string => s.axes.map((a) => a.name).join(',');
  /** Per axes signature and feature: how much that feature varies over the whole dataset (MAD). */
  const spreadCache = new Map<string, number[]>();
  const datasetSpread = (sig: string): number[] => {
    let out = spreadCache.get(sig);
    if (!out) {
      const all = samples.filter((s) => sigOf(s) === sig).map((s) => [...feats.get(s.id)!, nFrames(s) * s.intervalMs]);
      out = all[0].map((_, f) => {
        const col = all.map((x) => x[f]);
        const med = median(col);
        return median(col.map((v) => Math.abs(v - med))) * 1.4826;
      });
      spreadCache.set(sig, out);
    }
    return out;
  };
  for (const [label, ss] of byLabel) {
    if (ss.length < 5) continue;
    const sig = sigOf(ss[0]);
    const same = ss.filter((s) => sigOf(s) === sig);
    const spread = datasetSpread(sig);
    const fs = same.map((s) => [...feats.get(s.id)!, nFrames(s) * s.intervalMs]);
    const k = fs[0].length;
    const scores = new Array<number>(same.length).fill(0);
    const units: number[] = [];
    for (let f = 0; f < k; f++) {
      const col = fs.map((x) => x[f]);
      const med = median(col);
      const mad = median(col.map((v) => Math.abs(v - med))) * 1.4826;
      // Differences below a tenth of the signal's typical spread (the axis's median std, or the median
      // duration) are never outliers, however tight the rest of the label is.
      const scale = f === k - 1 ? Math.abs(med) : median(fs.map((x) => x[f - (f % 2) + 1]));
      // Nor are differences well inside how much the feature varies over the whole dataset: a still
      // label (idle) is tight, and people holding the board at other angles are not mistakes.
      const floor = Math.max(0.1 * scale, 0.5 * spread[f]) + 1e-12;
      units.push(Math.max(mad, floor));
      col.forEach((v, i) => (scores[i] = Math.max(scores[i], Math.abs(v - med) / units[f])));
    }
    // A sample with two or more close neighbours in its label belongs to a group (e.g. the board
    // held the other way up by some people), not a mistake.
    const close = (i: number, j: number): boolean => fs[i].every((v, f) => Math.abs(v - fs[j][f]) <= zMax * units[f]);
    const grouped = (i: number): boolean => fs.reduce((n, _, j) => n + (j !== i && close(i, j) ? 1 : 0), 0) >= 2;
    const out = same.filter((_, i) => scores[i] > zMax && !grouped(i));
    if (out.length) {
      findings.push({
        kind: 'outlier',
        severity: 'info',
        label,
        message: `${out.length} "${label}" sample(s) look unlike the others of that label and unlike each other; check the label or the recording.`,
        sampleIds: out.map((s) => s.id),
      });
    }
  }
  return { labels, findings, windowMs, strideMs };
}
