/**
 * A simulated person who keeps performing: gesture, rest, next gesture… with varying durations, for the
 * demo's live view and live-classification tests. Driven by model time, so it works the same in real
 * time, in virtual time and in fast batch generation. DOM-free core module.
 */
import type { ActivityName } from './activities.ts';
import type { ActivityDriver, MotionModel } from './motion-model.ts';
import { Rng } from './prng.ts';

export interface PerformerOptions {
  seed?: number;
  /** Gestures to cycle through. Default wave, circle, shake, updown. */
  gestures?: ActivityName[];
  /** 'cycle' goes through `gestures` in order; 'shuffle' picks at random (never twice in a row). Default 'cycle'. */
  order?: 'cycle' | 'shuffle';
  /** Seconds per gesture, [min, max]. Default [3, 5]. */
  gestureS?: [number, number];
  /** Seconds of `between` activity after each gesture, [min, max]. Default [1.5, 3]. 0 for none. */
  betweenS?: [number, number];
  /** Activity between gestures. Default 'idle'. */
  between?: ActivityName;
}

export interface PerformerSegment {
  activity: ActivityName;
  /** Model time, seconds. */
  startS: number;
  endS: number;
}

export class Performer implements ActivityDriver {
  private readonly rng: Rng;
  private readonly gestures: ActivityName[];
  private readonly order: 'cycle' | 'shuffle';
  private readonly gestureS: [number, number];
  private readonly betweenS: [number, number];
  private readonly between: ActivityName;
  private readonly segs: PerformerSegment[] = [];
  private nextGesture = 0;
  private lastGesture: ActivityName | null = null;
  private active = -1;
  /** Called when the performed activity changes (model time in seconds). */
  onChange: ((activity: ActivityName, timeS: number) => void) | null = null;

  constructor(opts: PerformerOptions = {}) {
    this.rng = new Rng(opts.seed ?? 7);
    this.gestures = opts.gestures?.length ? [...opts.gestures] : ['wave', 'circle', 'shake', 'updown'];
    this.order = opts.order ?? 'cycle';
    this.gestureS = opts.gestureS ?? [3, 5];
    this.betweenS = opts.betweenS ?? [1.5, 3];
    this.between = opts.between ?? 'idle';
  }

  /** The schedule generated so far (grows as time passes). */
  get segments(): readonly PerformerSegment[] {
    return this.segs;
  }

  /** The activity scheduled at model time t (extends the schedule as needed). */
  activityAt(t: number): ActivityName {
    return this.segs[this.segmentIndexAt(t)].activity;
  }

  update(model: MotionModel, t: number): void {
    const i = this.segmentIndexAt(t);
    if (i === this.active) return;
    this.active = i;
    const a = this.segs[i].activity;
    if (model.activity !== a || i === 0) model.setActivity(a);
    this.onChange?.(a, t);
  }

  private segmentIndexAt(t: number): number {
    if (this.segs.length === 0) this.segs.push({ activity: this.between, startS: t, endS: t + this.dur(this.betweenS, 1) });
    while (this.segs[this.segs.length - 1].endS <= t) this.extend();
    let i = Math.max(0, this.active);
    while (i > 0 && this.segs[i].startS > t) i--;
    while (this.segs[i].endS <= t) i++;
    return i;
  }

  private dur(range: [number, number], floor = 0): number {
    return Math.max(floor, this.rng.uniform(range[0], range[1]));
  }

  private extend(): void {
    const last = this.segs[this.segs.length - 1];
    if (this.betweenS[1] > 0 && last.activity !== this.between) {
      this.segs.push({ activity: this.between, startS: last.endS, endS: last.endS + this.dur(this.betweenS, 0.2) });
      return;
    }
    const g = this.pickGesture();
    this.segs.push({ activity: g, startS: last.endS, endS: last.endS + this.dur(this.gestureS, 0.5) });
  }

  private pickGesture(): ActivityName {
    if (this.order === 'cycle') {
      const g = this.gestures[this.nextGesture % this.gestures.length];
      this.nextGesture++;
      this.lastGesture = g;
      return g;
    }
    let g = this.rng.pick(this.gestures);
    if (this.gestures.length > 1) while (g === this.lastGesture) g = this.rng.pick(this.gestures);
    this.lastGesture = g;
    return g;
  }
}
