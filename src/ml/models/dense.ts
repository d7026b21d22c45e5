/**
 * Dense (fully connected) classifier on DSP features. DOM-free core module.
 *
 * features → [Flatten if the input has more than one dimension] → Dense(relu) × layers, each followed
 * by seeded dropout → Dense(softmax). Every layer maps to a TFLite Micro op (FULLY_CONNECTED, SOFTMAX;
 * dropout disappears at export).
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseParams } from './learn-params.ts';
import { SeededDropout } from './seeded-dropout.ts';

export function buildDenseModel(inputShape: number[], numClasses: number, p: DenseParams, seed: number): tf.Sequential {
  // L2 on the kernels is a training loss only (the trainer adds model.calculateLosses()); export ignores it.
  const reg = () => (p.l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: p.l2 }) } : {});
  const model = tf.sequential({ name: 'dense' });
  let first = true;
  const shapeArg = () => (first ? { inputShape } : {});
  if (inputShape.length > 1) {
    model.add(tf.layers.flatten({ inputShape }));
    first = false;
  }
  p.layers.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        ...shapeArg(),
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 101 * (i + 1) }),
        ...reg(),
        biasInitializer: 'zeros',
        name: `dense_${i + 1}`,
      }),
    );
    first = false;
    if (p.dropout > 0) model.add(new SeededDropout({ rate: p.dropout, seed: seed + 211 * (i + 1), name: `dropout_${i + 1}` }));
  });
  model.add(
    tf.layers.dense({
      ...shapeArg(),
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 997 }),
      ...reg(),
      biasInitializer: 'zeros',
      name: 'output',
    }),
  );
  return model;
}
