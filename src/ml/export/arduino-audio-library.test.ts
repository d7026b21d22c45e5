import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import type { ImpulseConfig, ParamValue } from '../../core/impulse.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import type { FloatModel } from '../float-model.ts';
import { quantizeModel } from '../quantize/quantize.ts';
import { mulberry32 } from '../quantize/test-support/fixtures.ts';
import { makeArduinoLibraryFiles } from './arduino-library.ts';
import { continuousPlan, DEFAULT_CONTINUOUS, guessBackgroundLabels, recognizeStream } from './audio-recognizer-cpp.ts';
import { audioDspCost, audioDspCycles, estimateDeployment, TARGETS } from './estimate.ts';
import { audioDspPlan, makeAudioDspCpp, mfeLevel, mfeLevelThresholds } from './templates/audio-dsp-cpp.ts';

function audioImpulse(block: 'mfe' | 'mfcc' | 'spectrogram', params: Record<string, ParamValue> = {}, hz = 16000, axes = ['audio']): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs: 1000, strideMs: 250, zeroPad: false, frequencyHz: hz, axes },
    dsp: { block, params },
    learn: { block: 'conv1d', params: {} },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels: ['_noise', 'yes', 'no', 'unknown'],
  };
}

/** A dense model over the block's features (seeded weights), int8. */
function modelFor(cfg: ImpulseConfig) {
  const dim = getDspBlock(cfg.dsp.block).createRunner(dspContext(cfg)).dim;
  const r = mulberry32(3);
  const fm: FloatModel = {
    inputShape: [dim],
    labels: cfg.labels,
    layers: [{ kind: 'dense', units: 4, inUnits: dim, kernel: Float32Array.from({ length: 4 * dim }, () => (r() - 0.5) * 0.05), bias: new Float32Array(4), activation: 'none' }, { kind: 'softmax' }],
  };
  return quantizeModel(fm, Array.from({ length: 8 }, () => Float32Array.from({ length: dim }, () => r())));
}

describe('Arduino library of an audio impulse', () => {
  const cfg = audioImpulse('mfe');
  const q = modelFor(cfg);
  const files = makeArduinoLibraryFiles({ tflite: q.tflite, impulse: cfg, input: q.input, output: q.output, projectName: 'Yes No' });

  it('holds the header with the generated MFE, the PDM sketch, and a README; depends on TFLM only', () => {
    expect(Object.keys(files).sort()).toEqual(['Yes_No/README.md', 'Yes_No/examples/Yes_No_listen/Yes_No_listen.ino', 'Yes_No/library.properties', 'Yes_No/src/Yes_No.h']);
    expect(files['Yes_No/library.properties']).toMatch(/^depends=Arduino_TensorFlowLite$/m);
    expect(files['Yes_No/library.properties']).toContain('Listens for "yes, no"');
    const h = files['Yes_No/src/Yes_No.h'];
    expect(h).toContain('#define IMPULSE_FEATURE_COUNT 3960');
    expect(h).toContain('static const double impulse_audio_mfe_levels[256]');
    expect(h).toContain('class ContinuousRecognizer');
    expect(h).toContain('constexpr int kRingSamples = 24000;');
    expect(h).toContain('{true, false, false, true}'); // _noise and unknown are background
    expect(h).toContain('constexpr double kThreshold = 0.8;');
    expect(h).toMatch(/#undef IMPULSE_FEATURE_COUNT/);
    const ino = files['Yes_No/examples/Yes_No_listen/Yes_No_listen.ino'];
    expect(ino).toContain('#include <PDM.h>');
    expect(ino).not.toContain('#error "The impulse samples');
    expect(files['Yes_No/README.md']).toMatch(/DSP \d+(\.\d)? ms \+ inference/);
  });

  it('refuses an audio block over two axes, and warns in the sketch when the rate is not the PDM microphone\'s', () => {
    const two = audioImpulse('mfe', {}, 16000, ['left', 'right']);
    try {
      makeAudioDspCpp(two);
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e)).toBe(true);
    }
    const c8 = audioImpulse('mfcc', { 'fft-length': 128 }, 8000);
    const q8 = modelFor(c8);
    const f8 = makeArduinoLibraryFiles({ tflite: q8.tflite, impulse: c8, input: q8.input, output: q8.output, projectName: 'Eight' });
    expect(f8['Eight/examples/Eight_listen/Eight_listen.ino']).toContain('#error "The impulse samples at 8000 Hz');
  });

  it('refuses a model whose input does not fit the audio features', () => {
    const other = audioImpulse('mfcc');
    try {
      makeArduinoLibraryFiles({ tflite: q.tflite, impulse: other, input: q.input, output: q.output });
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'export-feature-mismatch')).toBe(true);
    }
  });

  it('plans have the blocks\' feature counts and tables of the right sizes', () => {
    for (const c of [audioImpulse('mfe'), audioImpulse('mfcc'), audioImpulse('spectrogram'), audioImpulse('mfcc', { 'num-cepstral': 40, 'num-filters': 20 })]) {
      const p = audioDspPlan(c);
      expect(p.featureCount).toBe(getDspBlock(c.dsp.block).createRunner(dspContext(c)).dim);
      expect(p.ur).toHaveLength(p.fftLength / 2 + 1);
      expect(p.cr).toHaveLength(Math.max(1, p.fftLength / 4));
      if (c.dsp.block !== 'spectrogram') expect(p.filterWeights.length).toBe(p.filterTo.reduce((s, t, i) => s + t - p.filterFrom[i], 0));
      if (c.dsp.block === 'mfcc') expect(p.dct).toHaveLength(p.cep * p.filters);
    }
  });
});

describe('audio DSP cost in the estimates', () => {
  it('counts the operations of a window and adds time, RAM and flash per target', () => {
    const mfe = audioDspCost(audioImpulse('mfe'))!;
    const mfcc = audioDspCost(audioImpulse('mfcc'))!;
    expect(audioDspCost({ windowing: audioImpulse('mfe').windowing, dsp: { block: 'flatten', params: {} } })).toBeNull();
    // 99 frames of a 256-point FFT: 64 × 7 butterflies of 10 operations each, at least
    expect(mfe.doubleOps).toBeGreaterThan(99 * 64 * 7 * 10);
    expect(mfe.logs).toBe(0); // the MFE quantises with thresholds, no log10
    expect(mfcc.logs).toBe(50 * (32 + 1)); // 50 frames, a log per filter and one of the frame energy
    // the microphone ring (window + 2 hops of 250 ms, int16) and the 3960 float features are in the RAM
    expect(mfe.ramBytes).toBeGreaterThan(24000 * 2 + 3960 * 4);
    expect(mfe.flashBytes).toBeGreaterThan(256 * 8);
    const cfg = audioImpulse('mfe');
    const q = modelFor(cfg);
    const plain = estimateDeployment(q.tflite);
    const withDsp = estimateDeployment(q.tflite, { dsp: cfg });
    const nrf = withDsp.targets.find((t) => t.target.id === 'nrf52840')!;
    const nrfPlain = plain.targets.find((t) => t.target.id === 'nrf52840')!;
    expect(nrf.dspMs).toBeGreaterThan(100); // float64 in software on a Cortex-M4F
    // continuous recognition computes 25 + 1 of the 99 frames per 250 ms hop
    expect([mfe.frames, mfe.framesPerHop, mfe.hopSamples]).toEqual([99, 26, 4000]);
    expect(audioDspCost(audioImpulse('mfcc'))!.framesPerHop).toBe(14);
    expect(nrf.ramBytes - nrfPlain.ramBytes).toBe(mfe.ramBytes);
    expect(nrf.flashBytes - nrfPlain.flashBytes).toBe(mfe.flashBytes);
    expect(nrf.notes.join(' ')).toContain('MFE in float64');
    const m7 = withDsp.targets.find((t) => t.target.id === 'cortex-m7')!;
    expect(m7.dspMs).toBeLessThan(nrf.dspMs / 50); // a double-precision FPU
    expect(withDsp.targets.find((t) => t.target.id === 'rp2040')!.notes.join(' ')).toContain('does not run the MFE block');
    for (const t of TARGETS) expect(t.audio).toBeDefined();
    expect(audioDspCycles(mfe, TARGETS[0].audio!, 'full')).toBeGreaterThan(3.5 * audioDspCycles(mfe, TARGETS[0].audio!));
  });
});

describe('continuous recognition rules', () => {
  const labels = ['noise', 'yes', 'no'];
  const s = (n: number, y: number, no: number) => [n, y, no];
  const scores = [s(0.9, 0.1, 0), s(0.1, 0.9, 0), s(0.1, 0.9, 0), s(0.1, 0.9, 0), s(0, 0.95, 0.05), s(0, 0.95, 0.05), s(0.05, 0.05, 0.9), s(0, 0, 1), s(1, 0, 0)];
  const ends = scores.map((_, k) => 16000 + 4000 * k); // windows end at 1000, 1250, … ms

  it('averages, fires once per utterance (re-armed below the threshold), keeps the refractory time, never reports background', () => {
    const run = (refractoryMs: number) => recognizeStream(scores, ends, 16000, labels, { averaging: 2, threshold: 0.8, refractoryMs }).map((e) => [e.window, labels[e.label], e.timeMs]);
    // window 1 averages 0.5 with window 0; "yes" stays above 0.8 through window 5 (one detection);
    // window 6 drops below (re-armed); "no" fires at window 7
    expect(run(500)).toEqual([
      [2, 'yes', 1500],
      [7, 'no', 2750],
    ]);
    // 1250 ms after the first detection is inside a 2 s refractory time
    expect(run(2000)).toEqual([[2, 'yes', 1500]]);
    // noise at 1.0 never counts
    expect(recognizeStream([s(1, 0, 0), s(1, 0, 0)], [16000, 20000], 16000, labels, { averaging: 1, threshold: 0.5, refractoryMs: 0 })).toEqual([]);
    expect(guessBackgroundLabels(['_silence', 'Noise', 'unknown words', 'yes', 'nope'])).toEqual(['_silence', 'Noise', 'unknown words']);
  });

  it('plans hop and ring in samples (the hop in whole frame strides)', () => {
    expect(continuousPlan(DEFAULT_CONTINUOUS, 16000, 16000)).toEqual({ hopSamples: 4000, hopMs: 250, ringSamples: 24000 });
    expect(continuousPlan(DEFAULT_CONTINUOUS, 16000, 16000, 320)).toEqual({ hopSamples: 4160, hopMs: 260, ringSamples: 24320 });
  });
});

describe('MFE level thresholds', () => {
  it('are where the TypeScript quantiser steps: level(T[k]) ≥ k > level(just below T[k])', () => {
    for (const floor of [-52, -72, -30.5]) {
      const t = mfeLevelThresholds(floor);
      expect(t).toHaveLength(256);
      const dv = new DataView(new ArrayBuffer(8));
      const below = (v: number) => {
        dv.setFloat64(0, v);
        dv.setBigUint64(0, dv.getBigUint64(0) - 1n);
        return dv.getFloat64(0);
      };
      for (let k = 1; k <= 256; k++) {
        expect(mfeLevel(t[k - 1], floor)).toBeGreaterThanOrEqual(k);
        expect(mfeLevel(below(t[k - 1]), floor)).toBeLessThan(k);
        if (k > 1) expect(t[k - 1]).toBeGreaterThanOrEqual(t[k - 2]);
      }
    }
  });
});

