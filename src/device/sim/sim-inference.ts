/**
 * The simulated board's model runner, strict: it knows only the bytes in its model slot, exactly like
 * the runtime firmware (firmware/tinyml_runtime/tflm_hook.cpp + firmware/src/impulse_runner.cpp +
 * impulse_descriptor.cpp). On load it splits the slot payload into model and impulse descriptor, maps
 * the descriptor's axes to the sensor's by name, takes DSP settings, input standardisation and input
 * quantization from the descriptor and checks them against the model; a bare model (no descriptor)
 * gets the firmware's raw-window fallback. It refuses what the firmware refuses, with the firmware's
 * reason text (see `SLOT_REFUSALS`). Inference: firmware DSP kernels (firmware-dsp.ts), float32
 * standardisation, int8 quantization, the int8 model with the TypeScript Int8Interpreter (TFLite
 * Micro's integer arithmetic). No `ImpulseConfig` ever enters here. DOM-free core module.
 */
import { isStudioError } from '../../core/errors.ts';
import { decodeImpulseDescriptor, DESCRIPTOR_LIMITS, type ImpulseDescriptor } from '../../ml/export/impulse-descriptor.ts';
import { planArena } from '../../ml/export/estimate.ts';
import { argmax } from '../../ml/metrics/argmax.ts';
import { runtimeInvokeMicros } from './runtime-firmware.ts';
import { roundHalfAway } from '../../ml/tflite/fixed-point.ts';
import { Int8Interpreter } from '../../ml/tflite/interpreter.ts';
import { readTflite } from '../../ml/tflite/reader.ts';
import type { InferenceHook, InferenceResult } from '../protocol/device-core.ts';
import { splitSlotPayload } from '../protocol/model-slot.ts';
import { flattenFeatureCount, flattenFeatures, rawFeatures, spectralFeatures } from './firmware-dsp.ts';

/** firmware/src/device_core.h */
export const MAX_WINDOW_VALUES = 4096;
export const MAX_CLASSES = 16;

/**
 * Every reason the firmware gives for not loading a slot (LOG WARN text; SET_INFERENCE then answers
 * NACK NO_MODEL). The descriptor's own decode errors ("descriptor crc", …) come on top.
 */
export const SLOT_REFUSALS = {
  arena: 'model needs a larger tensor arena than TINYML_ARENA_BYTES',
  noDescriptor: 'no impulse descriptor in the slot',
  tooLarge: 'descriptor too large',
  missingAxis: 'the impulse uses an axis the sensor does not have',
  ring: 'window longer than the device ring',
  featureCount: 'feature count does not match the DSP settings',
  schema: 'model schema version',
  allocate: 'AllocateTensors failed',
  modelInput: "the model input does not match the impulse's feature count",
  quantization: "the model's input quantization differs from the impulse descriptor",
} as const;

export interface SlotInferenceOptions {
  /** Axis names of the board's sensor 0, in frame order. */
  sensorAxes: readonly string[];
  /** The tensor arena the firmware was built with (TINYML_ARENA_BYTES). */
  arenaCapacity: number;
  /** Where the firmware's LOG WARN lines go. */
  log?: (text: string) => void;
  /** Reported inference (Invoke) time, µs. Default: the RP2040 image's measured cycle model for the loaded model (runtime-firmware.ts). */
  timingUs?: number;
}

/** What the loader made of the slot (for the control API and tests). */
export interface LoadedImpulse {
  described: boolean;
  block: 'raw' | 'flatten' | 'spectral';
  axes: string[];
  windowFrames: number;
  strideFrames: number;
  featureCount: number;
  /** The descriptor's sampling rate (null for a bare model). */
  sampleRateHz: number | null;
  /** The quantization used for the int8 input tensor. */
  input: { scale: number; zeroPoint: number } | null;
  labels: string[];
}

const f32 = Math.fround;

/** firmware/src/impulse_descriptor.cpp checks that the TypeScript decoder does not make. */
function firmwareDescriptorCheck(d: ImpulseDescriptor): string | null {
  if (d.windowFrames < 1 || d.strideFrames < 1 || d.featureCount < 1) return 'window or feature count';
  if (d.inputType === 'int8' && !(d.input.scale > 0 && Number.isFinite(d.input.scale))) return 'input scale';
  if (d.input.zeroPoint < -128 || d.input.zeroPoint > 127) return 'input zero point';
  if (d.output.zeroPoint < -128 || d.output.zeroPoint > 127) return 'output zero point';
  if (!Number.isFinite(d.output.scale) || d.output.scale < 0) return 'output scale';
  if (!(d.frequencyHz > 0 && d.frequencyHz <= 1e6)) return 'sample rate';
  if (!Number.isFinite(d.scale)) return 'scale-axes';
  if (d.spectral) {
    const f = d.spectral.fftLength;
    if (f < 4 || f > 4096 || (f & (f - 1)) !== 0) return 'FFT length';
    if (d.spectral.hop < 1 || d.spectral.binLo < 1 || d.spectral.binHi < d.spectral.binLo || d.spectral.binHi > f / 2) return 'FFT bins';
  }
  if (d.block === 'flatten' && (d.flattenStats & 0x7f) === 0) return 'no flatten statistic';
  const enc = new TextEncoder();
  if ([...d.axes, ...d.labels].some((n) => enc.encode(n).length > DESCRIPTOR_LIMITS.nameBytes)) return 'name too long';
  return null;
}

/** The firmware's expected feature count for the DSP settings (ImpulseRunner::prepare). */
function expectedFeatures(block: LoadedImpulse['block'], W: number, A: number, d: ImpulseDescriptor | null): number {
  if (block === 'raw') return W * A;
  if (block === 'flatten') return flattenFeatureCount(A, d!.flattenStats);
  return A * (5 + d!.spectral!.binHi - d!.spectral!.binLo + 1);
}

export class SlotInference implements InferenceHook {
  /** Inferences run so far. */
  runs = 0;
  /** Why the last load failed (null after a successful load). */
  problem: string | null = null;
  /** Slot loads so far (the device core calls `load` at boot and after each committed upload). */
  loads = 0;
  private imp: LoadedImpulse | null = null;
  private desc: ImpulseDescriptor | null = null;
  private axisMap: number[] = [];
  private interp: Int8Interpreter | null = null;
  private inputInt8 = false;
  private timing = 0;
  private sel = new Float32Array(0);
  private feat = new Float32Array(0);

  constructor(private readonly o: SlotInferenceOptions) {}

  get loaded(): boolean {
    return this.imp !== null && this.interp !== null;
  }

  get impulse(): LoadedImpulse | null {
    return this.imp;
  }

  get windowFrames(): number {
    return this.imp ? this.imp.windowFrames : 1;
  }

  get strideFrames(): number {
    return this.imp ? this.imp.strideFrames : 1;
  }

  /** The impulse's sampling rate from the descriptor, mHz (0: a bare model, no rate known). */
  get sampleRateMilliHz(): number {
    return this.imp?.sampleRateHz ? Math.round(this.imp.sampleRateHz * 1000) : 0;
  }

  unload(): void {
    this.imp = null;
    this.desc = null;
    this.interp = null;
  }

  private fail(why: string): false {
    this.o.log?.(why);
    this.unload();
    this.problem = why;
    return false;
  }

  /** InferenceHook.load, as the device core calls it with the verified slot payload. */
  load(payload: Uint8Array): boolean {
    return this.loadSlot(payload);
  }

  /**
   * TflmHook::load: prepares the verified slot payload for a model that declared `arenaSize` (when
   * known: the TypeScript core does not pass the slot header's arena). False, and a log line, when
   * the firmware would refuse it.
   */
  loadSlot(payload: Uint8Array, arenaSize?: number): boolean {
    this.unload();
    this.loads++;
    this.problem = null;
    const bytes = payload;
    if (arenaSize !== undefined && arenaSize > this.o.arenaCapacity) return this.fail(SLOT_REFUSALS.arena);
    const { model, descriptor } = splitSlotPayload(bytes);
    let why: string | null = null;
    let d: ImpulseDescriptor | null = null;
    if (!descriptor) why = SLOT_REFUSALS.noDescriptor;
    else if (descriptor.length > DESCRIPTOR_LIMITS.bytes) why = SLOT_REFUSALS.tooLarge;
    else {
      try {
        d = decodeImpulseDescriptor(descriptor);
        why = firmwareDescriptorCheck(d);
      } catch (e) {
        why = isStudioError(e) ? e.message : String(e);
      }
    }
    if (why === null && d) {
      const map = d.axes.map((a) => this.o.sensorAxes.indexOf(a));
      if (map.some((i) => i < 0)) why = SLOT_REFUSALS.missingAxis;
      else {
        this.axisMap = map;
        why = this.prepare({
          described: true, block: d.block, axes: d.axes, windowFrames: d.windowFrames, strideFrames: d.strideFrames,
          featureCount: d.featureCount, sampleRateHz: d.frequencyHz, input: d.inputType === 'int8' ? { ...d.input } : null, labels: d.labels,
        }, d);
      }
    }
    const described = why === null;
    // A payload with a trailer whose descriptor is unusable is refused; only a bare model falls back.
    if (!described && descriptor) return this.fail(why!);
    let interp: Int8Interpreter;
    let parsed: ReturnType<typeof readTflite>;
    try {
      parsed = readTflite(model);
    } catch {
      return this.fail(SLOT_REFUSALS.schema);
    }
    try {
      interp = new Int8Interpreter(parsed);
      // TFLM's AllocateTensors fails when the planned arena exceeds the compiled one.
      if (planArena(parsed).totalBytes > this.o.arenaCapacity) return this.fail(SLOT_REFUSALS.allocate);
    } catch {
      return this.fail(SLOT_REFUSALS.allocate);
    }
    const input = interp.input;
    const elems = input.shape.reduce((a, b) => a * b, 1);
    if (!described) {
      // Firmware 0.1 behaviour: the raw window of all sensor axes, half-window stride.
      const A = this.o.sensorAxes.length;
      const W = Math.floor(elems / A) & 0xffff;
      this.axisMap = this.o.sensorAxes.map((_, i) => i);
      const r = this.prepare({
        described: false, block: 'raw', axes: [...this.o.sensorAxes], windowFrames: W, strideFrames: W > 1 ? W >> 1 : 1,
        featureCount: elems & 0xffff, sampleRateHz: null, input: null, labels: [],
      }, null);
      if (r) return this.fail(r);
    }
    const imp = this.imp!;
    if (elems !== imp.featureCount) return this.fail(SLOT_REFUSALS.modelInput);
    this.inputInt8 = input.type === 'int8';
    if (this.inputInt8 && described) {
      const q = d!;
      if (q.inputType !== 'int8' || input.zeroPoint !== q.input.zeroPoint || Math.abs(f32(input.scale) - q.input.scale) > f32(1e-6 * Math.abs(q.input.scale))) {
        return this.fail(SLOT_REFUSALS.quantization);
      }
    }
    if (this.inputInt8) imp.input = described ? { ...d!.input } : { scale: input.scale, zeroPoint: input.zeroPoint };
    this.interp = interp;
    this.desc = d;
    this.feat = new Float32Array(imp.featureCount);
    // The firmware times Invoke only (tflm_hook.cpp); the figure is the image's measured cycle model.
    this.timing = this.o.timingUs ?? runtimeInvokeMicros(parsed);
    return true;
  }

  /** ImpulseRunner::prepare: ring size and feature count checks. */
  private prepare(imp: LoadedImpulse, d: ImpulseDescriptor | null): string | null {
    const W = imp.windowFrames;
    const A = imp.axes.length;
    if (W * this.o.sensorAxes.length > MAX_WINDOW_VALUES) return SLOT_REFUSALS.ring;
    if (expectedFeatures(imp.block, W, A, d) !== imp.featureCount) return SLOT_REFUSALS.featureCount;
    this.imp = imp;
    this.sel = new Float32Array(W * A);
    return null;
  }

  /** ImpulseRunner::features: the DSP features of one window (sensor frames, oldest first). */
  features(window: Float32Array, sensorAxes: number): Float32Array | null {
    const imp = this.imp;
    if (!imp || sensorAxes !== this.o.sensorAxes.length) return null;
    const W = imp.windowFrames, A = imp.axes.length;
    for (let i = 0; i < W; i++) for (let a = 0; a < A; a++) this.sel[i * A + a] = window[i * sensorAxes + this.axisMap[a]];
    const out = new Float32Array(imp.featureCount);
    const d = this.desc;
    const scale = d ? d.scale : 1;
    let n = -1;
    if (imp.block === 'raw') n = rawFeatures(this.sel, W, A, scale, out);
    else if (imp.block === 'flatten') n = flattenFeatures(this.sel, W, A, scale, d!.flattenStats, out);
    else {
      const s = d!.spectral!;
      n = spectralFeatures(this.sel, W, A, { fftLength: s.fftLength, hop: s.hop, binLo: s.binLo, binHi: s.binHi, doLog: s.doLog, scale, sos: s.sos }, out);
    }
    return n === imp.featureCount ? out : null;
  }

  /** The int8 input tensor for features: standardised with the descriptor (float32), quantized (saturating). */
  inputTensor(features: Float32Array): Int8Array {
    const x = Float32Array.from(features);
    const norm = this.desc?.normalization;
    if (norm) {
      const N = norm.mean.length;
      for (let i = 0; i < x.length; i++) x[i] = f32(f32(x[i] - norm.mean[i % N]) / norm.std[i % N]);
    }
    if (!this.inputInt8 || !this.imp?.input) return Int8Array.from(x, () => 0);
    const s = f32(this.imp.input.scale);
    const zp = this.imp.input.zeroPoint;
    const q = new Int8Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let r = f32(x[i] / s);
      if (Number.isNaN(r)) continue;
      r = Math.max(-1024, Math.min(1024, r));
      const v = roundHalfAway(r) + zp;
      q[i] = v < -128 ? -128 : v > 127 ? 127 : v;
    }
    return q;
  }

  run(window: Float32Array, axes: number): InferenceResult {
    const interp = this.interp;
    const f = interp ? this.features(window, axes) : null;
    if (!interp || !f) return { labelIndex: 0, scores: [], timingUs: 0 };
    let scores: number[];
    const out = interp.output;
    if (this.inputInt8 && out.type === 'int8') {
      const o = interp.invoke(this.inputTensor(f));
      const s = f32(out.scale);
      scores = Array.from(o.subarray(0, MAX_CLASSES), (v) => f32((v - out.zeroPoint) * s));
    } else {
      const norm = this.desc?.normalization;
      if (norm) {
        const N = norm.mean.length;
        for (let i = 0; i < f.length; i++) f[i] = f32(f32(f[i] - norm.mean[i % N]) / norm.std[i % N]);
      }
      scores = Array.from(interp.invokeFloat(f).subarray(0, MAX_CLASSES));
    }
    this.runs++;
    return { labelIndex: argmax(scores), scores, timingUs: this.timing };
  }
}
