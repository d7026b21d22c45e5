/**
 * A live mel spectrogram of the microphone, for the view while recording: the same columns the MFE
 * block computes (20 ms frames every 10 ms, 256-point float64 FFT, 40 HTK mel filters, noise floor
 * −52 dB, 1/256 steps) but streamed, keeping the last `columns` columns. DOM-free core module.
 *
 * Pre-emphasis (0.98) runs across chunks with the previous sample, where the MFE block of a stored
 * window is circular at the window's start; every other column equals the block's. The loudest cells
 * saturate at 255/256 here (a display; the block wraps them to 0 as Edge Impulse does).
 */
import { RealFft } from '../../dsp/fft.ts';
import { melFilterbank, quantiseDb, type MelFilterbank } from '../../dsp/blocks/audio-shared.ts';

export interface LiveSpectrogramOptions {
  rateHz?: number;
  frameMs?: number;
  strideMs?: number;
  fftLength?: number;
  filters?: number;
  noiseFloorDb?: number;
  preCof?: number;
  /** Columns kept (default 150: 1.5 s at a 10 ms stride). */
  columns?: number;
}

export class LiveSpectrogram {
  readonly filters: number;
  readonly columns: number;
  /** columns × filters, oldest column first, values 0…255/256. */
  readonly image: Float32Array;
  /** Columns computed so far. */
  total = 0;
  private readonly frame: number;
  private readonly stride: number;
  private readonly fft: RealFft;
  private readonly bank: MelFilterbank;
  private readonly bins: number;
  private readonly floor: number;
  private readonly cof: number;
  private readonly pow: Float64Array;
  /** Pre-emphasised samples not yet consumed by a full frame. */
  private buf: Float64Array;
  private fill = 0;
  private prev = 0;
  private started = false;

  constructor(opts: LiveSpectrogramOptions = {}) {
    const rate = opts.rateHz ?? 16000;
    this.frame = Math.round((rate * (opts.frameMs ?? 20)) / 1000);
    this.stride = Math.round((rate * (opts.strideMs ?? 10)) / 1000);
    const fftLength = opts.fftLength ?? 256;
    this.fft = new RealFft(fftLength);
    this.bins = fftLength / 2 + 1;
    this.filters = opts.filters ?? 40;
    this.bank = melFilterbank(this.filters, fftLength, rate, 0, 0);
    this.floor = opts.noiseFloorDb ?? -52;
    this.cof = opts.preCof ?? 0.98;
    this.columns = opts.columns ?? 150;
    this.image = new Float32Array(this.columns * this.filters);
    this.pow = new Float64Array(this.bins);
    this.buf = new Float64Array(this.frame + 4096);
  }

  /** Adds int16-unit samples; returns the number of new columns. */
  push(x: ArrayLike<number>): number {
    if (this.fill + x.length > this.buf.length) {
      const bigger = new Float64Array(this.fill + x.length + this.frame);
      bigger.set(this.buf.subarray(0, this.fill));
      this.buf = bigger;
    }
    for (let i = 0; i < x.length; i++) {
      // float32 scaling and pre-emphasis, as the MFE block
      const v = Math.fround(x[i] / 32768);
      this.buf[this.fill++] = this.started ? Math.fround(v - Math.fround(Math.fround(this.cof) * this.prev)) : v;
      this.prev = v;
      this.started = true;
    }
    let added = 0;
    let at = 0;
    while (this.fill - at >= this.frame) {
      this.column(at);
      at += this.stride;
      added++;
    }
    this.buf.copyWithin(0, at, this.fill);
    this.fill -= at;
    return added;
  }

  private column(at: number): void {
    this.fft.power(this.buf, at, this.frame, this.pow);
    const n = this.fft.size;
    const { matrix, from, to } = this.bank;
    // scroll left by one column
    this.image.copyWithin(0, this.filters);
    const out = (this.columns - 1) * this.filters;
    for (let f = 0; f < this.filters; f++) {
      let e = 0;
      for (let k = from[f]; k < to[f]; k++) e += (this.pow[k] / n) * matrix[f * this.bins + k];
      this.image[out + f] = quantiseDb(e === 0 ? 1e-10 : e, this.floor, false);
    }
    this.total++;
  }
}
