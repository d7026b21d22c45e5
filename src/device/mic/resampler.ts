/**
 * Streaming sample-rate converter for microphone audio (44.1/48 kHz → 16 kHz by default).
 * DOM-free core module.
 *
 * Method: rational polyphase FIR resampling. With g = gcd(in, out), the input is conceptually
 * upsampled by L = out/g (zeros between samples), low-pass filtered at the high rate in·L, and
 * decimated by M = in/g; the polyphase form only computes the kept outputs, each from one of the L
 * phases of the prototype filter (K taps per phase). 48 kHz → 16 kHz is L = 1, M = 3;
 * 44.1 kHz → 16 kHz is L = 160, M = 441.
 *
 * The prototype is a windowed sinc (Kaiser window). Band edges, with fN = min(in, out)/2 (8 kHz at
 * 16 kHz out):
 *  - passband 0 … 0.9·fN (7.2 kHz): ripple below ±0.01 dB (Kaiser's ripple δ = 10^(−A/20) for A = 90 dB);
 *  - stopband fN … (everything at or above 8 kHz): attenuation ≥ 90 dB in design, so anything that
 *    would fold back into 0 … 8 kHz (aliasing) is at least 90 dB down; the tests measure ≥ 80 dB;
 *  - transition 0.9·fN … fN, cut-off (−6 dB) at 0.95·fN.
 * The tap count follows Kaiser's estimate K·L ≈ (A − 7.95)/(2.285·Δω) at the high rate. Each phase is
 * normalised to a DC gain of exactly 1, so a constant input gives a constant output at every phase.
 * The filter is linear-phase and its delay is compensated: output j is the signal at input time
 * j·in/out exactly (to half a sample of the high rate when L is even), so it is produced once the
 * input reaches that time plus `latencyOut` output samples (≈ 57, 3.6 ms, for 48 or 44.1 → 16 kHz).
 * `resampleAll` flushes the tail of a whole recording with zeros.
 */
import { StudioError } from '../../core/errors.ts';

export interface ResamplerOptions {
  /** Stopband attenuation in dB (Kaiser design). Default 90. */
  attenuationDb?: number;
  /** Passband edge as a fraction of min(in, out)/2. Default 0.9. */
  passband?: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /** Upsampling factor L and decimation factor M. */
  readonly up: number;
  readonly down: number;
  /** Taps per polyphase branch. */
  readonly tapsPerPhase: number;
  /** Latency of the filter (half its length), in output samples. */
  readonly latencyOut: number;
  /** Half the filter length at the high rate, whole samples: output j is taken at time j·M + offset. */
  private readonly offset: number;
  private readonly phases: Float64Array[];
  /** Input history: the last tapsPerPhase − 1 samples before the current chunk, then the chunk. */
  private hist: Float64Array;
  /** Absolute index of the next input sample to arrive, and of the next output sample. */
  private inCount = 0;
  private outCount = 0;

  constructor(inRate: number, outRate: number, opts: ResamplerOptions = {}) {
    if (!(Number.isInteger(inRate) && inRate > 0 && Number.isInteger(outRate) && outRate > 0)) {
      throw new StudioError({ family: 'device', code: 'mic-rate', message: `Cannot resample ${inRate} Hz to ${outRate} Hz: rates must be whole positive numbers.`, remedy: 'Use a standard rate such as 16000 Hz.' });
    }
    this.inRate = inRate;
    this.outRate = outRate;
    const g = gcd(inRate, outRate);
    const L = outRate / g;
    const M = inRate / g;
    if (L > 4096) {
      throw new StudioError({ family: 'device', code: 'mic-rate', message: `Resampling ${inRate} Hz to ${outRate} Hz needs ${L} filter phases (too many).`, remedy: 'Pick a sample rate that divides more evenly, such as 16000 Hz.' });
    }
    this.up = L;
    this.down = M;
    const A = opts.attenuationDb ?? 90;
    const pass = opts.passband ?? 0.9;
    const fN = Math.min(inRate, outRate) / 2;
    const high = inRate * L;
    // normalised to the high rate (cycles/sample)
    const fPass = (pass * fN) / high;
    const fStop = fN / high;
    const fc = (fPass + fStop) / 2;
    const dw = 2 * Math.PI * (fStop - fPass);
    let n = Math.ceil((A - 7.95) / (2.285 * dw)) + 1;
    let K = Math.max(2, Math.ceil(n / L));
    if (L % 2 === 1 && K % 2 === 0) K++; // odd length: the delay is a whole number of samples
    n = K * L;
    const beta = A > 50 ? 0.1102 * (A - 8.7) : A >= 21 ? 0.5842 * (A - 21) ** 0.4 + 0.07886 * (A - 21) : 0;
    const i0b = besselI0(beta);
    const mid = (n - 1) / 2;
    const h = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = i - mid;
      const sinc = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
      const r = t / mid;
      h[i] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b);
    }
    this.tapsPerPhase = K;
    this.phases = [];
    for (let p = 0; p < L; p++) {
      const taps = new Float64Array(K);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += taps[k] = h[p + k * L];
      for (let k = 0; k < K; k++) taps[k] /= sum;
      this.phases.push(taps);
    }
    this.latencyOut = mid / M;
    this.offset = Math.floor(mid);
    this.hist = new Float64Array(K - 1);
  }

  /** Output samples that `inputs` more input samples will produce (given what came before). */
  outputsFor(inputs: number): number {
    const have = this.inCount + inputs; // inputs 0 … have − 1
    // output j uses inputs up to floor((j·M + offset) / L): ready when j·M + offset < have·L
    const span = have * this.up - this.offset;
    const ready = span <= 0 ? 0 : Math.floor((span + this.down - 1) / this.down);
    return Math.max(0, ready - this.outCount);
  }

  /** Feeds input samples; returns the output samples now complete (may be empty). */
  process(input: ArrayLike<number>): Float32Array {
    const K = this.tapsPerPhase;
    const n = input.length;
    const out = new Float32Array(this.outputsFor(n));
    // buffer = history (K − 1 samples, absolute indices inCount − K + 1 …) then the chunk
    const buf = new Float64Array(K - 1 + n);
    buf.set(this.hist);
    for (let i = 0; i < n; i++) buf[K - 1 + i] = input[i];
    const base0 = this.inCount - (K - 1); // absolute index of buf[0]
    const L = this.up;
    const M = this.down;
    for (let j = 0; j < out.length; j++) {
      const t = (this.outCount + j) * M + this.offset; // time at the high rate
      const idx = Math.floor(t / L); // newest input used
      const taps = this.phases[t - idx * L];
      let acc = 0;
      let b = idx - base0;
      for (let k = 0; k < K && b >= 0; k++, b--) acc += taps[k] * buf[b];
      out[j] = acc;
    }
    this.outCount += out.length;
    this.inCount += n;
    this.hist = buf.slice(buf.length - (K - 1));
    return out;
  }

  /** Forgets the stream (next input starts at time 0). */
  reset(): void {
    this.hist.fill(0);
    this.inCount = 0;
    this.outCount = 0;
  }
}

/** Resamples a whole recording to round(n·out/in) samples, time-aligned (the tail is flushed with zeros). */
export function resampleAll(x: ArrayLike<number>, inRate: number, outRate: number, opts?: ResamplerOptions): Float32Array {
  if (inRate === outRate) return Float32Array.from(x);
  const r = new Resampler(inRate, outRate, opts);
  const want = Math.round((x.length * outRate) / inRate);
  const head = r.process(x);
  const tail = r.process(new Float32Array(Math.ceil(((r.latencyOut + 2) * inRate) / outRate) + 1));
  const all = new Float32Array(head.length + tail.length);
  all.set(head);
  all.set(tail, head.length);
  return all.slice(0, want);
}
