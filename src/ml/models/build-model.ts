/**
 * Builds the TF.js model of a classifying learning block (dense / conv1d / conv2d). DOM-free core module.
 */
import type * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../core/errors.ts';
import type { LearnConfig } from '../../core/impulse.ts';
import { buildConv1dModel } from './conv1d.ts';
import { buildConv2dModel } from './conv2d.ts';
import { conv2dParams } from './conv2d-params.ts';
import { buildDenseModel } from './dense.ts';
import { checkLearnBlock, conv1dParams, denseParams } from './learn-params.ts';

export function buildClassifier(learn: LearnConfig, inputShape: number[], numClasses: number, seed: number): tf.Sequential {
  checkLearnBlock(learn);
  if (numClasses < 2) {
    throw new StudioError({
      family: 'import',
      code: 'too-few-labels',
      message: `A classifier needs at least two labels; the training data has ${numClasses}.`,
      remedy: 'Record or import samples of a second class, or use the anomaly block.',
    });
  }
  if (learn.block === 'dense') return buildDenseModel(inputShape, numClasses, denseParams(learn.params), seed);
  if (learn.block === 'conv1d') return buildConv1dModel(inputShape, numClasses, conv1dParams(learn.params), seed);
  if (learn.block === 'conv2d') return buildConv2dModel(inputShape, numClasses, conv2dParams(learn.params), seed);
  throw new StudioError({ family: 'config', code: 'not-a-classifier', message: 'The anomaly block is not a neural classifier.', remedy: 'Train it with trainAnomaly().' });
}
