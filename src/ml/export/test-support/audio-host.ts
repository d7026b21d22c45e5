/**
 * Test support: a host driver for the audio DSP kernels (AUDIO_DSP_CPP_KERNELS) that takes its plans
 * at run time, so one g++ build checks many parameter sets. Not part of the app: imported by tests.
 *
 * stdin, repeated: a plan line, its tables ("count v…" each), then "windows" and per window
 * "samples start capacity" and `capacity` int16 values of the ring; stdout per window "F f0 f1 …" (%.9g)
 * or "E count" when the kernel refused.
 */
import { AUDIO_DSP_CPP_KERNELS, AUDIO_PRELUDE, type AudioDspPlan } from '../templates/audio-dsp-cpp.ts';

export const AUDIO_HOST_MAIN = `${AUDIO_PRELUDE}
#include <stdio.h>
#include <stdlib.h>
#include <vector>
${AUDIO_DSP_CPP_KERNELS}

static std::vector<double> read_doubles() {
  int n = 0;
  if (scanf("%d", &n) != 1) exit(0);
  std::vector<double> v(n > 0 ? n : 1);
  for (int i = 0; i < n; i++)
    if (scanf("%lf", &v[i]) != 1) exit(4);
  return v;
}

int main() {
  for (;;) {
    impulse_audio_params p = {};
    int wrap = 0;
    if (scanf("%d %d %d %d %d %lf %d %d %d %d %d %lf", &p.block, &p.frame_length, &p.frame_stride, &p.frames, &p.fft_length, &p.pre_cof,
              &p.pre_shift, &p.filters, &p.cep, &p.win, &wrap, &p.noise_floor_db) != 12)
      return 0;
    p.mfe_wrap = wrap;
    std::vector<double> cr = read_doubles(), ci = read_doubles(), ur = read_doubles(), ui = read_doubles();
    std::vector<double> from_d = read_doubles(), to_d = read_doubles(), weights = read_doubles(), dct = read_doubles(), levels = read_doubles();
    std::vector<int16_t> from(from_d.size()), to(to_d.size());
    for (size_t i = 0; i < from.size(); i++) from[i] = (int16_t)from_d[i];
    for (size_t i = 0; i < to.size(); i++) to[i] = (int16_t)to_d[i];
    p.cr = cr.data(); p.ci = ci.data(); p.ur = ur.data(); p.ui = ui.data();
    p.filter_from = from.data(); p.filter_to = to.data(); p.filter_weights = weights.data();
    p.dct = dct.data(); p.mfe_levels = levels.data();
    const int m = p.fft_length / 2;
    const int bins = m + 1;
    const int per = p.block == 0 ? bins : p.block == 1 ? p.filters : p.cep;
    std::vector<double> zr(m), zi(m), frame(p.frame_length < p.fft_length ? p.frame_length : p.fft_length), power(bins), mel(p.filters + 1);
    std::vector<double> cep(p.frames * (p.cep + 1)), ms(p.frames * (p.cep + 1));
    std::vector<uint16_t> rev(m);
    impulse_audio_scratch s = {zr.data(), zi.data(), frame.data(), power.data(), mel.data(), cep.data(), ms.data(), rev.data()};
    int windows = 0;
    if (scanf("%d", &windows) != 1) return 4;
    for (int w = 0; w < windows; w++) {
      int samples = 0, start = 0, capacity = 0;
      if (scanf("%d %d %d", &samples, &start, &capacity) != 3) return 4;
      std::vector<int16_t> ring(capacity);
      for (int i = 0; i < capacity; i++) {
        int v;
        if (scanf("%d", &v) != 1) return 4;
        ring[i] = (int16_t)v;
      }
      std::vector<float> out(p.frames * per);
      const impulse_audio_input in = {ring.data(), capacity, start, samples};
      const int k = impulse_audio_features(&p, &in, &s, out.data(), (int)out.size());
      if (k < 0) {
        printf("E %d\\n", k);
        continue;
      }
      printf("F");
      for (int i = 0; i < k; i++) printf(" %.9g", (double)out[i]);
      printf("\\n");
    }
  }
}
`;

const BLOCK: Record<AudioDspPlan['block'], number> = { spectrogram: 0, mfe: 1, mfcc: 2 };

/** One window as the driver reads it: the samples placed in a ring of `capacity` starting at `start`. */
export interface HostWindow {
  samples: ArrayLike<number>;
  /** Where the window starts in the ring (it wraps); default 0 with capacity = samples. */
  start?: number;
  capacity?: number;
}

/** The driver's stdin for a plan and its windows. */
export function audioHostInput(plan: AudioDspPlan, windows: HostWindow[]): string {
  const arr = (v: number[]) => `${v.length} ${v.map(String).join(' ')}`;
  const head = [BLOCK[plan.block], plan.frameLength, plan.frameStride, plan.frames, plan.fftLength, String(plan.preCof), plan.preShift, plan.filters, plan.cep, plan.win, plan.mfeWrap ? 1 : 0, String(plan.noiseFloorDb)].join(' ');
  const parts = [head, arr(plan.cr), arr(plan.ci), arr(plan.ur), arr(plan.ui), arr(plan.filterFrom), arr(plan.filterTo), arr(plan.filterWeights), arr(plan.dct), arr(plan.mfeLevels), String(windows.length)];
  for (const w of windows) {
    const n = w.samples.length;
    const cap = w.capacity ?? n;
    const start = w.start ?? 0;
    const ring = new Array<number>(cap).fill(0);
    for (let i = 0; i < n; i++) ring[(start + i) % cap] = w.samples[i];
    parts.push(`${n} ${start} ${cap}`, ring.join(' '));
  }
  return parts.join('\n') + '\n';
}
