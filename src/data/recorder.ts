/**
 * Records a live stream of frames into the store, in chunks, so a crash or reload loses at most
 * about one chunk (default 0.5 s). DOM-free core module.
 *
 * Usage: `const r = await Recorder.start(store, start, { lengthMs })`, then `r.push(frames)` for every
 * batch from the device; `r.done` resolves once `lengthMs` was captured and the sample is final.
 * On unplug call `r.interrupt()`: what was captured stays as an incomplete recording; the UI then asks
 * whether to keep (`keep()`), trim (`keep({from, to})`) or discard (`discard()`) it.
 */
import { StudioError } from '../core/errors.ts';
import type { CaptureInfo, GapInfo, SampleMeta } from './sample.ts';
import type { RecordingStart, StudioStore } from './store/studio-store.ts';

export interface RecorderOptions {
  lengthMs: number;
  /** How much data is buffered in memory before it is written (ms). */
  chunkMs?: number;
  onProgress?: (capturedMs: number) => void;
  /** Resampled sources: the capture figures at the end of the recording (measured rate, jitter). */
  captureAtEnd?: () => CaptureInfo | undefined;
}

export type RecorderState = 'recording' | 'interrupted' | 'finished' | 'failed';

export class Recorder {
  readonly axes: number;
  readonly targetFrames: number;
  private readonly chunkFrames: number;
  private pending: Float32Array[] = [];
  private pendingFrames = 0;
  private captured = 0;
  private chunkIndex = 0;
  private writes: Promise<void> = Promise.resolve();
  private resolveDone!: (m: SampleMeta | undefined) => void;
  private rejectDone!: (e: unknown) => void;
  state: RecorderState = 'recording';
  error: StudioError | null = null;
  /** Resolves with the final sample once the requested length is captured. */
  readonly done: Promise<SampleMeta | undefined>;

  private constructor(
    private readonly store: StudioStore,
    readonly meta: SampleMeta,
    private readonly opts: RecorderOptions,
  ) {
    this.axes = meta.axes.length;
    this.targetFrames = Math.max(1, Math.round(opts.lengthMs / meta.intervalMs));
    this.chunkFrames = Math.max(1, Math.round((opts.chunkMs ?? 500) / meta.intervalMs));
    this.done = new Promise((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    this.done.catch(() => undefined);
  }

  static async start(store: StudioStore, start: RecordingStart, opts: RecorderOptions): Promise<Recorder> {
    if (!(opts.lengthMs > 0)) throw new StudioError({ family: 'config', code: 'length', message: 'The recording length must be above 0 ms.' });
    const meta = await store.beginRecording(start);
    return new Recorder(store, meta, opts);
  }

  get capturedFrames(): number {
    return this.captured;
  }

  get capturedMs(): number {
    return this.captured * this.meta.intervalMs;
  }

  private gaps: GapInfo[] = [];
  private expectT0 = NaN;

  /**
   * Adds interleaved frames (frames × axes). Frames past the requested length are ignored. With the
   * batch's stream time `t0`, a jump past the expected time (a phone's events stopped, a board dropped
   * frames) is recorded in the sample's `gaps`: the values either side are joined, nothing is made up.
   */
  push(frames: Float32Array, t0?: number): void {
    if (this.state !== 'recording') return;
    if (frames.length % this.axes !== 0) return;
    if (t0 !== undefined) {
      const dt = this.meta.intervalMs;
      if (this.captured > 0 && t0 - this.expectT0 > dt / 2) this.gaps.push({ atFrame: this.captured, missingMs: t0 - this.expectT0 });
      this.expectT0 = t0 + (frames.length / this.axes) * dt;
    }
    const room = this.targetFrames - this.captured;
    const n = Math.min(room, frames.length / this.axes);
    if (n <= 0) return;
    const part = n * this.axes === frames.length ? frames.slice() : frames.slice(0, n * this.axes);
    this.pending.push(part);
    this.pendingFrames += n;
    this.captured += n;
    this.opts.onProgress?.(this.capturedMs);
    if (this.captured >= this.targetFrames) {
      this.flush();
      this.state = 'finished';
      this.writes.then(
        () => this.store.finishRecording(this.meta.id, undefined, this.finalMeta()).then(this.resolveDone, this.rejectDone),
        (e) => this.rejectDone(e),
      );
    } else if (this.pendingFrames >= this.chunkFrames) {
      this.flush();
    }
  }

  /** Gaps seen so far (frame index in the sample, missing ms). */
  get gapList(): readonly GapInfo[] {
    return this.gaps;
  }

  /** Metadata known only at the end: the gaps, and the capture figures measured until now. */
  private finalMeta(): Pick<SampleMeta, 'capture' | 'gaps'> {
    const capture = this.opts.captureAtEnd?.();
    return { ...(capture ? { capture } : {}), ...(this.gaps.length ? { gaps: this.gaps.map((g) => ({ ...g })) } : {}) };
  }

  private flush(): void {
    if (this.pendingFrames === 0) return;
    const buf = new Float32Array(this.pendingFrames * this.axes);
    let off = 0;
    for (const p of this.pending) {
      buf.set(p, off);
      off += p.length;
    }
    this.pending = [];
    this.pendingFrames = 0;
    const index = this.chunkIndex++;
    this.writes = this.writes.then(() =>
      this.store.appendChunk(this.meta.id, index, buf).catch((e: unknown) => {
        this.state = 'failed';
        this.error = e instanceof StudioError ? e : new StudioError({ family: 'storage', code: 'write-failed', message: String(e) });
        this.rejectDone(this.error);
        throw this.error;
      }),
    );
  }

  /** Resolves once every chunk handed to the store so far is written (what a crash would leave). */
  async written(): Promise<void> {
    await this.writes.catch(() => undefined);
  }

  /** The device went away: write what is buffered and leave the recording for keep/trim/discard. */
  async interrupt(): Promise<void> {
    if (this.state !== 'recording') return;
    this.state = 'interrupted';
    this.flush();
    await this.writes.catch(() => undefined);
  }

  /** Keeps the captured part (optionally only frames [from, to)) as a complete sample. */
  async keep(range?: { from: number; to: number }): Promise<SampleMeta | undefined> {
    await this.interrupt();
    const m = await this.store.finishRecording(this.meta.id, range, this.finalMeta());
    this.resolveDone(m);
    return m;
  }

  async discard(): Promise<void> {
    await this.interrupt();
    await this.store.deleteSamples([this.meta.id]);
    this.resolveDone(undefined);
  }
}
