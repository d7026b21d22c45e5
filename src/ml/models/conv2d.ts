/**
 * 2-D convolutional classifier for spectrogram windows: the [time, frequency] feature window is an
 * image with one channel. DOM-free core module.
 *
 * Reshape [T, F] → [T, F, 1] → (conv k×k (relu, valid) | depthwise k×k + pointwise 1×1 (relu)) →
 * MaxPool2D(pool) per entry of `filters` → Flatten | GlobalAveragePooling2D → Dense(relu) × dense →
 * Dense(softmax), seeded dropout before each dense layer. The convolutions are the im2col/slice layers
 * of im2col-conv2d.ts so the WASM backend can train them; at export they are CONV_2D and
 * DEPTHWISE_CONV_2D, pooling MAX_POOL_2D, the global pooling MEAN.
 */
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../core/errors.ts';
import { conv1dGeometry } from './im2col-conv1d.ts';
import { Im2colConv2D, SliceDepthwiseConv2D } from './im2col-conv2d.ts';
import type { Conv2dParams } from './conv2d-params.ts';
import { SeededDropout } from './seeded-dropout.ts';

export function buildConv2dModel(inputShape: number[], numClasses: number, p: Conv2dParams, seed: number): tf.Sequential {
  if (inputShape.length !== 2) {
    throw new StudioError({
      family: 'config',
      code: 'conv2d-input',
      message: `The 2-D convolutional block needs windows shaped [time, frequency]; got [${inputShape.join(', ')}].`,
      remedy: 'Use the MFE, MFCC or Spectrogram DSP block with conv2d, or the dense block for flat features.',
    });
  }
  let [h, w] = inputShape;
  const model = tf.sequential({ name: 'conv2d' });
  model.add(tf.layers.reshape({ inputShape, targetShape: [h, w, 1], name: 'to_image' }));
  p.filters.forEach((filters, i) => {
    const oh = conv1dGeometry(h, p.kernel, 1, 'valid').outLen;
    const ow = conv1dGeometry(w, p.kernel, 1, 'valid').outLen;
    if (oh < 1 || ow < 1) {
      throw new StudioError({
        family: 'config',
        code: 'conv2d-too-deep',
        message: `Conv layer ${i + 1} gets a ${h}×${w} image, smaller than its ${p.kernel}×${p.kernel} kernel.`,
        remedy: 'Use fewer conv layers, a smaller kernel or pool size, or more frames / filters in the DSP block.',
      });
    }
    if (p.separable && i > 0) {
      model.add(new SliceDepthwiseConv2D({ kernelSize: p.kernel, padding: 'valid', activation: 'linear', seed: seed + 137 * (i + 1), name: `dwconv2d_${i + 1}` }));
      model.add(new Im2colConv2D({ filters, kernelSize: 1, padding: 'valid', activation: 'relu', seed: seed + 139 * (i + 1), name: `pwconv2d_${i + 1}` }));
    } else {
      model.add(new Im2colConv2D({ filters, kernelSize: p.kernel, padding: 'valid', activation: 'relu', seed: seed + 131 * (i + 1), name: `conv2d_${i + 1}` }));
    }
    h = oh;
    w = ow;
    if (p.pool > 1 && h >= p.pool && w >= p.pool) {
      model.add(tf.layers.maxPooling2d({ poolSize: p.pool, strides: p.pool, padding: 'valid', name: `maxpool2d_${i + 1}` }));
      h = Math.floor(h / p.pool);
      w = Math.floor(w / p.pool);
    }
  });
  if (p.head === 'global-avg') model.add(tf.layers.globalAveragePooling2d({ name: 'global_avg' }));
  else model.add(tf.layers.flatten({ name: 'flatten' }));
  p.dense.forEach((units, i) => {
    if (p.dropout > 0) model.add(new SeededDropout({ rate: p.dropout, seed: seed + 211 * (i + 1), name: `dropout_${i + 1}` }));
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 101 * (i + 1) }), name: `dense_${i + 1}` }));
  });
  if (p.dropout > 0) model.add(new SeededDropout({ rate: p.dropout, seed: seed + 409, name: 'dropout_out' }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 997 }), name: 'output' }));
  return model;
}
