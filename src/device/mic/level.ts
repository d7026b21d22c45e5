/**
 * Level meter for the microphone: peak and RMS in dBFS with a peak-programme fall-back, as a value
 * 0…1 for a bar. DOM-free core module.
 *
 * Input is full-scale audio (−1 ≤ x < 1). Each `push` measures the chunk's RMS and peak; the shown
 * peak jumps up at once and falls back at `fallDbPerS` (20 dB/s, a PPM-like ballistic) by the audio
 * time the chunks cover, so the meter moves the same whatever the chunk size or the UI frame rate.
 * `value` maps −60 … 0 dBFS to 0 … 1. `clipped` counts samples at or beyond full scale.
 */
export const LEVEL_FLOOR_DB = -60;

export interface LevelReading {
  /** Shown peak level, dBFS (with fall-back), at least LEVEL_FLOOR_DB. */
  peakDb: number;
  /** RMS of the last chunk, dBFS. */
  rmsDb: number;
  /** peakDb mapped to 0…1 for a meter bar. */
  value: number;
  /** Samples at or beyond full scale so far. */
  clipped: number;
}

const toDb = (a: number): number => (a > 0 ? Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(a)) : LEVEL_FLOOR_DB);

export class LevelMeter {
  private peak = LEVEL_FLOOR_DB;
  private rms = LEVEL_FLOOR_DB;
  private clips = 0;

  constructor(
    private readonly rateHz: number,
    private readonly fallDbPerS = 20,
  ) {}

  /** Measures a chunk of full-scale samples. */
  push(chunk: ArrayLike<number>): void {
    if (chunk.length === 0) return;
    let sum = 0;
    let max = 0;
    for (let i = 0; i < chunk.length; i++) {
      const v = chunk[i];
      const a = v < 0 ? -v : v;
      if (a > max) max = a;
      if (a >= 1) this.clips++;
      sum += v * v;
    }
    const fallen = this.peak - (this.fallDbPerS * chunk.length) / this.rateHz;
    this.peak = Math.max(toDb(max), fallen, LEVEL_FLOOR_DB);
    this.rms = toDb(Math.sqrt(sum / chunk.length));
  }

  get reading(): LevelReading {
    return { peakDb: this.peak, rmsDb: this.rms, value: (this.peak - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB, clipped: this.clips };
  }

  reset(): void {
    this.peak = LEVEL_FLOOR_DB;
    this.rms = LEVEL_FLOOR_DB;
    this.clips = 0;
  }
}
