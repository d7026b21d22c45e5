/**
 * The live figures of a resampled phone stream (kept apart so the stream types can name it without an
 * import cycle). DOM-free core module.
 */
import type { ResampleMethod } from './resampler.ts';
import type { MotionApi } from './motion.ts';

/** How a stream's fixed-rate frames were made from uneven events (kept live; snapshot it per sample). */
export interface ResamplingInfo {
  source: MotionApi;
  /** Rate measured from event timestamps (median interval), Hz; 0 until known. */
  measuredHz: number;
  /** Robust standard deviation of the event intervals, ms. */
  jitterMs: number;
  resampledToHz: number;
  method: ResampleMethod;
  events: number;
  gaps: number;
  gapMs: number;
}
