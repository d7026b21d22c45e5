/**
 * How the sample view shows a long sample without reading it whole: the store's min/max overview as
 * a plottable envelope, and the longest detail window it reads at once. DOM-free helpers.
 */
import type { SampleMeta } from '../../../data/sample.ts';
import type { SampleOverview } from '../../../data/store/studio-store.ts';

/** Above this many values (16 MB; ≈ 4 min of 16 kHz audio) the view reads windows, not the sample. */
export const LONG_SAMPLE_VALUES = 4_000_000;
/** The longest selection of a long sample read for the detail plot and playback (≈ 2 min at 16 kHz). */
export const DETAIL_MAX_FRAMES = 2_000_000;

export interface Envelope {
  meta: SampleMeta;
  /** Two plotted frames per overview bucket (its min, then its max), interleaved axes. */
  values: Float32Array;
  /** Sample frames per plotted frame. */
  scale: number;
  buckets: number;
}

export function envelopeValues(o: SampleOverview): Omit<Envelope, 'meta'> {
  const a = o.axes;
  const values = new Float32Array(o.buckets * 2 * a);
  for (let b = 0; b < o.buckets; b++) {
    for (let k = 0; k < a; k++) {
      values[2 * b * a + k] = o.min[b * a + k];
      values[(2 * b + 1) * a + k] = o.max[b * a + k];
    }
  }
  return { values, scale: o.framesPerBucket / 2, buckets: o.buckets };
}
