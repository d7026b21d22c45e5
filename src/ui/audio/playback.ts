/**
 * Plays a stored audio sample through the speakers (Web Audio). UI module: the only audio output
 * code. Values in int16 units (the microphone, EI's format) are divided by 32768; values already in
 * full-scale units (WAV import) play as they are.
 */
import type { SensorAxis } from '../../data/sample.ts';

export interface Playback {
  /** Resolves when the sound ends or is stopped. */
  ended: Promise<void>;
  stop(): void;
}

/** Gain that brings the values to full scale (−1 … 1). */
export function playbackScale(values: Float32Array, axes: SensorAxis[]): number {
  if (axes[0]?.units === 'int16') return 1 / 32768;
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  return max > 1.0001 ? 1 / 32768 : 1;
}

/** Whether a sample looks like audio (an `audio…` axis at 4 kHz or more). */
export function isAudioSample(axes: SensorAxis[], intervalMs: number): boolean {
  return axes.length >= 1 && /^audio/i.test(axes[0].name) && 1000 / intervalMs >= 4000;
}

/** Plays frames [from, to) of the first channel. */
export function playSample(values: Float32Array, axes: SensorAxis[], intervalMs: number, from = 0, to?: number): Playback {
  const nA = Math.max(1, axes.length);
  const frames = Math.floor(values.length / nA);
  const a = Math.max(0, Math.min(frames, from));
  const b = Math.max(a, Math.min(frames, to ?? frames));
  const rate = Math.round(1000 / intervalMs);
  const ctx = new AudioContext();
  const n = Math.max(1, b - a);
  const buf = ctx.createBuffer(1, n, rate);
  const ch = buf.getChannelData(0);
  const g = playbackScale(values, axes);
  for (let i = 0; i < b - a; i++) ch[i] = values[(a + i) * nA] * g;
  const src = ctx.createBufferSource();
  src.buffer = buf;
  src.connect(ctx.destination);
  let resolve!: () => void;
  const ended = new Promise<void>((r) => (resolve = r));
  src.onended = () => {
    void ctx.close().catch(() => undefined);
    resolve();
  };
  src.start();
  return {
    ended,
    stop() {
      try {
        src.stop();
      } catch {
        /* not started or already stopped */
      }
    },
  };
}
