/**
 * The audio blocks (MFE, MFCC, spectrogram) in C++ for the Arduino-library export, generated from
 * the TypeScript blocks (src/dsp/blocks/mfe.ts, mfcc.ts, spectrogram.ts). DOM-free core module.
 *
 * How the two are kept equal:
 * - Everything that depends on the settings is computed here, by the TypeScript blocks' own code,
 *   and emitted as constants (`audioDspPlan`): frame geometry (`frameGeometry`), the sparse mel
 *   filterbank (`melFilterbank`: per filter its first/last bin and weights), the FFT's twiddle
 *   tables (the same expressions as `RealFft`), the MFCC's orthonormal DCT-II basis, and for the MFE
 *   the 256 energy thresholds where the TypeScript quantiser (`quantiseDb`: normalised dB, clip, round
 *   half to even to 1/256) steps to the next level. The board then needs no log10 for the MFE, and
 *   its cells equal the TypeScript's exactly, also on rounding edges and in the wrapped loudest cells.
 * - The algorithm exists once, as C++ functions taking those tables at run time
 *   (`AUDIO_DSP_CPP_KERNELS`), written operation for operation like the TypeScript: the same float64
 *   FFT (packing, butterflies, unpacking of `RealFft`), float32 pre-emphasis for the MFE (as EI),
 *   float64 for MFCC and spectrogram, the same summation orders, the MFCC's local mean/variance
 *   normalisation with the same float32 roundings. Only log (MFCC) and log10 (spectrogram) come
 *   from the C library, whose last bit may differ from the JavaScript engine's (1e-16 relative).
 * - src/ml/export/arduino-audio-host.shared.test.ts compiles the kernels with g++ and compares them with the
 *   TypeScript blocks on Edge Impulse's reference signals and on self-made ones (within 1e-4).
 *
 * Float64, as EI's v4 blocks and the TypeScript: a float32 FFT would move MFE cells that sit near a
 * 1/256 rounding edge by a whole step, which breaks equality with what the model was trained on.
 * The cost is time on boards without a double-precision FPU (see estimate.ts `audioDspCost`).
 *
 * Input samples are int16 (what the PDM microphone delivers and what the audio blocks take), read
 * from a ring buffer so the sketch keeps one copy of the audio. The runtime firmware
 * (firmware/src/dsp_generated.h) does not include these kernels: it refuses audio impulses.
 */
import { StudioError } from '../../../core/errors.ts';
import type { ImpulseConfig } from '../../../core/impulse.ts';
import { resolveParams } from '../../../dsp/block.ts';
import { dspContext, getDspBlock } from '../../../dsp/registry.ts';
import { frameGeometry, normalisedDb, roundHalfEven, withParamAliases } from '../../../dsp/blocks/audio-shared.ts';
import { melSetup } from '../../../dsp/blocks/mfe.ts';

export type AudioBlockId = 'mfe' | 'mfcc' | 'spectrogram';
export const AUDIO_BLOCKS: readonly AudioBlockId[] = ['mfe', 'mfcc', 'spectrogram'];
export const isAudioBlock = (b: string): b is AudioBlockId => (AUDIO_BLOCKS as readonly string[]).includes(b);

/** Everything the C++ kernels need, computed by the TypeScript blocks. */
export interface AudioDspPlan {
  block: AudioBlockId;
  /** Samples per window. */
  samples: number;
  frameLength: number;
  frameStride: number;
  frames: number;
  fftLength: number;
  /** Complex-FFT twiddles e^(−2πi·j/(N/2)), j < max(1, N/4). */
  cr: number[];
  ci: number[];
  /** Unpack twiddles e^(−2πi·k/N), k ≤ N/2. */
  ur: number[];
  ui: number[];
  /** Pre-emphasis coefficient (the MFE's rounded to float32) and shift; 0 = none. */
  preCof: number;
  preShift: number;
  /** Mel filters (MFE, MFCC): per filter [from, to) bins and the weights of those bins, concatenated. */
  filters: number;
  filterFrom: number[];
  filterTo: number[];
  filterWeights: number[];
  /** MFCC: coefficients kept, normalisation window (0 = off), DCT basis cep × filters. */
  cep: number;
  win: number;
  dct: number[];
  /** MFE: energy thresholds of levels 1..256 (level = how many are ≤ the energy), and the wrap. */
  mfeLevels: number[];
  mfeWrap: boolean;
  noiseFloorDb: number;
  /** Features per window (frames × values per frame). */
  featureCount: number;
  /** Values per frame. */
  perFrame: number;
}

function unsupported(what: string): StudioError {
  return new StudioError({
    family: 'dsp',
    code: 'export-dsp-unsupported',
    message: `The Arduino export cannot run this DSP setting on the board: ${what}.`,
    remedy: 'Use the MFE, MFCC or spectrogram block on one int16 audio axis, or export only the model and C header.',
  });
}

const bitsView = new DataView(new ArrayBuffer(8));
function fromBits(b: bigint): number {
  bitsView.setBigUint64(0, b);
  return bitsView.getFloat64(0);
}

/** The TypeScript MFE's level (0..256, before the wrap) of a filterbank energy: quantiseDb × 256 without the wrap. */
export function mfeLevel(energy: number, noiseFloorDb: number): number {
  let v = normalisedDb(energy, noiseFloorDb);
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  return roundHalfEven(v * 256);
}

/**
 * For k = 1..256 the smallest non-negative double energy whose MFE level is ≥ k (bisection over the
 * ordered bit patterns of positive doubles, 63 steps each): a cell's level is the count of
 * thresholds ≤ its energy.
 */
export function mfeLevelThresholds(noiseFloorDb: number): number[] {
  const out: number[] = [];
  const inf = 0x7ff0000000000000n;
  for (let k = 1; k <= 256; k++) {
    let lo = 0n;
    let hi = inf;
    while (hi - lo > 1n) {
      const mid = (lo + hi) >> 1n;
      if (mfeLevel(fromBits(mid), noiseFloorDb) >= k) hi = mid;
      else lo = mid;
    }
    out.push(fromBits(hi));
  }
  return out;
}

/** RealFft's twiddle tables for an FFT of n points (the same expressions, so the same doubles). */
function twiddles(n: number): Pick<AudioDspPlan, 'cr' | 'ci' | 'ur' | 'ui'> {
  const m = n >> 1;
  const q = Math.max(1, m >> 1);
  const cr: number[] = [], ci: number[] = [], ur: number[] = [], ui: number[] = [];
  for (let j = 0; j < q; j++) {
    const a = (-2 * Math.PI * j) / m;
    cr.push(Math.cos(a));
    ci.push(Math.sin(a));
  }
  for (let k = 0; k <= m; k++) {
    const a = (-2 * Math.PI * k) / n;
    ur.push(Math.cos(a));
    ui.push(Math.sin(a));
  }
  return { cr, ci, ur, ui };
}

/** The plan of an audio impulse (throws the block's own StudioError for settings it refuses). */
export function audioDspPlan(impulse: ImpulseConfig): AudioDspPlan {
  const block = impulse.dsp.block;
  if (!isAudioBlock(block)) throw unsupported(`the ${block} block is not an audio block`);
  const ctx = dspContext(impulse);
  const dsp = getDspBlock(block);
  dsp.validate(ctx);
  const dim = dsp.createRunner(ctx).dim;
  const base = { block, samples: ctx.windowFrames, preShift: 1, filters: 0, filterFrom: [] as number[], filterTo: [] as number[], filterWeights: [] as number[], cep: 0, win: 0, dct: [] as number[], mfeLevels: [] as number[], mfeWrap: false };
  let plan: AudioDspPlan;
  if (block === 'spectrogram') {
    const p = resolveParams(dsp.params, withParamAliases(ctx.params));
    const fftLength = p['fft-length'] as number;
    const g = frameGeometry(ctx.frequencyHz, p['frame-length'] as number, p['frame-stride'] as number, ctx.windowFrames, 4);
    const bins = fftLength / 2 + 1;
    plan = { ...base, ...g, fftLength, ...twiddles(fftLength), preCof: p['pre-cof'] as number, noiseFloorDb: p['noise-floor-db'] as number, featureCount: g.frames * bins, perFrame: bins };
  } else {
    const s = melSetup(ctx, dsp.params, block === 'mfe' ? 'MFE' : 'MFCC');
    const bins = s.bins;
    const from: number[] = [], to: number[] = [], w: number[] = [];
    for (let f = 0; f < s.filters; f++) {
      from.push(s.bank.from[f]);
      to.push(s.bank.to[f]);
      for (let k = s.bank.from[f]; k < s.bank.to[f]; k++) w.push(s.bank.matrix[f * bins + k]);
    }
    const common = { ...base, ...s.g, fftLength: s.fftLength, ...twiddles(s.fftLength), filters: s.filters, filterFrom: from, filterTo: to, filterWeights: w };
    if (block === 'mfe') {
      const floor = s.p['noise-floor-db'] as number;
      plan = { ...common, preCof: Math.fround(s.p['pre-cof'] as number), noiseFloorDb: floor, mfeLevels: mfeLevelThresholds(floor), mfeWrap: s.p['loudest-cells'] === 'wrap', featureCount: s.g.frames * s.filters, perFrame: s.filters };
    } else {
      const cep = Math.min(s.p['num-cepstral'] as number, s.filters);
      const F = s.filters;
      const dct: number[] = [];
      // the same expressions as mfcc.ts builds its basis with
      for (let k = 0; k < cep; k++) {
        const scale = k === 0 ? Math.sqrt(1 / (4 * F)) * 2 : Math.sqrt(1 / (2 * F)) * 2;
        for (let n = 0; n < F; n++) dct.push(scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * F)));
      }
      plan = { ...common, preCof: s.p['pre-cof'] as number, preShift: s.p['pre-shift'] as number, cep, win: s.p['win-size'] as number, dct, noiseFloorDb: 0, featureCount: s.g.frames * cep, perFrame: cep };
    }
  }
  if (plan.featureCount !== dim) throw unsupported(`the plan gives ${plan.featureCount} features where the block gives ${dim}`);
  return plan;
}

/** Bytes of scratch RAM the kernels use for a plan (static buffers of the generated wrapper). */
export function audioScratchBytes(p: AudioDspPlan): number {
  const m = p.fftLength / 2;
  const frameBuf = Math.min(p.frameLength, p.fftLength);
  let doubles = 2 * m + frameBuf + (m + 1);
  if (p.block !== 'spectrogram') doubles += p.filters;
  if (p.block === 'mfcc') doubles += 2 * p.frames * p.cep;
  return doubles * 8 + m * 2;
}

/** Bytes of constant tables (flash) of a plan. */
export function audioTableBytes(p: AudioDspPlan): number {
  return 8 * (p.cr.length + p.ci.length + p.ur.length + p.ui.length + p.filterWeights.length + p.dct.length + p.mfeLevels.length) + 2 * (p.filterFrom.length + p.filterTo.length);
}

/**
 * The audio DSP as C++ (static functions, no allocation, no globals). Frames are cut, pre-emphasised
 * and transformed one at a time, so the scratch is a few FFT-sized buffers, not the window.
 */
export const AUDIO_DSP_CPP_KERNELS = `
// The window: \`samples\` int16 values starting at ring[start], wrapping at \`capacity\`. With a
// microphone writing into the ring meanwhile: \`written\` counts the samples it wrote (mod 2^32),
// abs_start is the window's first sample in that count, and *overrun is set when a sample was
// overwritten before the kernel read it (sample i is gone once written > abs_start + capacity + i).
struct impulse_audio_input {
  const volatile int16_t* ring;
  int capacity;
  int start;
  int samples;
  const volatile uint32_t* written;  // nullptr: nothing writes the ring
  uint32_t abs_start;
  int* overrun;
};

struct impulse_audio_params {
  int block;          // 0 spectrogram, 1 MFE, 2 MFCC
  int frame_length;   // samples per frame
  int frame_stride;   // samples between frame starts
  int frames;
  int fft_length;     // N, a power of two
  const double* cr;   // complex-FFT twiddles, max(1, N/4)
  const double* ci;
  const double* ur;   // unpack twiddles, N/2 + 1
  const double* ui;
  double pre_cof;     // pre-emphasis coefficient (0: none); MFE: a float32 value
  int pre_shift;      // MFCC: samples back (circular at the start)
  int filters;        // mel filters (MFE, MFCC)
  const int16_t* filter_from;  // per filter first bin
  const int16_t* filter_to;    // per filter one past the last bin
  const double* filter_weights;  // the weights of bins from..to-1, filter after filter
  int cep;            // MFCC coefficients
  int win;            // MFCC normalisation window (odd), 0 = off
  const double* dct;  // MFCC orthonormal DCT-II basis, cep x filters
  const double* mfe_levels;  // MFE: 256 energy thresholds, non-decreasing
  int mfe_wrap;       // MFE: level 256 -> 0 (EI's Python) instead of 255
  double noise_floor_db;
};

// Scratch: zr, zi [N/2], frame [min(frame_length, N)], power [N/2 + 1], mel [filters],
// cep and ms [frames x cep] (MFCC only). rev [N/2] (bit reversal, filled on each call).
struct impulse_audio_scratch {
  double* zr;
  double* zi;
  double* frame;
  double* power;
  double* mel;
  double* cep;
  double* ms;
  uint16_t* rev;
};

static inline int impulse_audio_at(const impulse_audio_input* in, int i) {
  int j = in->start + i;
  j %= in->capacity;
  if (j < 0) j += in->capacity;
  const int v = in->ring[j];  // volatile reads: the sample is read before the count is checked
  if (in->written && (uint32_t)(*in->written - in->abs_start) > (uint32_t)in->capacity + (uint32_t)i) *in->overrun = 1;
  return v;
}

// Sample i of the window after pre-emphasis (circular at the start, as numpy.roll).
static inline double impulse_audio_signal(const impulse_audio_params* p, const impulse_audio_input* in, int i) {
  const int n = in->samples;
  if (p->block == 1) {
    // MFE: float32 (x / 32768) - c * float32(x[i-1] / 32768), each step rounded to float32
    const float x = (float)impulse_audio_at(in, i) / 32768.0f;
    const float prev = (float)impulse_audio_at(in, i == 0 ? n - 1 : i - 1) / 32768.0f;
    volatile float prod = (float)p->pre_cof * prev;  // a float32 product (no fused multiply-subtract)
    return (double)(float)((double)x - (double)prod);  // the difference rounded once to float32, as Math.fround
  }
  const double x = (double)impulse_audio_at(in, i);
  if (p->pre_cof == 0 && p->block == 0) return x;
  int j = (i - p->pre_shift) % n;
  if (j < 0) j += n;
  volatile double prod = p->pre_cof * (double)impulse_audio_at(in, j);
  return x - prod;
}

// |rfft(frame, N)|^2 / N of one frame of n <= N values (RealFft: pack into N/2 complex points,
// radix-2 butterflies, unpack), into power[0..N/2].
static inline void impulse_audio_power(const impulse_audio_params* p, impulse_audio_scratch* s, int n) {
  const int N = p->fft_length, m = N >> 1;
  double* zr = s->zr;
  double* zi = s->zi;
  int bits = 0;
  while ((1 << bits) < m) bits++;
  for (int i = 0; i < m; i++) {
    int r = 0;
    for (int b = 0; b < bits; b++)
      if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    s->rev[i] = (uint16_t)r;
  }
  for (int i = 0; i < m; i++) {
    const int t = 2 * i, j = s->rev[i];
    zr[j] = t < n ? s->frame[t] : 0.0;
    zi[j] = t + 1 < n ? s->frame[t + 1] : 0.0;
  }
  for (int len = 2; len <= m; len <<= 1) {
    const int h = len >> 1, step = m / len;
    for (int i = 0; i < m; i += len) {
      for (int j = 0, k = 0; j < h; j++, k += step) {
        const double wr = p->cr[k], wi = p->ci[k];
        const int a = i + j, b = a + h;
        const double br = zr[b], bi = zi[b];
        const double tr = br * wr - bi * wi;
        const double ti = br * wi + bi * wr;
        const double ar = zr[a], ai = zi[a];
        zr[b] = ar - tr;
        zi[b] = ai - ti;
        zr[a] = ar + tr;
        zi[a] = ai + ti;
      }
    }
  }
  for (int k = 0; k <= m; k++) {
    const int pk = k == m ? 0 : k, qk = k == 0 ? 0 : m - k;
    const double a = zr[pk], b = zi[pk], c = zr[qk], d = zi[qk];
    const double er = 0.5 * (a + c), ei = 0.5 * (b - d);
    const double orr = 0.5 * (b + d), oi = -0.5 * (a - c);
    const double wr = p->ur[k], wi = p->ui[k];
    const double re = er + wr * orr - wi * oi;
    const double im = ei + wr * oi + wi * orr;
    s->power[k] = (re * re + im * im) / N;
  }
}

// Mel filterbank energies of the frame in s->power (0 -> 1e-10), into s->mel.
static inline void impulse_audio_mel(const impulse_audio_params* p, impulse_audio_scratch* s) {
  const double* w = p->filter_weights;
  for (int f = 0; f < p->filters; f++) {
    double e = 0;
    for (int k = p->filter_from[f]; k < p->filter_to[f]; k++, w++)
      if (*w != 0) e += s->power[k] * *w;
    s->mel[f] = e == 0 ? 1e-10 : e;
  }
}

static inline int impulse_audio_symmetric(int j, int n) {
  const int period = 2 * n;
  int r = j % period;
  if (r < 0) r += period;
  return r < n ? r : period - 1 - r;
}

// Local cepstral mean and variance normalisation over win frames ('symmetric' padding), as mfcc.ts.
static inline void impulse_audio_cmvn(const double* vec, int rows, int cols, int win, double* ms, float* out) {
  const int pad = (win - 1) / 2;
  for (int i = 0; i < rows; i++)
    for (int c = 0; c < cols; c++) {
      double sum = 0;
      for (int j = i - pad; j <= i + pad; j++) sum += vec[impulse_audio_symmetric(j, rows) * cols + c];
      ms[i * cols + c] = (double)(float)(vec[i * cols + c] - sum / win);
    }
  for (int i = 0; i < rows; i++)
    for (int c = 0; c < cols; c++) {
      double sum = 0;
      for (int j = i - pad; j <= i + pad; j++) sum += ms[impulse_audio_symmetric(j, rows) * cols + c];
      const double mean = sum / win;
      double v = 0;
      for (int j = i - pad; j <= i + pad; j++) {
        const double d = ms[impulse_audio_symmetric(j, rows) * cols + c] - mean;
        v += d * d;
      }
      out[i * cols + c] = (float)(ms[i * cols + c] / (sqrt(v / win) + 1e-10));
    }
}

// Frame t of the window: MFE/spectrogram values into out[t * per ...], MFCC cepstra into s->cep.
static inline void impulse_audio_frame(const impulse_audio_params* p, const impulse_audio_input* in, impulse_audio_scratch* s, int t, float* out) {
  const int bins = p->fft_length / 2 + 1;
  const int n = p->frame_length < p->fft_length ? p->frame_length : p->fft_length;
  const int start = t * p->frame_stride;
  for (int i = 0; i < n; i++) s->frame[i] = impulse_audio_signal(p, in, start + i);
  impulse_audio_power(p, s, n);
  if (p->block == 0) {
    for (int k = 0; k < bins; k++) {
      const double e = s->power[k];
      const double db = 10 * log10(e < 1e-30 ? 1e-30 : e);
      const double v = (db - p->noise_floor_db) / (12 - p->noise_floor_db);
      out[t * bins + k] = (float)(v < 0 ? 0 : v);
    }
    return;
  }
  impulse_audio_mel(p, s);
  if (p->block == 1) {
    for (int f = 0; f < p->filters; f++) {
      const double e = s->mel[f];
      int lo = 0, hi = 256;  // level = count of thresholds <= e
      while (lo < hi) {
        const int mid = (lo + hi) >> 1;
        if (p->mfe_levels[mid] <= e) lo = mid + 1;
        else hi = mid;
      }
      const int q = lo >= 256 ? (p->mfe_wrap ? 0 : 255) : lo;
      out[t * p->filters + f] = (float)q / 256.0f;
    }
    return;
  }
  double energy = 0;
  for (int k = 0; k < bins; k++) energy += s->power[k];
  if (energy == 0) energy = 1e-10;
  const int F = p->filters;
  for (int f = 0; f < F; f++) s->mel[f] = log(s->mel[f]);  // once per filter (the same values as per product)
  for (int k = 0; k < p->cep; k++) {
    double acc = 0;
    for (int f = 0; f < F; f++) acc += p->dct[k * F + f] * s->mel[f];
    s->cep[t * p->cep + k] = acc;
  }
  s->cep[t * p->cep] = log(energy);
}

static inline int impulse_audio_per_frame(const impulse_audio_params* p) {
  return p->block == 0 ? p->fft_length / 2 + 1 : p->block == 1 ? p->filters : p->cep;
}

// MFCC: the normalised (or plain) cepstra of s->cep into out.
static inline void impulse_audio_finish(const impulse_audio_params* p, impulse_audio_scratch* s, float* out) {
  if (p->block != 2) return;
  const int count = p->frames * p->cep;
  if (p->win > 0) impulse_audio_cmvn(s->cep, p->frames, p->cep, p->win, s->ms, out);
  else
    for (int i = 0; i < count; i++) out[i] = (float)s->cep[i];
}

// Features of one window, frame-major; returns their count, or -1 (output too small, window too
// short for the plan).
static inline int impulse_audio_features(const impulse_audio_params* p, const impulse_audio_input* in, impulse_audio_scratch* s,
                                         float* out, int out_len) {
  const int per = impulse_audio_per_frame(p);
  if (out_len < p->frames * per) return -1;
  if ((p->frames - 1) * p->frame_stride + p->frame_length > in->samples) return -1;
  for (int t = 0; t < p->frames; t++) impulse_audio_frame(p, in, s, t, out);
  impulse_audio_finish(p, s, out);
  return p->frames * per;
}

// Continuous use: the previous call's window and whether it can be reused.
struct impulse_audio_cache {
  uint64_t start;  // absolute sample where the previous window started
  int valid;
};

// As impulse_audio_features, for a window starting at absolute sample abs_start, reusing the frames
// it shares with the previous call's window (out and the scratch must be those of that call): when
// the window moved on by a whole number d of frame strides, frames w..frames-d-1 are the previous
// window's frames w+d.. (moved), where w covers the frames whose pre-emphasis wraps to the window's
// end. The same values as a full computation; about (d + w) / frames of its time.
static inline int impulse_audio_features_continuous(const impulse_audio_params* p, const impulse_audio_input* in, impulse_audio_scratch* s,
                                                    uint64_t abs_start, impulse_audio_cache* c, float* out, int out_len) {
  const int per = impulse_audio_per_frame(p);
  if (out_len < p->frames * per) return -1;
  if ((p->frames - 1) * p->frame_stride + p->frame_length > in->samples) return -1;
  const int shift = p->block == 2 ? p->pre_shift : 1;
  const int w = (shift + p->frame_stride - 1) / p->frame_stride;  // frames reading the wrapped start
  int d = 0;
  if (c->valid && abs_start > c->start && (abs_start - c->start) % (uint64_t)p->frame_stride == 0 && (abs_start - c->start) / (uint64_t)p->frame_stride < (uint64_t)p->frames)
    d = (int)((abs_start - c->start) / (uint64_t)p->frame_stride);
  const int keep_to = d > 0 ? p->frames - d : w;  // frames [w, keep_to) are moved, not computed
  for (int t = w; t < keep_to; t++) {
    if (p->block == 2)
      for (int k = 0; k < p->cep; k++) s->cep[t * p->cep + k] = s->cep[(t + d) * p->cep + k];
    else
      for (int k = 0; k < per; k++) out[t * per + k] = out[(t + d) * per + k];
  }
  for (int t = 0; t < p->frames; t++)
    if (t < w || t >= keep_to) impulse_audio_frame(p, in, s, t, out);
  impulse_audio_finish(p, s, out);
  c->start = abs_start;
  c->valid = 1;
  return p->frames * per;
}
`;

/** A double literal that round-trips the value. */
function cDouble(v: number): string {
  if (!Number.isFinite(v)) throw unsupported(`a non-finite constant (${v})`);
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function rows(values: number[], fmt: (v: number) => string, per = 6): string {
  if (values.length === 0) return '0';
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += per) lines.push(`  ${values.slice(i, i + per).map(fmt).join(', ')},`);
  return `\n${lines.join('\n')}\n`;
}

const BLOCK_ID: Record<AudioBlockId, number> = { spectrogram: 0, mfe: 1, mfcc: 2 };

/**
 * The plan as C++ tables and an `impulse_audio_params` named `impulse_audio_plan`, and the wrapper
 * `impulse_extract_audio_features(ring, capacity, start, out, out_len)` with its static scratch.
 */
function planCode(p: AudioDspPlan): string {
  const m = p.fftLength / 2;
  const frameBuf = Math.min(p.frameLength, p.fftLength);
  const tables: string[] = [
    `static const double impulse_audio_cr[] = {${rows(p.cr, cDouble, 4)}};`,
    `static const double impulse_audio_ci[] = {${rows(p.ci, cDouble, 4)}};`,
    `static const double impulse_audio_ur[] = {${rows(p.ur, cDouble, 4)}};`,
    `static const double impulse_audio_ui[] = {${rows(p.ui, cDouble, 4)}};`,
  ];
  const mel = p.block !== 'spectrogram';
  if (mel) {
    tables.push(`static const int16_t impulse_audio_filter_from[] = {${rows(p.filterFrom, String, 16)}};`);
    tables.push(`static const int16_t impulse_audio_filter_to[] = {${rows(p.filterTo, String, 16)}};`);
    tables.push(`static const double impulse_audio_filter_weights[] = {${rows(p.filterWeights, cDouble, 4)}};`);
  }
  if (p.block === 'mfcc') tables.push(`static const double impulse_audio_dct[] = {${rows(p.dct, cDouble, 4)}};`);
  if (p.block === 'mfe') tables.push(`// Energy at which the TypeScript MFE's cell reaches level k (k = 1..256), noise floor ${p.noiseFloorDb} dB.\nstatic const double impulse_audio_mfe_levels[256] = {${rows(p.mfeLevels, cDouble, 4)}};`);
  const ptr = (cond: boolean, name: string) => (cond ? name : 'nullptr');
  return `
// ---- ${p.block.toUpperCase()} of this impulse: ${p.frames} frames of ${p.frameLength} samples every ${p.frameStride}, FFT ${p.fftLength}, ${p.perFrame} values per frame ----
// Tables computed by TinyML Studio's TypeScript blocks (frame geometry, twiddles, filterbank${p.block === 'mfcc' ? ', DCT basis' : p.block === 'mfe' ? ', quantisation thresholds' : ''}).
${tables.join('\n')}

static const impulse_audio_params impulse_audio_plan = {
  ${BLOCK_ID[p.block]}, ${p.frameLength}, ${p.frameStride}, ${p.frames}, ${p.fftLength},
  impulse_audio_cr, impulse_audio_ci, impulse_audio_ur, impulse_audio_ui,
  ${cDouble(p.preCof)}, ${p.preShift}, ${p.filters},
  ${ptr(mel, 'impulse_audio_filter_from')}, ${ptr(mel, 'impulse_audio_filter_to')}, ${ptr(mel, 'impulse_audio_filter_weights')},
  ${p.cep}, ${p.win}, ${ptr(p.block === 'mfcc', 'impulse_audio_dct')},
  ${ptr(p.block === 'mfe', 'impulse_audio_mfe_levels')}, ${p.mfeWrap ? 1 : 0}, ${cDouble(p.noiseFloorDb)}};

// The kernels' scratch buffers (static: shared by both wrappers; the MFCC's cepstra persist between calls).
static inline impulse_audio_scratch impulse_audio_scratch_buffers() {
  static double zr[${m}], zi[${m}], frame[${frameBuf}], power[${m + 1}];
  static uint16_t rev[${m}];
${mel ? `  static double mel[${p.filters}];` : '  double* mel = nullptr;'}
${p.block === 'mfcc' ? `  static double cep[${p.frames * p.cep}], ms[${p.frames * p.cep}];` : '  double* cep = nullptr;\n  double* ms = nullptr;'}
  impulse_audio_scratch s = {zr, zi, frame, power, mel, cep, ms, rev};
  return s;
}

static impulse_audio_cache impulse_audio_continuous_cache = {0, 0};

// Features of the window of IMPULSE_WINDOW_SAMPLES int16 samples starting at ring[start] (wrapping at capacity).
static inline int impulse_extract_audio_features(const volatile int16_t* ring, int capacity, int start, float* out, int out_len) {
  impulse_audio_scratch s = impulse_audio_scratch_buffers();
  impulse_audio_continuous_cache.valid = 0;  // the scratch no longer holds the continuous window's cepstra
  const impulse_audio_input in = {ring, capacity, start, IMPULSE_WINDOW_SAMPLES, nullptr, 0, nullptr};
  return impulse_audio_features(&impulse_audio_plan, &in, &s, out, out_len);
}

// Continuous recognition: the window starting at absolute sample abs_start of the stream (at
// ring[abs_start % capacity]); out must be the previous call's buffer. Frames shared with the
// previous window are moved, not computed again (the same features, in a fraction of the time).
// written (optional): the microphone's sample count, mod 2^32; returns -2 when it overwrote a sample
// before it was read (the features are then not valid, and the next call computes every frame).
static inline int impulse_extract_audio_features_continuous(const volatile int16_t* ring, int capacity, uint64_t abs_start, const volatile uint32_t* written,
                                                            float* out, int out_len) {
  impulse_audio_scratch s = impulse_audio_scratch_buffers();
  int overrun = 0;
  const impulse_audio_input in = {ring, capacity, (int)(abs_start % (uint64_t)capacity), IMPULSE_WINDOW_SAMPLES, written, (uint32_t)abs_start, &overrun};
  const int n = impulse_audio_features_continuous(&impulse_audio_plan, &in, &s, abs_start, &impulse_audio_continuous_cache, out, out_len);
  if (overrun) {
    impulse_audio_continuous_cache.valid = 0;
    return -2;
  }
  return n;
}
`;
}

export const AUDIO_PRELUDE = `#include <math.h>
#include <stdint.h>`;

/**
 * C++ source (header-only) of an audio impulse's DSP: the kernels, the plan's tables and
 * `impulse_extract_audio_features`. `includes` and `definitions` split as `makeDspCpp` does.
 */
export function makeAudioDspCpp(impulse: ImpulseConfig): { code: string; includes: string; definitions: string; featureCount: number; plan: AudioDspPlan } {
  if (impulse.windowing.axes.length !== 1) throw unsupported(`${impulse.windowing.axes.length} axes (audio blocks take one)`);
  const plan = audioDspPlan(impulse);
  const definitions = `// On-device DSP for the "${plan.block}" block, generated by TinyML Studio.
#define IMPULSE_FEATURE_COUNT ${plan.featureCount}
${AUDIO_DSP_CPP_KERNELS}${planCode(plan)}`;
  return { code: `${AUDIO_PRELUDE}\n${definitions}`, includes: AUDIO_PRELUDE, definitions, featureCount: plan.featureCount, plan };
}
