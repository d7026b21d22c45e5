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
}

export function frameCount(values: Float32Array, axisCount: number): number {
  return axisCount === 0 ? 0 : Math.floor(values.length / axisCount);
}

export function durationMs(meta: Pick<SampleMeta, 'length' | 'intervalMs'>): number {
  return meta.length * meta.intervalMs;
}
