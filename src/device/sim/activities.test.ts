import { describe, it, expect } from 'vitest';
import { MotionModel } from './motion-model.ts';
import { ACTIVITIES, isActivityName, type ActivityName } from './activities.ts';

/**
 * Learnability: 2 s windows of simulated gestures by six people; per-axis summary features computed
 * here; softmax (logistic) regression trained leave-one-person-out, so it must generalise to a new person.
 */
const LABELS: ActivityName[] = ['idle', 'wave', 'circle', 'shake', 'updown', 'punch', 'flex'];
const RATE = 62.5;
const WIN = 125; // 2 s
const PEOPLE = [101, 202, 303, 404, 505, 606];

interface Row {
  person: number;
  label: number;
  full: number[];
  meanOnly: number[];
}

function features(v: Float32Array, start: number): { full: number[]; meanOnly: number[] } {
  const full: number[] = [];
  const meanOnly: number[] = [];
  const L = (x: number) => Math.log(x + 1e-3);
  let topVar = -1;
  let topAxis = 0;
  let topMean = 0;
  for (let a = 0; a < 6; a++) {
    let s = 0;
    let s2 = 0;
    let mn = Infinity;
    let mx = -Infinity;
    let dsum = 0;
    let prev = v[start * 6 + a];
    for (let i = start; i < start + WIN; i++) {
      const x = v[i * 6 + a];
      s += x;
      s2 += x * x;
      mn = Math.min(mn, x);
      mx = Math.max(mx, x);
      dsum += Math.abs(x - prev);
      prev = x;
    }
    const mean = s / WIN;
    const variance = Math.max(0, s2 / WIN - mean * mean);
    full.push(L(Math.sqrt(variance)), L(mx - mn), L(dsum / WIN));
    meanOnly.push(mean);
    if (a < 3 && variance > topVar) {
      topVar = variance;
      topAxis = a;
      topMean = mean;
    }
  }
  // Orientation-free extras: spread of |acc|, mean |gyro|, zero-crossing rate of the busiest acc axis.
  let ms = 0;
  let ms2 = 0;
  let g = 0;
  let zc = 0;
  for (let i = start; i < start + WIN; i++) {
    const m = Math.hypot(v[i * 6], v[i * 6 + 1], v[i * 6 + 2]);
    ms += m;
    ms2 += m * m;
    g += Math.hypot(v[i * 6 + 3], v[i * 6 + 4], v[i * 6 + 5]);
    if (i > start && (v[i * 6 + topAxis] - topMean) * (v[(i - 1) * 6 + topAxis] - topMean) < 0) zc++;
  }
  const mm = ms / WIN;
  full.push(L(Math.sqrt(Math.max(0, ms2 / WIN - mm * mm))), L(g / WIN), (zc / WIN) * RATE);
  return { full, meanOnly };
}

function dataset(): Row[] {
  const rows: Row[] = [];
  for (const person of PEOPLE) {
    LABELS.forEach((label, li) => {
      const m = new MotionModel({ seed: person, sessionSeed: person * 31 + li, rateHz: RATE, activity: 'idle' });
      m.skip(0.5);
      m.setActivity(label);
      m.skip(1);
      const v = m.generate(WIN * 4);
      for (let w = 0; w < 4; w++) rows.push({ person, label: li, ...features(v, w * WIN) });
    });
  }
  return rows;
}

/** Softmax regression on z-scored features, full-batch gradient descent with a little L2. */
function trainSoftmax(X: number[][], y: number[], K: number): (x: number[]) => number {
  const d = X[0].length;
  const w = Array.from({ length: K }, () => new Array<number>(d + 1).fill(0));
  const logits = (x: number[]) => w.map((wk) => x.reduce((s, xi, i) => s + xi * wk[i], wk[d]));
  for (let epoch = 0; epoch < 300; epoch++) {
    const g = Array.from({ length: K }, () => new Array<number>(d + 1).fill(0));
    X.forEach((x, n) => {
      const lo = logits(x);
      const mx = Math.max(...lo);
      const e = lo.map((l) => Math.exp(l - mx));
      const se = e.reduce((a, b) => a + b, 0);
      for (let k = 0; k < K; k++) {
        const err = e[k] / se - (y[n] === k ? 1 : 0);
        for (let i = 0; i < d; i++) g[k][i] += err * x[i];
        g[k][d] += err;
      }
    });
    for (let k = 0; k < K; k++) for (let i = 0; i <= d; i++) w[k][i] -= 0.5 * (g[k][i] / X.length + (i < d ? 0.01 * w[k][i] : 0));
  }
  return (x) => {
    const lo = logits(x);
    return lo.indexOf(Math.max(...lo));
  };
}

function leaveOnePersonOut(rows: Row[], key: 'full' | 'meanOnly'): number {
  let ok = 0;
  for (const held of PEOPLE) {
    const train = rows.filter((r) => r.person !== held);
    const test = rows.filter((r) => r.person === held);
    const d = train[0][key].length;
    const mu = new Array<number>(d).fill(0);
    const va = new Array<number>(d).fill(0);
    for (const r of train) r[key].forEach((x, i) => (mu[i] += x / train.length));
    for (const r of train) r[key].forEach((x, i) => (va[i] += (x - mu[i]) ** 2 / train.length));
    const z = (f: number[]) => f.map((x, i) => (x - mu[i]) / (Math.sqrt(va[i]) || 1));
    const predict = trainSoftmax(train.map((r) => z(r[key])), train.map((r) => r.label), LABELS.length);
    for (const r of test) if (predict(z(r[key])) === r.label) ok++;
  }
  return ok / rows.length;
}

describe('activities', () => {
  it('lists its names and recognises them', () => {
    expect(ACTIVITIES).toContain('wave');
    expect(isActivityName('circle')).toBe(true);
    expect(isActivityName('juggle')).toBe(false);
  });

  const rows = dataset();
  const chance = 1 / LABELS.length;

  it('gestures are learnable for an unseen person from per-axis summary features (> 85%)', () => {
    expect(leaveOnePersonOut(rows, 'full')).toBeGreaterThan(0.85);
  });

  it('but not trivially: the window means alone (grip / gravity direction) do far worse', () => {
    const acc = leaveOnePersonOut(rows, 'meanOnly');
    expect(acc).toBeGreaterThan(chance); // some information, as with real grips
    expect(acc).toBeLessThan(0.6);
  });

  it('repetitions of one gesture by one person are not identical', () => {
    const wave = rows.filter((r) => r.label === 1 && r.person === PEOPLE[0]);
    const sds = wave.map((r) => r.full[0]);
    expect(Math.max(...sds) - Math.min(...sds)).toBeGreaterThan(0.02);
  });
});
