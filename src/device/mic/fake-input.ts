/**
 * A generated microphone for tests and benchmarks: plays a signal function at a device rate in
 * render-quantum-sized chunks (128 samples, as an AudioWorklet), either as fast as asked (`pump`) or
 * paced by a Clock. DOM-free. Knows only what a microphone would deliver.
 */
import type { Clock } from '../../core/clock.ts';
import type { AudioInput, AudioInputSink } from './audio-input.ts';

export class GeneratedAudioInput implements AudioInput {
  readonly name: string;
  private readonly chunkSize: number;
  private sink: AudioInputSink | null = null;
  private t = 0;
  private timer: number | null = null;
  private clockRef: Clock | null = null;

  constructor(
    readonly sampleRate: number,
    private readonly signal: (timeS: number) => number,
    opts: { name?: string; chunk?: number } = {},
  ) {
    this.name = opts.name ?? 'Generated microphone';
    this.chunkSize = opts.chunk ?? 128;
  }

  async start(sink: AudioInputSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
    if (this.timer !== null) this.clockRef?.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Delivers the next `seconds` of signal at once, in chunks. */
  pump(seconds: number): void {
    const total = Math.round(seconds * this.sampleRate);
    for (let done = 0; done < total && this.sink; ) {
      const n = Math.min(this.chunkSize, total - done);
      const c = new Float32Array(n);
      for (let i = 0; i < n; i++) c[i] = this.signal((this.t + i) / this.sampleRate);
      this.t += n;
      done += n;
      this.sink.chunk(c);
    }
  }

  /** Delivers chunks in real (or virtual) time on `clock`, every `everyMs`. */
  play(clock: Clock, everyMs = 20): void {
    this.clockRef = clock;
    const tick = (): void => {
      if (!this.sink) return;
      this.pump(everyMs / 1000);
      this.timer = clock.setTimeout(tick, everyMs);
    };
    this.timer = clock.setTimeout(tick, everyMs);
  }

  /** The input goes away (unplugged headset, revoked permission). */
  unplug(): void {
    const s = this.sink;
    this.sink = null;
    s?.end();
  }
}
