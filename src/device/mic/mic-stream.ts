/**
 * The microphone as a sample stream, the way a board's sensor stream looks to the recorder.
 * DOM-free core module: the browser feeds it from getUserMedia (browser-mic.ts), tests from
 * generated signals.
 *
 * An `AudioInput` delivers full-scale mono chunks at the device rate (44.1/48 kHz). They are
 * resampled to the impulse's rate (16 kHz by default, resampler.ts), scaled to int16 units
 * (round(x·32768), clipped to −32768 … 32767: the values a 16-bit PDM microphone on a board gives and
 * that the audio DSP blocks expect) and handed out as `ReadingBatch`es of one axis, `audio`, to
 * listeners (`onBatch`) or through the `batches` async iterable — the same batches a board's
 * `DeviceStream` gives, so `Recorder` writes them to IndexedDB in chunks like IMU data.
 * A `LevelMeter` follows the input for the UI's meter.
 */
import { StudioError } from '../../core/errors.ts';
import { realClock, type Clock } from '../../core/clock.ts';
import type { SensorAxis } from '../../data/sample.ts';
import type { ReadingBatch } from '../connection.ts';
import type { AudioInput } from './audio-input.ts';
import { LevelMeter, type LevelReading } from './level.ts';
import { Resampler } from './resampler.ts';

export const AUDIO_AXIS: SensorAxis = { name: 'audio', units: 'int16' };
export const DEFAULT_AUDIO_RATE_HZ = 16000;

export interface MicStreamInfo {
  mode: 'microphone';
  deviceName: string;
  axes: SensorAxis[];
  /** Rate of the batches (the impulse's rate). */
  rateHz: number;
  /** Rate the device delivers. */
  deviceRateHz: number;
}

export interface MicStreamStats {
  /** Frames handed out. */
  readings: number;
  /** Device chunks received. */
  chunks: number;
  /** Output samples clipped to the int16 range. */
  clipped: number;
}

export interface MicStream {
  readonly info: MicStreamInfo;
  readonly stats: MicStreamStats;
  /** Every batch from now on; returns the unsubscribe function. */
  onBatch(fn: (b: ReadingBatch) => void): () => void;
  /** Called once when the stream ends (close, or the input stopped; `error` when it failed). */
  onEnd(fn: (error?: StudioError) => void): () => void;
  /** Batches from the moment of the call until the stream ends. */
  batches(): AsyncIterable<ReadingBatch>;
  level(): LevelReading;
  readonly ended: boolean;
  close(): Promise<void>;
}

export interface MicStreamOptions {
  /** Output rate, Hz. Default 16000. */
  rateHz?: number;
  clock?: Clock;
}

/** Full-scale samples → int16 units, rounded and clipped; returns how many were clipped. */
export function toInt16Units(x: Float32Array, out: Float32Array): number {
  let clipped = 0;
  for (let i = 0; i < x.length; i++) {
    let v = Math.round(x[i] * 32768);
    if (v > 32767) {
      v = 32767;
      clipped++;
    } else if (v < -32768) {
      v = -32768;
      clipped++;
    }
    out[i] = v;
  }
  return clipped;
}

export async function openMicStream(input: AudioInput, opts: MicStreamOptions = {}): Promise<MicStream> {
  const rateHz = opts.rateHz ?? DEFAULT_AUDIO_RATE_HZ;
  const clock = opts.clock ?? realClock;
  const resampler = input.sampleRate === rateHz ? null : new Resampler(input.sampleRate, rateHz);
  const meter = new LevelMeter(input.sampleRate);
  const stats: MicStreamStats = { readings: 0, chunks: 0, clipped: 0 };
  const listeners = new Set<(b: ReadingBatch) => void>();
  const endListeners = new Set<(e?: StudioError) => void>();
  let ended = false;

  const finish = (error?: StudioError): void => {
    if (ended) return;
    ended = true;
    for (const fn of [...endListeners]) fn(error);
    listeners.clear();
    endListeners.clear();
  };

  const sink = {
    chunk(samples: Float32Array): void {
      if (ended) return;
      stats.chunks++;
      meter.push(samples);
      const y = resampler ? resampler.process(samples) : samples;
      if (y.length === 0) return;
      const frames = new Float32Array(y.length);
      stats.clipped += toInt16Units(y, frames);
      const batch: ReadingBatch = { frames, t0: (stats.readings * 1000) / rateHz, arrivedAt: clock.now() };
      stats.readings += y.length;
      for (const fn of [...listeners]) fn(batch);
    },
    end(error?: StudioError): void {
      finish(error);
    },
  };

  try {
    await input.start(sink);
  } catch (e) {
    throw e instanceof StudioError
      ? e
      : new StudioError({ family: 'device', code: 'mic-failed', message: `The microphone could not start: ${e instanceof Error ? e.message : String(e)}`, remedy: 'Check that no other app holds the microphone, then try again.', cause: e });
  }

  const stream: MicStream = {
    info: { mode: 'microphone', deviceName: input.name, axes: [AUDIO_AXIS], rateHz, deviceRateHz: input.sampleRate },
    stats,
    onBatch(fn) {
      if (ended) return () => undefined;
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onEnd(fn) {
      if (ended) {
        fn();
        return () => undefined;
      }
      endListeners.add(fn);
      return () => endListeners.delete(fn);
    },
    batches() {
      const queue: ReadingBatch[] = [];
      let wake: (() => void) | null = null;
      let done = ended;
      let failure: StudioError | undefined;
      const offBatch = stream.onBatch((b) => {
        queue.push(b);
        wake?.();
      });
      const offEnd = stream.onEnd((e) => {
        done = true;
        failure = e;
        wake?.();
      });
      return {
        async *[Symbol.asyncIterator]() {
          try {
            while (true) {
              if (queue.length > 0) {
                yield queue.shift() as ReadingBatch;
                continue;
              }
              if (done) {
                if (failure) throw failure;
                return;
              }
              await new Promise<void>((res) => (wake = res));
              wake = null;
            }
          } finally {
            offBatch();
            offEnd();
          }
        },
      };
    },
    level: () => meter.reading,
    get ended() {
      return ended;
    },
    async close() {
      if (ended) return;
      try {
        await input.stop();
      } finally {
        finish();
      }
    },
  };
  return stream;
}
