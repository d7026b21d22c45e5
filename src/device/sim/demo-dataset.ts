/**
 * The first-run demo project's data: labelled recordings acted out by a few simulated people on
 * simulated boards, generated in one go (no real-time waiting). DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import type { Category, RawRecording } from '../../data/sample.ts';
import { isActivityName, type ActivityName } from './activities.ts';
import { MotionModel } from './motion-model.ts';
import { Rng } from './prng.ts';
import { SIM_BOARD_NAME } from './simulated-board.ts';

export interface DemoDatasetOptions {
  /** Default 1. Same seed, same data. */
  seed?: number;
  /** Recordings per label. Default 10. */
  perLabel?: number;
  /** Length of each recording, ms. Default 2000. */
  durationMs?: number;
  /** Sample rate, Hz. Default 62.5. */
  rateHz?: number;
  /** Default idle, wave, circle, shake. */
  labels?: ActivityName[];
  /** Fraction of each label's recordings put in the test category. Default 0.2. */
  testFraction?: number;
  /** Number of simulated people taking turns. Default 4. */
  people?: number;
  /** createdAt of the first recording (epoch ms); the rest follow a few seconds apart. Default now. */
  startTime?: number;
}

export const DEMO_LABELS: readonly ActivityName[] = ['idle', 'wave', 'circle', 'shake'];

/** Makes the demo recordings, label by label, each by one of `people` on their own board. */
export function makeDemoDataset(opts: DemoDatasetOptions = {}): RawRecording[] {
  const seed = opts.seed ?? 1;
  const perLabel = opts.perLabel ?? 10;
  const durationMs = opts.durationMs ?? 2000;
  const rateHz = opts.rateHz ?? 62.5;
  const labels = opts.labels ?? [...DEMO_LABELS];
  const testFraction = opts.testFraction ?? 0.2;
  const people = Math.max(1, Math.floor(opts.people ?? 4));
  const start = opts.startTime ?? Date.now();
  for (const l of labels) {
    if (!isActivityName(l)) {
      throw new StudioError({
        family: 'config',
        code: 'unknown-activity',
        message: `The simulated board cannot act out "${String(l)}".`,
        remedy: 'Use labels among idle, rest, wave, circle, shake, updown, punch, flex, walk.',
      });
    }
  }
  if (!(perLabel >= 1) || !(durationMs > 0) || !(testFraction >= 0 && testFraction <= 1)) {
    throw new StudioError({
      family: 'config',
      code: 'bad-demo-options',
      message: 'The demo dataset options are out of range.',
      remedy: 'Use at least one recording per label, a positive duration and a test fraction between 0 and 1.',
    });
  }
  const rng = new Rng(seed);
  const personSeeds = Array.from({ length: people }, () => rng.nextU32());
  const frames = Math.max(1, Math.round((durationMs * rateHz) / 1000));
  const nTest = Math.round(perLabel * testFraction);
  const out: RawRecording[] = [];
  let k = 0;
  for (const label of labels) {
    const testIdx = new Set(shuffle(rng, [...Array(perLabel).keys()]).slice(0, nTest));
    for (let i = 0; i < perLabel; i++) {
      const who = personSeeds[(i + labels.indexOf(label)) % people];
      // Same person = same body and same board; the session seed varies the repetition.
      const model = new MotionModel({ seed: who, sessionSeed: rng.nextU32(), rateHz, activity: 'idle' });
      // Some idle first, then the activity; the recording starts somewhere into it.
      model.skip(rng.uniform(0.2, 1));
      model.setActivity(label);
      model.skip(0.6 + rng.uniform(0, 1.2));
      const values = model.generate(frames);
      const category: Category = testIdx.has(i) ? 'testing' : 'training';
      out.push({
        name: `${label}.${sessionId(rng)}`,
        label,
        category,
        axes: model.axes.map((a) => ({ ...a })),
        intervalMs: 1000 / rateHz,
        values,
        deviceName: SIM_BOARD_NAME,
        createdAt: start + k * 5000,
      });
      k++;
    }
  }
  return out;
}

function shuffle<T>(rng: Rng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function sessionId(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += '0123456789abcdefghijklmnopqrstuv'[rng.int(0, 31)];
  return s;
}
