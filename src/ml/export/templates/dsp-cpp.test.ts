import { describe, it, expect } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath, skipReason } from '../../../../tests/helpers/shared.ts';
import { isStudioError } from '../../../core/errors.ts';
import type { ImpulseConfig, ParamValue } from '../../../core/impulse.ts';
import { cFloat } from '../c-header.ts';
import { makeDspCpp, spectralFilterSos } from './dsp-cpp.ts';

const gxx = ['/usr/bin/g++', '/usr/bin/clang++'].find((p) => existsSync(p));

function impulse(block: 'raw' | 'flatten' | 'spectral', params: Record<string, ParamValue>, hz: number, windowMs: number, axes: string[]): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs, strideMs: windowMs / 2, zeroPad: false, frequencyHz: hz, axes },
    dsp: { block, params },
    learn: { block: 'dense', params: {} },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels: ['a', 'b'],
  };
}

const execFileAsync = promisify(execFile);

/**
 * Compiles several generated DSP variants into one program (one namespace each, one compiler run)
 * whose driver reads "variant rows values…" from stdin and prints the features.
 */
async function runCppMany(jobs: { cfg: ImpulseConfig; windows: number[][][] }[]): Promise<number[][][]> {
  const dir = mkdtempSync(join(tmpdir(), 'dsp-cpp-'));
  try {
    const parts: string[] = [];
    const calls: string[] = [];
    jobs.forEach((j, v) => {
      const samples = Math.round((j.cfg.windowing.windowMs * j.cfg.windowing.frequencyHz) / 1000);
      const { code, featureCount } = makeDspCpp(j.cfg); // filter sections designed by the export itself
      const body = code.replace(/#include <math.h>/, '');
      parts.push(`#undef IMPULSE_WINDOW_SAMPLES
#undef IMPULSE_FEATURE_COUNT
#undef IMPULSE_FFT_LENGTH
#undef IMPULSE_SOS_COUNT
#define IMPULSE_WINDOW_SAMPLES ${samples}
namespace v${v} {
${body}
static const int kSamples = ${samples}, kAxes = ${j.cfg.windowing.axes.length}, kFeatures = ${featureCount};
}`);
      calls.push(`    case ${v}: { static float w[v${v}::kSamples * v${v}::kAxes]; static float f[v${v}::kFeatures];
      for (int i = 0; i < v${v}::kSamples * v${v}::kAxes; i++) if (scanf("%f", &w[i]) != 1) return 2;
      n = v${v}::impulse_extract_features(w, v${v}::kSamples, f, v${v}::kFeatures);
      for (int i = 0; i < n; i++) printf("%.9g%c", f[i], i + 1 < n ? ' ' : '\\n');
      break; }`);
    });
    const src = `#include <stdio.h>
#include <math.h>
${parts.join('\n')}
int main() {
  int variant, n = 0;
  while (scanf("%d", &variant) == 1) {
    switch (variant) {
${calls.join('\n')}
      default: return 3;
    }
  }
  return 0;
}
`;
    writeFileSync(join(dir, 'd.cpp'), src);
    await execFileAsync(gxx!, ['-std=c++11', '-O0', '-Wall', '-Werror', '-Wno-unused-function', '-Wno-unused-variable', '-o', join(dir, 'd'), join(dir, 'd.cpp')]);
    const input = jobs.map((j, v) => j.windows.map((w) => `${v} ${w.flat().join(' ')}`).join('\n')).join('\n') + '\n';
    const lines = execFileSync(join(dir, 'd'), { input, encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n').map((l) => l.split(' ').map(Number));
    const out: number[][][] = [];
    let k = 0;
    for (const j of jobs) out.push(lines.slice(k, (k += j.windows.length)));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(a), Math.abs(b)) + 1e-5;

describe.skipIf(!gxx)('on-device DSP C++ (compiled with the host compiler)', () => {
  it('raw and flatten give hand-computed features', async () => {
    // 4 samples × 2 axes, frame-major
    const w = [[1, 10], [2, 20], [3, 30], [6, 60]];
    // A circle in the x-y plane of radius 2 (8 samples), turned 30° about z, plus a line along z.
    const c30 = Math.cos(Math.PI / 6);
    const s30 = Math.sin(Math.PI / 6);
    const circle = Array.from({ length: 8 }, (_, i) => {
      const x = 2 * Math.cos((i * Math.PI) / 4);
      const y = 2 * Math.sin((i * Math.PI) / 4);
      return [c30 * x - s30 * y, s30 * x + c30 * y, i % 2 ? 1 : -1];
    });
    const [raw, flat, shaped] = await runCppMany([
      { cfg: impulse('raw', { 'scale-axes': 2 }, 4, 1000, ['x', 'y']), windows: [w] },
      { cfg: impulse('flatten', { skewness: false, kurtosis: false }, 4, 1000, ['x', 'y']), windows: [w] },
      { cfg: impulse('flatten', { minimum: false, maximum: false, rms: false, stdev: false, skewness: false, kurtosis: false, shape: true }, 8, 1000, ['x', 'y', 'z']), windows: [circle] },
    ]);
    // average per axis (≈ 0), then √ of the covariance eigenvalues: the circle's 2 / √2 = √2 twice, the line's 1
    [0, 0, 0, Math.SQRT2, Math.SQRT2, 1].forEach((v, i) => expect(Math.abs(shaped[0][i] - v), `feature ${i}: ${shaped[0][i]}`).toBeLessThan(1e-6));
    expect(raw[0]).toEqual([2, 20, 4, 40, 6, 60, 12, 120]);
    // x: mean 3, min 1, max 6, rms sqrt(50/4), stdev sqrt(14/4)
    const expected = [3, 1, 6, Math.sqrt(12.5), Math.sqrt(3.5)];
    expected.forEach((v, i) => {
      expect(close(flat[0][i], v)).toBe(true);
      expect(close(flat[0][5 + i], v * 10)).toBe(true);
    });
  });

  it('refuses settings the board port does not implement', () => {
    const base = { 'fft-length': 16 };
    // (a 3 Hz low-pass at 104 Hz leaves no bin of a 16-point FFT)
    for (const p of [{ ...base, 'input-decimation-ratio': 3 }, { ...base, 'extra-low-freq': true }, { ...base, 'filter-type': 'low' }]) {
      try {
        makeDspCpp(impulse('spectral', p, 104, 2000, ['x']));
        expect.unreachable();
      } catch (e) {
        expect(isStudioError(e, 'export-dsp-unsupported')).toBe(true);
      }
    }
  });

  const ref = sharedPath('reference/spectral/xiao_ei_motion.json');
  // Butterworth sections from scipy.signal.butter(order, 2·cutoff/104, type, output='sos') cast to
  // float32 (computed with scipy 1.17 at development time).
  const SOS: Record<string, number[][]> = {
    'highpass-1hz-order4': [
      [0.924085795879364, -1.848171591758728, 0.924085795879364, 1.0, -1.8908735513687134, 0.8943296074867249],
      [1.0, -2.0, 1.0, 1.0, -1.9512654542922974, 0.9548319578170776],
    ],
    'lowpass-3hz-order6-fft128': [
      [3.9650194594287314e-7, 7.930038918857463e-7, 3.9650194594287314e-7, 1.0, -1.6755114793777466, 0.7034135460853577],
      [1.0, 2.0, 1.0, 1.0, -1.7448428869247437, 0.7738995552062988],
      [1.0, 2.0, 1.0, 1.0, -1.8795522451400757, 0.9108521938323975],
    ],
  };
  it('designs the spectral filter itself: the sections equal scipy\'s butter(…, output=\'sos\') in float32', () => {
    for (const [key, params] of [
      ['highpass-1hz-order4', { 'fft-length': 16, 'filter-type': 'high', 'filter-cutoff': 1, 'filter-order': 4 }],
      ['lowpass-3hz-order6-fft128', { 'fft-length': 128, 'filter-type': 'low', 'filter-cutoff': 3, 'filter-order': 6 }],
    ] as const) {
      const cfg = impulse('spectral', params, 104, 2000, ['x']);
      expect(spectralFilterSos(cfg.dsp.params, 104)).toEqual(SOS[key]);
      const { code } = makeDspCpp(cfg);
      const rows = SOS[key].map((r) => `{${[r[0], r[1], r[2], r[4], r[5]].map(cFloat).join(', ')}}`);
      expect(code).toContain(`static const float impulse_sos[IMPULSE_SOS_COUNT][5] = {${rows.join(', ')}};`);
    }
    // no filter, or order 0: no sections
    expect(spectralFilterSos({ 'filter-type': 'none' }, 104)).toEqual([]);
    expect(spectralFilterSos({ 'filter-type': 'low', 'filter-order': 0 }, 104)).toEqual([]);
  });

  it.skipIf(!ref)(`spectral features match the Edge Impulse reference vectors (${ref ? 'xiao_ei_motion' : skipReason('reference/spectral')})`, async () => {
    const data = JSON.parse(readFileSync(ref!, 'utf8')) as {
      sample_rate_hz: number;
      window_ms: number;
      axes: string[];
      cases: { name: string; params: Record<string, ParamValue>; input: number[][]; features: (number | null)[]; features_scipy_1_7?: number[] }[];
    };
    const groups = new Map<string, typeof data.cases>();
    for (const c of data.cases) {
      const set = c.name.split(' #')[0];
      if (set === 'decimate3' || set === 'extra-low-freq') continue;
      const key = JSON.stringify(c.params);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    let checked = 0;
    const groupList = [...groups.values()];
    const outs = await runCppMany(
      groupList.map((cases) => ({
        cfg: impulse('spectral', cases[0].params, data.sample_rate_hz, data.window_ms, data.axes),
        windows: cases.map((c) => c.input),
      })),
    );
    for (const [gi, cases] of groupList.entries()) {
      const out = outs[gi];
      cases.forEach((c, i) => {
        const want = c.features_scipy_1_7 ?? c.features;
        expect(out[i].length, c.name).toBe(want.length);
        want.forEach((v, j) => {
          expect(close(out[i][j], v as number), `${c.name} feature ${j}: ${out[i][j]} vs ${v}`).toBe(true);
          checked++;
        });
      });
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
