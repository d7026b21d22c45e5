/**
 * 1-D convolutional classifier for raw or spectrogram windows shaped [time, channels]. DOM-free core module.
 *
 * [Reshape to [T, C] if given flat] → (Im2colConv1D(relu, valid) → MaxPool1D) × filters.length →
 * GlobalAveragePooling1D | Flatten → Dense(relu) × dense → Dense(softmax), with seeded dropout before the
 * classifier. The convolution is the im2col layer so the WASM backend can train it; at export it is a
 * CONV_2D with height 1. Pooling maps to MAX_POOL_2D, global pooling to MEAN/AVERAGE_POOL_2D.
 */
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../core/errors.ts';
import { conv1dGeometry, Im2colConv1D } from './im2col-conv1d.ts';
import type { Conv1dParams } from './learn-params.ts';
import { SeededDropout } from './seeded-dropout.ts';

export function buildConv1dModel(inputShape: number[], numClasses: number, p: Conv1dParams, seed: number): tf.Sequential {
  if (inputShape.length !== 2) {
    throw new StudioError({
      family: 'config',
      code: 'conv1d-input',
      message: `The 1-D convolutional block needs windows shaped [time, channels]; got [${inputShape.join(', ')}].`,
      remedy: 'Use the Raw, Spectrogram, MFE or MFCC DSP block with conv1d, or the dense block for spectral features.',
    });
  }
  let len = inputShape[0];
  // L2 on every kernel is a training loss only (the trainer adds model.calculateLosses()); export ignores it.
  const reg = () => (p.l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: p.l2 }) } : {});
  const model = tf.sequential({ name: 'conv1d' });
  p.filters.forEach((filters, i) => {
    const { outLen } = conv1dGeometry(len, p.kernel, 1, 'valid');
    if (outLen < 1) {
      throw new StudioError({
        family: 'config',
        code: 'conv1d-too-deep',
        message: `Conv layer ${i + 1} gets ${len} time steps, fewer than its kernel of ${p.kernel}.`,
        remedy: 'Use fewer conv layers, a smaller kernel or pool size, or a longer window.',
      });
    }
    model.add(
      new Im2colConv1D({
        ...(i === 0 ? { inputShape } : {}),
        filters,
        kernelSize: p.kernel,
        padding: 'valid',
        activation: 'relu',
        seed: seed + 131 * (i + 1),
        ...reg(),
        name: `conv1d_${i + 1}`,
      }),
    );
    len = outLen;
    if (p.pool > 1 && len >= p.pool) {
      model.add(tf.layers.maxPooling1d({ poolSize: p.pool, strides: p.pool, padding: 'valid', name: `maxpool1d_${i + 1}` }));
      len = Math.floor(len / p.pool);
    }
  });
  if (p.head === 'global-avg') model.add(tf.layers.globalAveragePooling1d({ name: 'global_avg' }));
  else model.add(tf.layers.flatten({ name: 'flatten' }));
  p.dense.forEach((units, i) => {
    if (p.dropout > 0) model.add(new SeededDropout({ rate: p.dropout, seed: seed + 211 * (i + 1), name: `dropout_${i + 1}` }));
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 101 * (i + 1) }),
        ...reg(),
        name: `dense_${i + 1}`,
      }),
    );
  });
  if (p.dropout > 0) model.add(new SeededDropout({ rate: p.dropout, seed: seed + 409, name: 'dropout_out' }));
  model.add(
    tf.layers.dense({
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 997 }),
      ...reg(),
      name: 'output',
    }),
  );
  return model;
}
