/**
 * The dataset's sample model. DOM-free core module.
 *
 * A sample is one recording: metadata plus its values, interleaved frame by frame
 * (`values[frame * axes.length + axis]`) in a Float32Array, at a fixed interval.
 */
export interface SensorAxis {
  /** e.g. "accX" */
  name: string;
  /** e.g. "m/s2", "g", "deg/s" */
  units: string;
}

export type Category = 'training' | 'testing';

/**
 * How a sample's fixed-rate values were made from a sensor with uneven timing (a phone's motion
 * events, src/device/phone/resampler.ts): what was measured and which method resampled it.
 */
export interface CaptureInfo {
  /** The browser API that delivered the readings, e.g. "devicemotion", "generic-sensor". */
  source: string;
  /** Event rate measured from the events' timestamps (median interval), Hz. */
  measuredHz: number;
  /** Robust standard deviation of the event intervals, ms. */
  jitterMs: number;
  /** The rate the values were resampled to (= 1000 / intervalMs), Hz. */
  resampledToHz: number;
  /** "linear" or "window-mean" (see resampler.ts). */
  method: string;
}

/** Where a recording has no data (events stopped, frames dropped): the values on either side were joined, not invented. */
export interface GapInfo {
  /** Frame index where the missing stretch would have started. */
  atFrame: number;
  /** Length of the missing stretch, ms. */
  missingMs: number;
}

export interface SampleMeta {
  id: string;
  projectId: string;
  label: string;
  category: Category;
  axes: SensorAxis[];
  /** Milliseconds between frames. */
  intervalMs: number;
  /** Number of frames. */
  length: number;
  deviceName: string;
  deviceType?: string;
  /** Epoch ms. */
  createdAt: number;
  /** Bumped when the values change (crop, import over), so caches keyed on it invalidate. */
  version: number;
  /** Original recording name, e.g. "circle.6600enq7" for imports from the common CSV layout. */
  sourceName?: string;
  /** False while a recording is still streaming into storage. */
  complete: boolean;
  /** Who recorded it (kept when several people's projects are imported into one). */
  person?: string;
  /** Set when the values were resampled from unevenly timed readings (phones). */
  capture?: CaptureInfo;
  /** Stretches with no data inside the recording. */
  gaps?: GapInfo[];
}

export interface Sample {
  meta: SampleMeta;
  values: Float32Array;
}

/** A sample without storage identity: what importers produce and exporters consume. */
export interface RawRecording {
  /** e.g. "circle.6600enq7" */
  name: string;
  label: string;
  category: Category;
  axes: SensorAxis[];
  intervalMs: number;
  values: Float32Array;
  deviceName?: string;
  createdAt?: number;
  deviceType?: string;
  person?: string;
  capture?: CaptureInfo;
  gaps?: GapInfo[];
}

export function frameCount(values: Float32Array, axisCount: number): number {
  return axisCount === 0 ? 0 : Math.floor(values.length / axisCount);
}

export function durationMs(meta: Pick<SampleMeta, 'length' | 'intervalMs'>): number {
  return meta.length * meta.intervalMs;
}
