/**
 * Dropout whose masks come from a seed plus a call counter. DOM-free core module.
 *
 * `tf.layers.dropout({seed})` draws the SAME mask on every step (the seed restarts the generator), and
 * without a seed it uses Math.random, so a run could not be repeated. This layer draws a fresh, seeded
 * mask per training call. Inference is the identity; the export drops it.
 */
import * as tf from '@tensorflow/tfjs';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
  }

  /** Restart the mask sequence (the trainer calls this at the start of a run). */
  resetSeed(): void {
    this.calls = 0;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs?.['training'] || this.rate <= 0) return x.clone();
    const seed = (this.seed * 7919 + this.calls++) % 2147483647;
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
