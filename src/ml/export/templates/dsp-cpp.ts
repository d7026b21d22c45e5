/**
 * C++ templates (as TypeScript strings) for the impulse's DSP on the board: raw, flatten (per-axis
 * statistics) and spectral features, matching the studio's feature layout. DOM-free core module.
 *
 * Spectral follows the reference description in shared/reference/spectral: x = float32(raw)·scale,
 * optional Butterworth filter as float32 second-order sections (coefficients computed by the
 * studio), float32 pairwise mean removed, then per axis RMS, skewness, kurtosis, spectral skewness,
 * spectral kurtosis and max-hold FFT powers (log10 when do-log). Decimation and the extra
 * low-frequency block are not ported: the exporter refuses them.
 */
import { StudioError } from '../../../core/errors.ts';
import type { ImpulseConfig, ParamValue } from '../../../core/impulse.ts';
import { cFloat } from '../c-header.ts';

export interface DspCppOptions {
  /** Butterworth second-order sections [b0, b1, b2, a0, a1, a2] when the spectral filter is on. */
  sos?: number[][];
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

const COMMON = `
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
`;

function rawCode(axes: number, scale: number): string {
  return `
// raw: the scaled window, frame-major.
static int impulse_extract_features(const float* window, int samples, float* out, int out_len) {
  const int n = samples * ${axes};
  if (out_len < n) return -1;
  for (int i = 0; i < n; i++) out[i] = (float)window[i] * ${cFloat(scale)};
  return n;
}
`;
}

function flattenCode(axes: number, p: Record<string, ParamValue>): string {
  const stats = ['average', 'minimum', 'maximum', 'rms', 'stdev', 'skewness', 'kurtosis'].filter((k) => bool(p[k], true));
  const scale = num(p['scale-axes'], 1);
  const body = stats
    .map((s) => {
      switch (s) {
        case 'average':
          return '    out[k++] = (float)mean;';
        case 'minimum':
          return '    out[k++] = (float)mn;';
        case 'maximum':
          return '    out[k++] = (float)mx;';
        case 'rms':
          return '    out[k++] = (float)rms;';
        case 'stdev':
          return '    out[k++] = (float)sqrt(var);';
        case 'skewness':
          return '    out[k++] = (float)skew;';
        default:
          return '    out[k++] = (float)kurt;';
      }
    })
    .join('\n');
  return `
// flatten: per axis ${stats.join(', ')}.
static int impulse_extract_features(const float* window, int samples, float* out, int out_len) {
  if (out_len < ${axes * stats.length}) return -1;
  static double x[IMPULSE_WINDOW_SAMPLES > 0 ? IMPULSE_WINDOW_SAMPLES : 1];
  int k = 0;
  for (int a = 0; a < ${axes}; a++) {
    double mean = 0, mn = 1e300, mx = -1e300;
    for (int i = 0; i < samples; i++) {
      x[i] = (double)(window[i * ${axes} + a] * ${cFloat(scale)});
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
${body}
    (void)mean; (void)mn; (void)mx; (void)var; (void)rms; (void)skew; (void)kurt;
  }
  return k;
}
`;
}

function spectralCode(axes: number, p: Record<string, ParamValue>, opts: DspCppOptions, fs: number): { code: string; perAxis: number } {
  if (num(p['input-decimation-ratio'], 1) !== 1) throw unsupported('input decimation');
  if (bool(p['extra-low-freq'], false)) throw unsupported('the extra low-frequency block');
  if (str(p['analysis-type'], 'FFT') !== 'FFT') throw unsupported(`analysis type ${String(p['analysis-type'])}`);
  const fft = num(p['fft-length'], 16);
  if (!Number.isInteger(Math.log2(fft)) || fft < 4 || fft > 4096) throw unsupported(`FFT length ${fft}`);
  const filter = str(p['filter-type'], 'none');
  const cutoff = Math.min(num(p['filter-cutoff'], 3), fs / 2);
  const doLog = bool(p['do-log'], true);
  const overlap = bool(p['do-fft-overlap'], true);
  const scale = num(p['scale-axes'], 1);
  let lo = 1;
  let hi = fft / 2;
  if (filter === 'low') hi = Math.floor((cutoff * fft) / fs + 0.5);
  else if (filter === 'high') lo = Math.max(1, Math.floor((cutoff * fft) / fs - 0.5) + 1);
  if (hi < lo) throw unsupported('the cut-off frequency masks all FFT bins');
  const sos = filter === 'none' ? [] : opts.sos;
  if (!sos || (filter !== 'none' && sos.length === 0)) throw unsupported('filter coefficients were not supplied');
  const sosRows = sos.map((s) => {
    if (s.length !== 6) throw unsupported('a filter section does not have 6 coefficients');
    const a0 = s[3] || 1;
    return `{${[s[0] / a0, s[1] / a0, s[2] / a0, s[4] / a0, s[5] / a0].map(cFloat).join(', ')}}`;
  });
  const perAxis = 5 + (hi - lo + 1);
  const code = `
// spectral: per axis RMS, skewness, kurtosis, spectral skewness, spectral kurtosis, ${hi - lo + 1} powers (bins ${lo}..${hi}).
#define IMPULSE_FFT_LENGTH ${fft}
#define IMPULSE_SOS_COUNT ${sosRows.length}
${sosRows.length ? `static const float impulse_sos[IMPULSE_SOS_COUNT][5] = {${sosRows.join(', ')}};  // b0 b1 b2 a1 a2` : ''}

static void impulse_fft(double* re, double* im, int n) {
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

static int impulse_extract_features(const float* window, int samples, float* out, int out_len) {
  if (out_len < ${axes * perAxis}) return -1;
  static float x[IMPULSE_WINDOW_SAMPLES > 0 ? IMPULSE_WINDOW_SAMPLES : 1];
  static double xd[IMPULSE_WINDOW_SAMPLES > 0 ? IMPULSE_WINDOW_SAMPLES : 1];
  static double re[IMPULSE_FFT_LENGTH], im[IMPULSE_FFT_LENGTH], power[IMPULSE_FFT_LENGTH / 2 + 1];
  int k = 0;
  for (int a = 0; a < ${axes}; a++) {
    for (int i = 0; i < samples; i++) x[i] = window[i * ${axes} + a] * ${cFloat(scale)};
#if IMPULSE_SOS_COUNT > 0
    for (int s = 0; s < IMPULSE_SOS_COUNT; s++) {
      float z0 = 0.0f, z1 = 0.0f;
      const float* c = impulse_sos[s];
      for (int i = 0; i < samples; i++) {
        float in = x[i];
        float y = c[0] * in + z0;
        z0 = c[1] * in - c[3] * y + z1;
        z1 = c[2] * in - c[4] * y;
        x[i] = y;
      }
    }
#endif
    float mean = impulse_pairwise_sum(x, samples, 1) / (float)samples;
    for (int i = 0; i < samples; i++) { x[i] = x[i] - mean; xd[i] = x[i]; }
    double rms, skew, kurt;
    impulse_moments(xd, samples, &rms, &skew, &kurt);
    for (int b = 0; b <= IMPULSE_FFT_LENGTH / 2; b++) power[b] = 0;
    const int hop = ${overlap ? 'IMPULSE_FFT_LENGTH / 2' : 'IMPULSE_FFT_LENGTH'};
    for (int start = 0; start <= samples; start += hop) {
      for (int i = 0; i < IMPULSE_FFT_LENGTH; i++) {
        re[i] = start + i < samples ? xd[start + i] : 0.0;
        im[i] = 0.0;
      }
      impulse_fft(re, im, IMPULSE_FFT_LENGTH);
      for (int b = 0; b <= IMPULSE_FFT_LENGTH / 2; b++) {
        double p = (re[b] * re[b] + im[b] * im[b]) / IMPULSE_FFT_LENGTH;
        if (p > power[b]) power[b] = p;
      }
    }
    double srms, sskew, skurt;
    impulse_moments(power, IMPULSE_FFT_LENGTH / 2 + 1, &srms, &sskew, &skurt);
    out[k++] = (float)rms;
    out[k++] = (float)skew;
    out[k++] = (float)kurt;
    out[k++] = (float)sskew;
    out[k++] = (float)skurt;
    for (int b = ${lo}; b <= ${hi}; b++) {
      double p = power[b];
      ${doLog ? 'if (p == 0) p = 1e-10;\n      p = log10(p);' : ''}
      out[k++] = (float)p;
    }
  }
  return k;
}
`;
  return { code, perAxis };
}

/** C++ source (header-only, `static` functions) for `impulse_extract_features`, and its feature count. */
export function makeDspCpp(impulse: ImpulseConfig, opts: DspCppOptions = {}): { code: string; featureCount: number } {
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
      const n = ['average', 'minimum', 'maximum', 'rms', 'stdev', 'skewness', 'kurtosis'].filter((k) => bool(p[k], true)).length;
      body = flattenCode(axes, p);
      featureCount = axes * n;
      break;
    }
    case 'spectral': {
      const s = spectralCode(axes, p, opts, impulse.windowing.frequencyHz);
      body = s.code;
      featureCount = axes * s.perAxis;
      break;
    }
    default:
      throw unsupported(`the ${impulse.dsp.block} block`);
  }
  return {
    code: `// On-device DSP for the "${impulse.dsp.block}" block, generated by TinyML Studio.
#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define IMPULSE_FEATURE_COUNT ${featureCount}
${COMMON}${body}`,
    featureCount,
  };
}
