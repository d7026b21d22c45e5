/**
 * Cutting recordings into windows for an impulse. DOM-free core module.
 *
 * A window is `windowFrames` consecutive frames of the impulse's axes (picked by name from the
 * recording's axes, in the impulse's order), interleaved frame-major like the dataset model. Windows
 * start at frame round(k·strideMs·fs/1000) for k = 0, 1, … while the window fits; a recording shorter
 * than one window gives a single zero-padded window when `zeroPad` is on, else none.
 */
import type { WindowingConfig } from '../core/impulse.ts';
import { StudioError } from '../core/errors.ts';

export type WindowTiming = Pick<WindowingConfig, 'windowMs' | 'strideMs' | 'zeroPad' | 'frequencyHz'>;

function bad(message: string, remedy: string): StudioError {
  return new StudioError({ family: 'dsp', code: 'bad-windowing', message, remedy });
}

/** Frames per window: round(windowMs·fs/1000). */
export function windowFrames(w: Pick<WindowingConfig, 'windowMs' | 'frequencyHz'>): number {
  if (!(w.frequencyHz > 0) || !Number.isFinite(w.frequencyHz)) {
    throw bad(`Sample rate ${w.frequencyHz} Hz is not a positive number.`, 'Set the impulse sample rate.');
  }
  if (!(w.windowMs > 0) || !Number.isFinite(w.windowMs)) {
    throw bad(`Window size ${w.windowMs} ms is not a positive number.`, 'Set a window size such as 2000 ms.');
  }
  const n = Math.round((w.windowMs * w.frequencyHz) / 1000);
  if (n < 1) {
    throw bad(`A ${w.windowMs} ms window at ${w.frequencyHz} Hz holds no samples.`, 'Increase the window size.');
  }
  return n;
}

/** Stride in frames (may be fractional; starts are rounded). */
export function strideFrames(w: Pick<WindowingConfig, 'strideMs' | 'frequencyHz'>): number {
  if (!(w.strideMs > 0) || !Number.isFinite(w.strideMs)) {
    throw bad(`Window stride ${w.strideMs} ms is not a positive number.`, 'Set a window stride such as 500 ms.');
  }
  return (w.strideMs * w.frequencyHz) / 1000;
}

/** Start frames of every window over a recording of `recordingFrames` frames. */
export function windowStarts(recordingFrames: number, w: WindowTiming): number[] {
  const size = windowFrames(w);
  const stride = strideFrames(w);
  if (recordingFrames <= 0) return [];
  if (recordingFrames < size) return w.zeroPad ? [0] : [];
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const start = Math.round(k * stride);
    if (start + size > recordingFrames) break;
    if (out.length === 0 || start > out[out.length - 1]) out.push(start);
  }
  return out;
}

/** Indices of the wanted axes in a recording's axes; throws a clear error when one is missing. */
export function axisIndices(recordingAxes: { name: string }[], wanted: string[]): number[] {
  return wanted.map((name) => {
    const i = recordingAxes.findIndex((a) => a.name === name);
    if (i < 0) {
      throw new StudioError({
        family: 'dsp',
        code: 'missing-axis',
        message: `The recording has no axis "${name}" (it has ${recordingAxes.map((a) => a.name).join(', ') || 'none'}).`,
        remedy: 'Choose axes in the impulse that every recording has, or re-import the recording.',
      });
    }
    return i;
  });
}

/**
 * Copies frames [start, start+frames) of the picked axes out of an interleaved recording, zero-padding
 * past its end. Returns `out` (frames × picked.length) or a new array.
 */
export function extractWindow(
  values: Float32Array,
  recordingAxesCount: number,
  picked: number[],
  start: number,
  frames: number,
  out?: Float32Array,
): Float32Array {
  const a = picked.length;
  const res = out ?? new Float32Array(frames * a);
  const total = Math.floor(values.length / recordingAxesCount);
  const end = Math.min(frames, Math.max(0, total - start));
  for (let t = 0; t < end; t++) {
    const src = (start + t) * recordingAxesCount;
    const dst = t * a;
    for (let j = 0; j < a; j++) res[dst + j] = values[src + picked[j]];
  }
  res.fill(0, end * a, frames * a);
  return res;
}

/** Zero-pads (or truncates) an interleaved buffer to `frames` frames. */
export function zeroPad(values: Float32Array, axesCount: number, frames: number): Float32Array {
  const out = new Float32Array(frames * axesCount);
  out.set(values.subarray(0, Math.min(values.length, out.length)));
  return out;
}
