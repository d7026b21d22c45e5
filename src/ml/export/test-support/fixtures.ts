/**
 * A fixed impulse configuration for export tests and the benchmark. DOM-free core module.
 */
import type { ImpulseConfig } from '../../../core/impulse.ts';

/** 2 s windows at 104 Hz over three accelerometer axes, spectral features (fft 16), four labels. */
export function testImpulse(): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs: 2000, strideMs: 500, zeroPad: true, frequencyHz: 104, axes: ['accX', 'accY', 'accZ'] },
    dsp: { block: 'spectral', params: { 'fft-length': 16, 'filter-type': 'none', 'do-log': true, 'scale-axes': 1.5 } },
    learn: { block: 'dense', params: { layers: [20, 10] } },
    training: { epochs: 30, learningRate: 0.0005, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels: ['idle', 'wave', 'punch "hard"', 'flex\\'],
  };
}

