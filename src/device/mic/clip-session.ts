/**
 * "Record N one-second clips with a count-down", for collecting keywords quickly. DOM-free core
 * module: the UI shows its state, tests drive it on a VirtualClock.
 *
 * For each clip: a count-down of `countdownS` seconds (3, 2, 1, one tick a second), then the clip is
 * recorded from the microphone stream through `recordAudio` (the store's chunked Recorder), then
 * the next count-down starts. `cancel()` stops at once; a clip being recorded is discarded, the clips
 * already saved stay. If the microphone stops, the session ends with its error.
 */
import { StudioError } from '../../core/errors.ts';
import { realClock, type Clock } from '../../core/clock.ts';
import type { Category, SampleMeta } from '../../data/sample.ts';
import type { StudioStore } from '../../data/store/studio-store.ts';
import type { MicStream } from './mic-stream.ts';
import { recordAudio, type AudioRecording } from './record.ts';

export type ClipPhase = 'idle' | 'countdown' | 'recording' | 'done' | 'cancelled' | 'failed';

export interface ClipSessionState {
  phase: ClipPhase;
  /** Seconds left in the count-down (countdown phase). */
  countdown: number;
  /** Index of the clip being prepared or recorded, from 0. */
  clip: number;
  total: number;
  /** Recorded part of the current clip, ms. */
  capturedMs: number;
  saved: SampleMeta[];
  error?: StudioError;
}

export interface ClipSessionOptions {
  projectId: string;
  label: string;
  count: number;
  /** Clip length, ms. Default 1000. */
  clipMs?: number;
  /** Count-down before each clip, s. Default 3. 0 records back to back. */
  countdownS?: number;
  /** Category of clip i (default: every fifth to testing, as the Device step's "auto"). */
  category?: (i: number) => Category;
  clock?: Clock;
  onChange?: (s: ClipSessionState) => void;
}

export class ClipSession {
  readonly state: ClipSessionState;
  private readonly clock: Clock;
  private cancelled = false;
  private current: AudioRecording | null = null;
  private wake: (() => void) | null = null;
  private timer: number | null = null;

  constructor(
    private readonly store: StudioStore,
    private readonly mic: MicStream,
    private readonly opts: ClipSessionOptions,
  ) {
    if (!opts.label.trim()) throw new StudioError({ family: 'config', code: 'label', message: 'The clips need a label.', remedy: 'Type the keyword (for example "yes") as the label.' });
    if (!(Number.isInteger(opts.count) && opts.count >= 1 && opts.count <= 1000)) {
      throw new StudioError({ family: 'config', code: 'clip-count', message: `Cannot record ${opts.count} clips.`, remedy: 'Choose from 1 to 1000 clips.' });
    }
    this.clock = opts.clock ?? realClock;
    this.state = { phase: 'idle', countdown: 0, clip: 0, total: opts.count, capturedMs: 0, saved: [] };
  }

  private changed(): void {
    this.opts.onChange?.({ ...this.state, saved: [...this.state.saved] });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => {
      this.wake = res;
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.wake = null;
        res();
      }, ms);
    });
  }

  /** Runs the whole session; resolves with the saved clips (also on cancel). */
  async run(): Promise<SampleMeta[]> {
    const s = this.state;
    const countdown = this.opts.countdownS ?? 3;
    const offEnd = this.mic.onEnd((e) => {
      if (this.cancelled || s.phase === 'done') return;
      s.error = e ?? new StudioError({ family: 'device', code: 'mic-ended', message: 'The microphone stopped during the session.', remedy: 'Start the microphone again.' });
      this.stopWaiting();
    });
    try {
      for (let i = 0; i < s.total; i++) {
        s.clip = i;
        s.capturedMs = 0;
        for (let c = countdown; c > 0; c--) {
          s.phase = 'countdown';
          s.countdown = c;
          this.changed();
          await this.sleep(1000);
          if (this.cancelled || s.error) return this.end();
        }
        s.phase = 'recording';
        s.countdown = 0;
        this.changed();
        const category = this.opts.category?.(i) ?? (i % 5 === 4 ? 'testing' : 'training');
        this.current = await recordAudio(this.store, this.mic, { projectId: this.opts.projectId, label: this.opts.label.trim(), category }, {
          lengthMs: this.opts.clipMs ?? 1000,
          onProgress: (ms) => {
            s.capturedMs = ms;
            this.changed();
          },
        });
        const meta = await this.current.done;
        this.current = null;
        if (this.cancelled || s.error) {
          if (meta) await this.store.deleteSamples([meta.id]);
          return this.end();
        }
        if (meta) s.saved.push(meta);
      }
      s.phase = 'done';
      this.changed();
      return s.saved;
    } catch (e) {
      s.error = e instanceof StudioError ? e : new StudioError({ family: 'storage', code: 'clip-failed', message: String(e) });
      return this.end();
    } finally {
      offEnd();
    }
  }

  private end(): SampleMeta[] {
    this.state.phase = this.state.error ? 'failed' : 'cancelled';
    this.changed();
    return this.state.saved;
  }

  private stopWaiting(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const w = this.wake;
    this.wake = null;
    w?.();
    // a clip being recorded ends now (its partial sample is deleted by run)
    void this.current?.stop();
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stopWaiting();
  }
}
