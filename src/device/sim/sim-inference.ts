/**
 * The simulated board's model runner: an `InferenceHook` that does what the runtime firmware does
 * with the model in its flash slot — the impulse's DSP on the last window of IMU frames, the
 * impulse's input standardisation ((x − mean) / std in float32, when it has one), then the int8 model with the TypeScript Int8Interpreter (TFLite Micro's integer arithmetic). The model comes
 * from the slot bytes the device core hands over, so what runs is exactly what was flashed.
 * DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import type { DspRunner } from '../../dsp/block.ts';
import { strideFrames, windowFrames } from '../../dsp/windowing.ts';
import { checkNormalization, standardizeFeatures } from '../../ml/models/input-normalization.ts';
import { Int8Interpreter } from '../../ml/tflite/interpreter.ts';
import { crc32 } from '../protocol/crc.ts';
import type { InferenceHook, InferenceResult } from '../protocol/device-core.ts';

export interface SimInferenceOptions {
  /** Axis names of the board's sensor 0, in the order its frames hold them. */
  deviceAxes: string[];
  /** Reported inference time, µs (default: measured host time). */
  fixedTimingUs?: number;
  now?: () => number;
}

export class SimInference implements InferenceHook {
  readonly windowFrames: number;
  readonly strideFrames: number;
  /** Inferences run so far (for tests). */
  runs = 0;
  private readonly picked: number[];
  private readonly runner: DspRunner;
  private readonly window: Float32Array;
  private interp: Int8Interpreter | null = null;
  private modelKey = -1;
  private readonly now: () => number;

  constructor(
    readonly impulse: ImpulseConfig,
    private readonly opts: SimInferenceOptions,
  ) {
    const w = impulse.windowing;
    this.windowFrames = windowFrames(w);
    this.strideFrames = Math.max(1, Math.round(strideFrames(w)));
    this.picked = w.axes.map((name) => {
      const i = opts.deviceAxes.indexOf(name);
      if (i < 0) {
        throw new StudioError({
          family: 'device',
          code: 'missing-axis',
          message: `The board has no axis "${name}" that the impulse uses (it has ${opts.deviceAxes.join(', ')}).`,
          remedy: 'Train with the axes this board provides.',
        });
      }
      return i;
    });
    this.runner = getDspBlock(impulse.dsp.block).createRunner(dspContext(impulse));
    if (impulse.normalization) checkNormalization(impulse.normalization, this.runner.dim);
    this.window = new Float32Array(this.windowFrames * w.axes.length);
    this.now = opts.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  }

  /** The interpreter for these model bytes (re-loaded when the slot holds another model). */
  private interpreter(model: Uint8Array): Int8Interpreter {
    const key = crc32(model) ^ model.length;
    if (!this.interp || key !== this.modelKey) {
      this.interp = Int8Interpreter.load(model);
      this.modelKey = key;
    }
    return this.interp;
  }

  run(window: Float32Array, axes: number, model: Uint8Array): InferenceResult {
    const t0 = this.now();
    const p = this.picked;
    const a = p.length;
    for (let t = 0; t < this.windowFrames; t++) for (let j = 0; j < a; j++) this.window[t * a + j] = window[t * axes + p[j]];
    const raw = this.runner.run(this.window);
    const norm = this.impulse.normalization;
    const features = norm ? standardizeFeatures(raw, norm) : raw;
    const scores = Array.from(this.interpreter(model).invokeFloat(features));
    let best = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
    this.runs++;
    return { labelIndex: best, scores, timingUs: this.opts.fixedTimingUs ?? Math.max(1, Math.round((this.now() - t0) * 1000)) };
  }
}
