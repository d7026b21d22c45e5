/**
 * The Arduino export's audio DSP (templates/audio-dsp-cpp.ts) compiled for the host with g++ -O2:
 * windows per second of the MFE, MFCC and spectrogram on 1 s windows at 16 kHz (defaults), whole
 * windows and continuous recognition (consecutive windows one hop apart, shared frames moved), and
 * their ratio next to the estimate's model of it (estimate.ts `audioDspCost`: frames computed per hop
 * over frames per window, plus the per-window normalisation). Host figures: they check the operation
 * model's proportions, not a board's speed. For the MFCC the host ratio is higher than the model's:
 * on the host its normalisation's integer index arithmetic (a modulo per term) costs more than its
 * float64 adds, while on a board without a double FPU the software float64 operations dominate.
 * The machine is shared: figures move with its load. Run with `npx tsx bench/audio-board.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImpulseConfig } from '../src/core/impulse.ts';
import { audioDspCost, audioDspCycles } from '../src/ml/export/estimate.ts';
import { makeAudioDspCpp } from '../src/ml/export/templates/audio-dsp-cpp.ts';

function impulse(block: 'mfe' | 'mfcc' | 'spectrogram'): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs: 1000, strideMs: 250, zeroPad: false, frequencyHz: 16000, axes: ['audio'] },
    dsp: { block, params: {} },
    learn: { block: 'conv1d', params: {} },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels: ['noise', 'yes'],
  };
}

const program = (code: string, hop: number, dim: number) => `#include <stdio.h>
#include <time.h>
#define IMPULSE_WINDOW_SAMPLES 16000
${code}
static int16_t ring[16000 + 2 * ${hop}];
static float out[${dim}];
static double now() { timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main() {
  const int cap = 16000 + 2 * ${hop};
  unsigned s = 1;
  for (int i = 0; i < cap; i++) { s = s * 1103515245u + 12345u; ring[i] = (int16_t)((int)(s >> 16) % 8000 - 4000); }
  double sink = 0;
  for (int mode = 0; mode < 2; mode++) {
    int n = 0;
    const double t0 = now();
    double t = t0;
    while (t - t0 < 1.5) {
      for (int k = 0; k < 4; k++, n++) {
        const unsigned long long start = (unsigned long long)n * ${hop};
        if (mode == 0) impulse_extract_audio_features(ring, cap, (int)(start % cap), out, ${dim});
        else impulse_extract_audio_features_continuous(ring, cap, start, nullptr, out, ${dim});
        sink += out[n % ${dim}];
      }
      t = now();
    }
    printf("%s %.3f\\n", mode == 0 ? "full" : "continuous", n / (t - t0));
  }
  return sink == 12345.678 ? 1 : 0;
}
`;

const dir = mkdtempSync(join(tmpdir(), 'audio-board-bench-'));
try {
  for (const block of ['mfe', 'mfcc', 'spectrogram'] as const) {
    const cfg = impulse(block);
    const dsp = makeAudioDspCpp(cfg);
    const cost = audioDspCost(cfg)!;
    const src = join(dir, `${block}.cpp`);
    writeFileSync(src, program(dsp.code, cost.hopSamples, dsp.featureCount));
    const bin = join(dir, block);
    const cc = spawnSync('g++', ['-std=gnu++11', '-O2', '-o', bin, src], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(cc.stderr);
    const r = spawnSync(bin, { encoding: 'utf8' });
    const fig = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
    // the model's ratio with host-like costs (a double operation ≈ a log / 20)
    const host = { doubleOp: 1, floatOp: 1, log: 20, compare: 1 };
    const predicted = audioDspCycles(cost, host, 'continuous') / audioDspCycles(cost, host, 'full');
    console.log(`BENCH audio-board.${block}_host_windows_per_s ${fig.full.toFixed(1)} windows/s`);
    console.log(`BENCH audio-board.${block}_host_continuous_windows_per_s ${fig.continuous.toFixed(1)} windows/s`);
    console.log(`BENCH audio-board.${block}_continuous_time_ratio ${(fig.full / fig.continuous).toFixed(3)} ratio`);
    console.log(`BENCH audio-board.${block}_continuous_time_ratio_model ${predicted.toFixed(3)} ratio`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
