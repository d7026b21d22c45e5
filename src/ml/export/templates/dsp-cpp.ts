/**
 * C++ templates (as TypeScript strings) for the impulse's DSP on the board: raw, flatten (per-axis
 * statistics) and spectral features, matching the studio's feature layout. DOM-free core module.
 *
 * Spectral follows the reference description in shared/reference/spectral: x = float32(raw)·scale,
 * optional Butterworth filter as float32 second-order sections (coefficients computed by the
 * studio), float32 pairwise mean removed, then per axis RMS, skewness, kurtosis, spectral skewness,
 * spectral kurtosis and max-hold FFT powers (log10 when do-log). Decimation and the extra
 * low-frequency block are not ported: the exporter refuses them.
 *
 * The algorithms exist once, as C++ functions that take their settings at run time
 * (`impulse_raw_features`, `impulse_flatten_features`, `impulse_spectral_features`, see
 * `DSP_CPP_KERNELS`). The Arduino-library export (`makeDspCpp`) emits them with a wrapper holding the
 * impulse's settings as constants; the runtime firmware's `firmware/src/dsp_generated.h`
 * (`makeFirmwareDspHeader`, written by firmware/tools/gen-firmware.mjs) holds the same functions and
 * reads the settings from the impulse descriptor in the model slot.
 */
import { StudioError } from '../../../core/errors.ts';
import type { ImpulseConfig, ParamValue } from '../../../core/impulse.ts';
import { resolveParams } from '../../../dsp/block.ts';
import { butterworthSos, toFloat32Sos } from '../../../dsp/filter-design.ts';
import { getDspBlock } from '../../../dsp/registry.ts';
import { cFloat } from '../c-header.ts';

export interface DspCppOptions {
  /**
   * Butterworth second-order sections [b0, b1, b2, a0, a1, a2] of the spectral filter. Normally left
   * out: they are designed from the impulse's filter settings (`spectralFilterSos`), as the app's
   * spectral block does.
   */
  sos?: number[][];
}

/**
 * The spectral block's filter as float32 second-order sections [b0, b1, b2, a0, a1, a2], designed
 * from the impulse's settings exactly as the app's spectral block designs it (Butterworth, cut-off
 * normalised to the sample rate, coefficients cast to float32); [] without a filter (type none or
 * order 0). Throws the filter design's StudioError for an odd order or a cut-off outside (0, fs/2).
 */
export function spectralFilterSos(params: Record<string, ParamValue>, fs: number): number[][] {
  const p = resolveParams(getDspBlock('spectral').params, params);
  const type = p['filter-type'];
  const order = p['filter-order'] as number;
  const cutoff = p['filter-cutoff'] as number;
  if ((type !== 'low' && type !== 'high') || !(order > 0)) return [];
  const f = toFloat32Sos(butterworthSos(order, (2 * cutoff) / fs, type));
  const rows: number[][] = [];
  for (let o = 0; o < f.length; o += 6) rows.push(Array.from(f.subarray(o, o + 6)));
  return rows;
}

const num = (v: ParamValue | undefined, d: number): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : d);
const bool = (v: ParamValue | undefined, d: boolean): boolean => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : typeof v === 'string' ? v === 'true' || v === '1' : d);
const str = (v: ParamValue | undefined, d: string): string => (typeof v === 'string' ? v : d);

function unsupported(what: string): StudioError {
  return new StudioError({
    family: 'dsp',
    code: 'export-dsp-unsupported',
    message: `The Arduino export cannot run this DSP setting on the board: ${what}.`,
    remedy: 'Choose settings the on-device DSP supports (no decimation, no extra low-frequency block), or export only the model and C header.',
  });
}

/** Flatten statistics in feature order; bit i of the C++ `stats` mask selects FLATTEN_STATS[i]. */
export const FLATTEN_STATS = ['average', 'minimum', 'maximum', 'rms', 'stdev', 'skewness', 'kurtosis'] as const;

/** Bit of the C++ `stats` mask that adds the motion shape after the per-axis statistics. */
export const FLATTEN_SHAPE_BIT = 7;

/** The selected flatten statistics as a bit mask (bit i = FLATTEN_STATS[i], bit 7 = motion shape). */
export function flattenStatsMask(params: Record<string, ParamValue>): number {
  const m = FLATTEN_STATS.reduce((m, k, i) => (bool(params[k], true) ? m | (1 << i) : m), 0);
  return bool(params['shape'], false) ? m | (1 << FLATTEN_SHAPE_BIT) : m;
}

/** Feature count of the flatten block for a stats mask (as `impulse_flatten_count` in C++). */
export function flattenFeatureCount(axes: number, mask: number): number {
  let per = 0;
  for (let b = 0; b < FLATTEN_STATS.length; b++) per += (mask >> b) & 1;
  return axes * per + ((mask >> FLATTEN_SHAPE_BIT) & 1 && axes >= 2 ? axes : 0);
}

/** Run-time settings of `impulse_spectral_features`, as the C++ struct `impulse_spectral_params` holds them. */
export interface SpectralCppParams {
  fftLength: number;
  /** Samples between FFT frame starts (fft/2 with overlap, else fft). */
  hop: number;
  /** First and last kept FFT bin, inclusive. */
  binLo: number;
  binHi: number;
  doLog: boolean;
  scale: number;
  /** Sections normalised by a0: [b0, b1, b2, a1, a2] each. */
  sos: number[][];
}

/** Checks the spectral settings against what the C++ port implements and derives its run-time settings. */
export function spectralCppParams(params: Record<string, ParamValue>, fs: number, sos: number[][] | undefined): SpectralCppParams {
  const p = params;
  if (num(p['input-decimation-ratio'], 1) !== 1) throw unsupported('input decimation');
  if (bool(p['extra-low-freq'], false)) throw unsupported('the extra low-frequency block');
  if (str(p['analysis-type'], 'FFT') !== 'FFT') throw unsupported(`analysis type ${String(p['analysis-type'])}`);
  const fft = num(p['fft-length'], 16);
  if (!Number.isInteger(Math.log2(fft)) || fft < 4 || fft > 4096) throw unsupported(`FFT length ${fft}`);
  const filter = str(p['filter-type'], 'none');
  const cutoff = Math.min(num(p['filter-cutoff'], 3), fs / 2);
  let lo = 1;
  let hi = fft / 2;
  if (filter === 'low') hi = Math.floor((cutoff * fft) / fs + 0.5);
  else if (filter === 'high') lo = Math.max(1, Math.floor((cutoff * fft) / fs - 0.5) + 1);
  if (hi < lo) throw unsupported('the cut-off frequency masks all FFT bins');
  const sections = filter === 'none' ? [] : sos;
  // filter order 0 keeps the bin limits without filtering (as the spectral block does)
  if (!sections || (filter !== 'none' && sections.length === 0 && num(p['filter-order'], 6) !== 0)) throw unsupported('filter coefficients were not supplied');
  const norm = sections.map((s) => {
    if (s.length !== 6) throw unsupported('a filter section does not have 6 coefficients');
    const a0 = s[3] || 1;
    return [s[0] / a0, s[1] / a0, s[2] / a0, s[4] / a0, s[5] / a0];
  });
  return {
    fftLength: fft,
    hop: bool(p['do-fft-overlap'], true) ? fft / 2 : fft,
    binLo: lo,
    binHi: hi,
    doLog: bool(p['do-log'], true),
    scale: num(p['scale-axes'], 1),
    sos: norm,
  };
}

/** Features per axis of the spectral block with these settings. */
export const spectralFeaturesPerAxis = (s: Pick<SpectralCppParams, 'binLo' | 'binHi'>): number => 5 + (s.binHi - s.binLo + 1);

/**
 * The DSP algorithms as C++ (static functions, no allocation): shared helpers, then one function
 * per block. Windows are interleaved frame-major (`window[frame * axes + axis]`); each function
 * returns the number of features written, or -1 when `out_len` is too small.
 */
export const DSP_CPP_KERNELS = `
static inline float impulse_pairwise_sum(const float* a, int n, int stride) {
  if (n < 8) {
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += a[i * stride];
    return s;
  }
  if (n <= 128) {
    float r[8];
    for (int j = 0; j < 8; j++) r[j] = a[j * stride];
    int i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; j++) r[j] += a[(i + j) * stride];
    float s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) s += a[i * stride];
    return s;
  }
  int n2 = n / 2;
  n2 -= n2 % 8;
  return impulse_pairwise_sum(a, n2, stride) + impulse_pairwise_sum(a + n2 * stride, n - n2, stride);
}

// Biased skewness and excess kurtosis; 0 and -3 for a constant signal (as EI's SDK).
static inline void impulse_moments(const double* x, int n, double* rms, double* skew, double* kurt) {
  double mean = 0;
  for (int i = 0; i < n; i++) mean += x[i];
  mean /= n;
  double m2 = 0, m3 = 0, m4 = 0, sq = 0;
  for (int i = 0; i < n; i++) {
    double d = x[i] - mean;
    m2 += d * d; m3 += d * d * d; m4 += d * d * d * d; sq += x[i] * x[i];
  }
  m2 /= n; m3 /= n; m4 /= n;
  if (rms) *rms = sqrt(sq / n);
  if (m2 <= 0) { *skew = 0; *kurt = -3; return; }
  *skew = m3 / pow(m2, 1.5);
  *kurt = m4 / (m2 * m2) - 3.0;
}

// raw: the scaled window, frame-major.
static inline int impulse_raw_features(const float* window, int samples, int axes, float scale, float* out, int out_len) {
  const int n = samples * axes;
  if (out_len < n) return -1;
  for (int i = 0; i < n; i++) out[i] = window[i] * scale;
  return n;
}

// Eigenvalues of the symmetric g x g matrix m (row-major, overwritten) by cyclic Jacobi rotations,
// in descending order (motion shape, src/dsp/motion-shape.ts takes the same steps).
static inline void impulse_symmetric_eigenvalues(double* m, int g, double* ev) {
  for (int sweep = 0; sweep < 50; sweep++) {
    double off = 0, diag = 0;
    for (int p = 0; p < g; p++) {
      diag += fabs(m[p * g + p]);
      for (int q = p + 1; q < g; q++) off += fabs(m[p * g + q]);
    }
    if (!(off > 1e-15 * diag)) break;
    for (int p = 0; p < g; p++)
      for (int q = p + 1; q < g; q++) {
        double apq = m[p * g + q];
        if (apq == 0) continue;
        double theta = (m[q * g + q] - m[p * g + p]) / (2 * apq);
        double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
        double c = 1 / sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < g; k++) {
          double akp = m[k * g + p], akq = m[k * g + q];
          m[k * g + p] = c * akp - s * akq;
          m[k * g + q] = s * akp + c * akq;
        }
        for (int k = 0; k < g; k++) {
          double apk = m[p * g + k], aqk = m[q * g + k];
          m[p * g + k] = c * apk - s * aqk;
          m[q * g + k] = s * apk + c * aqk;
        }
      }
  }
  for (int i = 0; i < g; i++) ev[i] = m[i * g + i];
  for (int i = 1; i < g; i++) {
    double v = ev[i];
    int j = i - 1;
    for (; j >= 0 && ev[j] < v; j--) ev[j + 1] = ev[j];
    ev[j + 1] = v;
  }
}

#define IMPULSE_SHAPE_MAX_GROUP 8
#define IMPULSE_FLATTEN_SHAPE_BIT 7

// Motion shape: per group of axes (consecutive triples when axes is a multiple of 3, else all axes,
// at most IMPULSE_SHAPE_MAX_GROUP), the square roots of the eigenvalues of the window's population
// covariance, largest first. Returns the number written, or -1.
static inline int impulse_shape_features(const float* window, int samples, int axes, double scale, float* out, int out_len) {
  if (axes < 2) return 0;
  const int g = axes % 3 == 0 ? 3 : axes;
  if (g > IMPULSE_SHAPE_MAX_GROUP || out_len < axes) return -1;
  double mean[IMPULSE_SHAPE_MAX_GROUP], m[IMPULSE_SHAPE_MAX_GROUP * IMPULSE_SHAPE_MAX_GROUP], ev[IMPULSE_SHAPE_MAX_GROUP];
  int k = 0;
  for (int first = 0; first < axes; first += g) {
    for (int a = 0; a < g; a++) mean[a] = 0;
    for (int i = 0; i < samples; i++)
      for (int a = 0; a < g; a++) mean[a] += (double)window[i * axes + first + a] * scale;
    for (int a = 0; a < g; a++) mean[a] /= samples;
    for (int a = 0; a < g * g; a++) m[a] = 0;
    for (int i = 0; i < samples; i++) {
      const float* row = window + i * axes + first;
      for (int a = 0; a < g; a++) {
        double da = (double)row[a] * scale - mean[a];
        for (int b = a; b < g; b++) m[a * g + b] += da * ((double)row[b] * scale - mean[b]);
      }
    }
    for (int a = 0; a < g; a++) {
      for (int b = a; b < g; b++) m[a * g + b] /= samples;
      for (int b = a + 1; b < g; b++) m[b * g + a] = m[a * g + b];
    }
    impulse_symmetric_eigenvalues(m, g, ev);
    for (int a = 0; a < g; a++) out[k++] = (float)sqrt(ev[a] > 0 ? ev[a] : 0.0);
  }
  return k;
}

// Number of flatten features for the stats mask (bits 0..6 per axis, bit 7 the motion shape).
static inline int impulse_flatten_count(int axes, unsigned stats) {
  int per = 0;
  for (int b = 0; b < 7; b++) per += (stats >> b) & 1;
  return axes * per + (((stats >> IMPULSE_FLATTEN_SHAPE_BIT) & 1) && axes >= 2 ? axes : 0);
}

// flatten: per axis the statistics selected by bits 0..6 of stats (average, minimum, maximum, rms,
// stdev, skewness, kurtosis), in float64 on the scaled values, then the motion shape when bit 7 is
// set. x: scratch of samples doubles.
static inline int impulse_flatten_features(const float* window, int samples, int axes, double scale, unsigned stats,
                                           double* x, float* out, int out_len) {
  if (out_len < impulse_flatten_count(axes, stats)) return -1;
  int k = 0;
  for (int a = 0; a < axes; a++) {
    double mean = 0, mn = 1e300, mx = -1e300;
    for (int i = 0; i < samples; i++) {
      x[i] = (double)window[i * axes + a] * scale;
      mean += x[i];
      if (x[i] < mn) mn = x[i];
      if (x[i] > mx) mx = x[i];
    }
    mean /= samples;
    double var = 0;
    for (int i = 0; i < samples; i++) var += (x[i] - mean) * (x[i] - mean);
    var /= samples;
    double rms, skew, kurt;
    impulse_moments(x, samples, &rms, &skew, &kurt);
    const double v[7] = {mean, mn, mx, rms, sqrt(var), skew, kurt};
    for (int b = 0; b < 7; b++)
      if ((stats >> b) & 1) out[k++] = (float)v[b];
  }
  if ((stats >> IMPULSE_FLATTEN_SHAPE_BIT) & 1) {
    int n = impulse_shape_features(window, samples, axes, scale, out + k, out_len - k);
    if (n < 0) return -1;
    k += n;
  }
  return k;
}

struct impulse_spectral_params {
  int fft_length;   // power of two
  int hop;          // samples between FFT frame starts
  int bin_lo;       // first kept bin
  int bin_hi;       // last kept bin (inclusive)
  int do_log;       // log10 of the powers (0 -> 1e-10)
  float scale;      // applied to the raw values in float32
  int sos_count;    // second-order sections, 0 = no filter
  const float* sos; // sos_count x {b0, b1, b2, a1, a2}
};

static inline void impulse_fft(double* re, double* im, int n) {
  for (int i = 1, j = 0; i < n; i++) {
    int bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { double t = re[i]; re[i] = re[j]; re[j] = t; t = im[i]; im[i] = im[j]; im[j] = t; }
  }
  for (int len = 2; len <= n; len <<= 1) {
    double ang = -2 * M_PI / len;
    for (int i = 0; i < n; i += len)
      for (int k = 0; k < len / 2; k++) {
        double wr = cos(ang * k), wi = sin(ang * k);
        double ur = re[i + k], ui = im[i + k];
        double vr = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi;
        double vi = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr;
        re[i + k] = ur + vr; im[i + k] = ui + vi;
        re[i + k + len / 2] = ur - vr; im[i + k + len / 2] = ui - vi;
      }
  }
}

// spectral: per axis RMS, skewness, kurtosis, spectral skewness, spectral kurtosis, then the
// max-hold power of bins bin_lo..bin_hi. Scratch: x[samples] floats, xd[samples] doubles,
// re[fft], im[fft], power[fft / 2 + 1] doubles.
static inline int impulse_spectral_features(const float* window, int samples, int axes, const impulse_spectral_params* p,
                                            float* x, double* xd, double* re, double* im, double* power,
                                            float* out, int out_len) {
  const int fft = p->fft_length;
  if (out_len < axes * (5 + p->bin_hi - p->bin_lo + 1)) return -1;
  int k = 0;
  for (int a = 0; a < axes; a++) {
    for (int i = 0; i < samples; i++) x[i] = window[i * axes + a] * p->scale;
    for (int s = 0; s < p->sos_count; s++) {
      float z0 = 0.0f, z1 = 0.0f;
      const float* c = p->sos + 5 * s;
      for (int i = 0; i < samples; i++) {
        float in = x[i];
        float y = c[0] * in + z0;
        z0 = c[1] * in - c[3] * y + z1;
        z1 = c[2] * in - c[4] * y;
        x[i] = y;
      }
    }
    float mean = impulse_pairwise_sum(x, samples, 1) / (float)samples;
    for (int i = 0; i < samples; i++) { x[i] = x[i] - mean; xd[i] = x[i]; }
    double rms, skew, kurt;
    impulse_moments(xd, samples, &rms, &skew, &kurt);
    for (int b = 0; b <= fft / 2; b++) power[b] = 0;
    for (int start = 0; start <= samples; start += p->hop) {
      for (int i = 0; i < fft; i++) {
        re[i] = start + i < samples ? xd[start + i] : 0.0;
        im[i] = 0.0;
      }
      impulse_fft(re, im, fft);
      for (int b = 0; b <= fft / 2; b++) {
        double pw = (re[b] * re[b] + im[b] * im[b]) / fft;
        if (pw > power[b]) power[b] = pw;
      }
    }
    double srms, sskew, skurt;
    impulse_moments(power, fft / 2 + 1, &srms, &sskew, &skurt);
    out[k++] = (float)rms;
    out[k++] = (float)skew;
    out[k++] = (float)kurt;
    out[k++] = (float)sskew;
    out[k++] = (float)skurt;
    for (int b = p->bin_lo; b <= p->bin_hi; b++) {
      double pw = power[b];
      if (p->do_log) {
        if (pw == 0) pw = 1e-10;
        pw = log10(pw);
      }
      out[k++] = (float)pw;
    }
  }
  return k;
}
`;

const PRELUDE = `#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif`;

function rawCode(axes: number, scale: number): string {
  return `
// raw: the scaled window, frame-major.
static int impulse_extract_features(const float* window, int samples, float* out, int out_len) {
  return impulse_raw_features(window, samples, ${axes}, ${cFloat(scale)}, out, out_len);
}
`;
}

function flattenCode(axes: number, p: Record<string, ParamValue>): string {
  const mask = flattenStatsMask(p);
  const stats = FLATTEN_STATS.filter((_, i) => mask & (1 << i));
  const shape = (mask >> FLATTEN_SHAPE_BIT) & 1 ? ', then the motion shape' : '';
  return `
// flatten: per axis ${stats.join(', ')}${shape}.
static int impulse_extract_features(const float* window, int samples, float* out, int out_len) {
  static double x[IMPULSE_WINDOW_SAMPLES > 0 ? IMPULSE_WINDOW_SAMPLES : 1];
  if (samples > IMPULSE_WINDOW_SAMPLES) return -1;
  return impulse_flatten_features(window, samples, ${axes}, ${num(p['scale-axes'], 1)}, ${mask}u, x, out, out_len);
}
`;
}

function spectralCode(axes: number, s: SpectralCppParams): string {
  const rows = s.sos.map((r) => `{${r.map(cFloat).join(', ')}}`);
  return `
// spectral: per axis RMS, skewness, kurtosis, spectral skewness, spectral kurtosis, ${s.binHi - s.binLo + 1} powers (bins ${s.binLo}..${s.binHi}).
#define IMPULSE_FFT_LENGTH ${s.fftLength}
#define IMPULSE_SOS_COUNT ${rows.length}
${rows.length ? `static const float impulse_sos[IMPULSE_SOS_COUNT][5] = {${rows.join(', ')}};  // b0 b1 b2 a1 a2` : ''}

static int impulse_extract_features(const float* window, int samples, float* out, int out_len) {
  static float x[IMPULSE_WINDOW_SAMPLES > 0 ? IMPULSE_WINDOW_SAMPLES : 1];
  static double xd[IMPULSE_WINDOW_SAMPLES > 0 ? IMPULSE_WINDOW_SAMPLES : 1];
  static double re[IMPULSE_FFT_LENGTH], im[IMPULSE_FFT_LENGTH], power[IMPULSE_FFT_LENGTH / 2 + 1];
  if (samples > IMPULSE_WINDOW_SAMPLES) return -1;
  static const impulse_spectral_params p = {IMPULSE_FFT_LENGTH, ${s.hop}, ${s.binLo}, ${s.binHi}, ${s.doLog ? 1 : 0}, ${cFloat(s.scale)}, IMPULSE_SOS_COUNT, ${rows.length ? '&impulse_sos[0][0]' : 'nullptr'}};
  return impulse_spectral_features(window, samples, ${axes}, &p, x, xd, re, im, power, out, out_len);
}
`;
}

/**
 * C++ source (header-only, `static` functions) for `impulse_extract_features`, and its feature count.
 * `code` is the whole text; `includes` (the system headers it needs) and `definitions` (everything
 * else) are the same text in two parts, for wrapping the definitions in a namespace.
 */
export function makeDspCpp(impulse: ImpulseConfig, opts: DspCppOptions = {}): { code: string; includes: string; definitions: string; featureCount: number } {
  const axes = impulse.windowing.axes.length;
  const samples = Math.round((impulse.windowing.windowMs * impulse.windowing.frequencyHz) / 1000);
  const p = impulse.dsp.params;
  let body: string;
  let featureCount: number;
  switch (impulse.dsp.block) {
    case 'raw':
      body = rawCode(axes, num(p['scale-axes'], 1));
      featureCount = axes * samples;
      break;
    case 'flatten': {
      const mask = flattenStatsMask(p);
      body = flattenCode(axes, p);
      featureCount = flattenFeatureCount(axes, mask);
      break;
    }
    case 'spectral': {
      const s = spectralCppParams(p, impulse.windowing.frequencyHz, opts.sos ?? spectralFilterSos(p, impulse.windowing.frequencyHz));
      body = spectralCode(axes, s);
      featureCount = axes * spectralFeaturesPerAxis(s);
      break;
    }
    default:
      throw unsupported(`the ${impulse.dsp.block} block`);
  }
  const definitions = `// On-device DSP for the "${impulse.dsp.block}" block, generated by TinyML Studio.
#define IMPULSE_FEATURE_COUNT ${featureCount}
${DSP_CPP_KERNELS}${body}`;
  return { code: `${PRELUDE}\n${definitions}`, includes: PRELUDE, definitions, featureCount };
}

/**
 * The runtime firmware's DSP header (firmware/src/dsp_generated.h): the same kernels as the
 * Arduino export, in namespace tml, with the settings read at run time from the impulse descriptor.
 */
export function makeFirmwareDspHeader(): string {
  return `// GENERATED by firmware/tools/gen-firmware.mjs from src/ml/export/templates/dsp-cpp.ts
// (DSP_CPP_KERNELS, the same code as the Arduino-library export). Do not edit.
#pragma once
${PRELUDE}

namespace tml {
${DSP_CPP_KERNELS}
}  // namespace tml
`;
}
