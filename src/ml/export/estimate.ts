/**
 * On-device estimates for a TFLite model: flash, tensor arena (planned like TFLite Micro's greedy
 * memory planner), MAC count and latency per target. DOM-free core module.
 *
 * Where each figure comes from (`FigureSource`):
 * - RP2040 (the prebuilt runtime image, public/firmware/tinyml-runtime-rp2040.json):
 *   flash = the linked image's size (`binBytes`: TFLite Micro, runtime core, sketch glue, TinyUSB,
 *   pico-sdk, libc, from the build's linker map) + the model; RAM = the image's data + bss, which
 *   holds its fixed tensor arena (`arenaBytes`) — the model fits when its planned arena fits that
 *   arena; latency = a per-op cycle model (`RP2040_CYCLES`) measured in the rp2040js emulator on the
 *   same image (bench/rp2040-ops.bench.ts: single-op probe models, pairs that differ in one thing)
 *   at the image's clock (125 MHz, the pico-sdk default; the image sets no other). rp2040js counts
 *   its per-instruction cycle figures: no flash wait states or XIP cache misses, no bus contention, so
 *   a real Pico running TFLM from flash is slower (these are lower bounds). DSP time on the board is
 *   not measured (the firmware times only Invoke): it stays a planning figure.
 * - Other targets: planning figures, not measured on our models — flash = the model + the RP2040
 *   build's TFLM + runtime code (the board's core, USB stack and libc come on top), latency =
 *   MACs × rounded cycles per MAC of the vendor-optimized int8 kernels (CMSIS-NN on Cortex-M4/M7,
 *   ESP-NN on ESP32-S3) + per-op overhead; treat as ±50 %.
 * - Arena (all targets) = activation buffers + persistent runtime data. Each non-constant tensor
 *   lives from the op that writes it (or the start, for the model input) to the last op that reads
 *   it (or the end, for the model output). Buffers are sorted by size, largest first, and each is
 *   placed at the lowest 16-byte-aligned offset where it overlaps no already placed buffer that is
 *   alive at the same time (greedy first-fit, as TFLM's GreedyMemoryPlanner does). Persistent data
 *   per tensor, per op and per channel (quantization multipliers) is added with 32-bit struct sizes,
 *   plus a fixed interpreter overhead; the test compares the total with arena sizes TFLM measured.
 * - MACs: multiply-accumulates of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, plus one per
 *   element read by pooling/MEAN and a few per element for SOFTMAX.
 */
import { StudioError } from '../../core/errors.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { readTflite } from '../tflite/reader.ts';
import { continuousPlan, DEFAULT_CONTINUOUS } from './audio-recognizer-cpp.ts';
import { audioDspPlan, audioScratchBytes, audioTableBytes, isAudioBlock, type AudioDspPlan } from './templates/audio-dsp-cpp.ts';
import { BuiltinOperator, TensorType, tensorTypeSize, type TfliteModel } from '../tflite/schema.ts';
import rp2040Image from '../../../public/firmware/tinyml-runtime-rp2040.json' with { type: 'json' };

/** Where a figure comes from, shown next to it on the Deploy step. */
export type FigureSource = 'emulator' | 'linked-image' | 'planning';

export const SOURCE_TEXT: Record<FigureSource, string> = {
  emulator: 'measured in the emulator',
  'linked-image': 'from the linked image',
  planning: 'planning figure, not measured',
};

/**
 * Cycles of one TFLite Micro Invoke on a target, per term of \`costTerms\`. For RP2040 measured in the
 * emulator on the committed image (bench/rp2040-ops.bench.ts prints each figure).
 */
export interface CycleModel {
  /** Interpreter loop. */
  invokeFixed: number;
  /** Per operator (dispatch, kernel prologue; a RESHAPE costs about this). */
  perOp: number;
  fcPerMac: number;
  /** Per FULLY_CONNECTED output (row loop, requantization). */
  fcPerOutput: number;
  convPerMac: number;
  /** Per CONV_2D / DEPTHWISE_CONV_2D output (tap loops, bounds checks, requantization). */
  convPerOutput: number;
  /** Per element read by pooling, MEAN and element-wise ops. */
  perRead: number;
  /** Per SOFTMAX element (int8 exp and reciprocal in fixed point). */
  softmaxPerElement: number;
}

/**
 * The committed RP2040 image's TFLite Micro (reference kernels, -O2, Cortex-M0+) in rp2040js cycles;
 * bench/rp2040-ops.bench.ts on image 8a056988… (2026-12-03). Float models are not measured. Checked
 * against the emulator's Invoke of the three test impulses (bench/rp2040-invoke-cycles.json): flatten
 * −4 %, spectral −4 %, 1-D conv +7 %; unchanged on image 2b2c0381… (firmware 0.3.1, same TFLM objects:
 * −4.3 %, −4.0 %, +6.8 %). SOFTMAX is the least certain term: the int8 kernel skips the
 * exp of outputs far below the maximum, so its cost depends on the data (2.4–2.9 k cycles per element
 * in the probes; one window of a probe took 42 µs less than the others).
 */
export const RP2040_CYCLES: CycleModel = { invokeFixed: 285.6, perOp: 964.4, fcPerMac: 10.97, fcPerOutput: 177.1, convPerMac: 11.14, convPerOutput: 747.9, perRead: 87.62, softmaxPerElement: 2610 };

/** The prebuilt RP2040 runtime image's measured sizes (its build record). */
export const RP2040_IMAGE = {
  /** Flash the linked image takes (whole .bin). */
  imageFlashBytes: rp2040Image.binBytes,
  /** TFLM + runtime core + sketch glue, from the linker map. */
  runtimeFlashBytes: rp2040Image.runtimeFlashBytes,
  tflmFlashBytes: rp2040Image.flashBreakdown.tflm,
  /** Static RAM of the image (data + bss), the tensor arena included. */
  ramBytes: rp2040Image.sizes.data + rp2040Image.sizes.bss,
  arenaBytes: rp2040Image.arenaBytes,
  /** pico-sdk's default system clock for RP2040 (the image sets no other). */
  clockHz: 125e6,
} as const;

export interface Target {
  id: string;
  name: string;
  clockHz: number;
  /** int8 cycles per MAC with the target's optimized kernels. */
  cyclesPerMac: number;
  /** Fixed cycles per operator invocation (setup, requantization loops). */
  cyclesPerOp: number;
  /** float32 cycles per MAC (for the float model). */
  cyclesPerMacFloat: number;
  /** Cycles per input value for DSP feature extraction (spectral: FFT per frame); rough. */
  dspCyclesPerValue: number;
  /** The audio DSP's arithmetic on this target (see `audioDspCost`); planning figures. */
  audio?: AudioCycleCosts;
  flashBytes: number;
  ramBytes: number;
  /** Measured int8 per-op cycle model (RP2040 image); without it cyclesPerMac/cyclesPerOp plan. */
  cycles?: CycleModel;
  /** Set for the prebuilt runtime image: flash and RAM from its linked image. */
  image?: typeof RP2040_IMAGE;
}

export const TARGETS: Target[] = [
  { id: 'nrf52840', name: 'Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F @ 64 MHz)', clockHz: 64e6, cyclesPerMac: 2.0, cyclesPerOp: 4000, cyclesPerMacFloat: 6, dspCyclesPerValue: 400, audio: { doubleOp: 60, floatOp: 3, log: 3000, compare: 25 }, flashBytes: 1024 * 1024, ramBytes: 256 * 1024 },
  { id: 'rp2040', name: 'Raspberry Pi Pico (RP2040, Cortex-M0+ @ 125 MHz, prebuilt runtime image)', clockHz: RP2040_IMAGE.clockHz, cycles: RP2040_CYCLES, image: RP2040_IMAGE, cyclesPerMac: 9.0, cyclesPerOp: 6000, cyclesPerMacFloat: 60, dspCyclesPerValue: 2500, audio: { doubleOp: 70, floatOp: 50, log: 4000, compare: 30 }, flashBytes: 2 * 1024 * 1024, ramBytes: 264 * 1024 },
  { id: 'esp32s3', name: 'ESP32-S3 (Xtensa LX7 @ 240 MHz)', clockHz: 240e6, cyclesPerMac: 1.0, cyclesPerOp: 5000, cyclesPerMacFloat: 4, dspCyclesPerValue: 300, audio: { doubleOp: 50, floatOp: 3, log: 2500, compare: 20 }, flashBytes: 8 * 1024 * 1024, ramBytes: 512 * 1024 },
  { id: 'cortex-m7', name: 'Cortex-M7 @ 480 MHz (e.g. STM32H7, Portenta H7)', clockHz: 480e6, cyclesPerMac: 0.8, cyclesPerOp: 3000, cyclesPerMacFloat: 2, dspCyclesPerValue: 200, audio: { doubleOp: 2, floatOp: 1, log: 150, compare: 2 }, flashBytes: 2 * 1024 * 1024, ramBytes: 1024 * 1024 },
];

/**
 * Cycles of the audio DSP's basic operations on a target (planning figures, not measured on
 * hardware): the kernels compute in float64 as the studio does, which is software arithmetic on
 * Cortex-M4F and ESP32-S3 (single-precision FPUs: libgcc's double routines take some 40–80 cycles
 * an add or multiply with the call) and on Cortex-M0+ (the RP2040's ROM routines), and the
 * double-precision FPU on Cortex-M7. `log` is one C-library log/log10 in float64.
 */
export interface AudioCycleCosts {
  doubleOp: number;
  floatOp: number;
  log: number;
  compare: number;
}

/** Operation counts of an audio block (from its plan: the counts of the kernels' loops). */
export interface AudioOps {
  doubleOps: number;
  floatOps: number;
  logs: number;
  compares: number;
}

export interface AudioDspCost extends AudioOps {
  block: AudioDspPlan['block'];
  /** Frames of a window, and frames computed per window in continuous recognition (the rest are moved from the previous window). */
  frames: number;
  framesPerHop: number;
  /** Hop of the exported sketch (samples): the default 250 ms rounded to whole frame strides. */
  hopSamples: number;
  /** One frame, and the per-window rest (the MFCC's normalisation). */
  perFrame: AudioOps;
  perWindowDoubleOps: number;
  /** Scratch buffers of the kernels + the feature buffer + the sketch's microphone ring (window + 2 hops). */
  ramBytes: number;
  /** Constant tables (twiddles, filterbank, DCT basis, MFE thresholds) + ~4 KB of kernel code. */
  flashBytes: number;
  plan: AudioDspPlan;
}

/** What an audio impulse's DSP costs on the board, or null for other blocks. The AudioOps are one whole window's. */
export function audioDspCost(impulse: Pick<ImpulseConfig, 'windowing' | 'dsp'>): AudioDspCost | null {
  if (!isAudioBlock(impulse.dsp.block)) return null;
  const plan = audioDspPlan(impulse as ImpulseConfig);
  const m = plan.fftLength / 2;
  const n = Math.min(plan.frameLength, plan.fftLength);
  const stages = Math.log2(Math.max(1, m));
  // per frame: pre-emphasis, butterflies (4 mul + 6 add), unpack (≈14), power (4)
  const f: AudioOps = { doubleOps: (plan.block === 'mfe' ? 0 : 2 * n) + (m / 2) * stages * 10 + (m + 1) * 14 + (m + 1) * 4, floatOps: plan.block === 'mfe' ? 4 * n : 0, logs: 0, compares: 0 };
  if (plan.block !== 'spectrogram') f.doubleOps += 2 * plan.filterWeights.length;
  if (plan.block === 'spectrogram') {
    f.logs = m + 1;
    f.doubleOps += 4 * (m + 1);
  } else if (plan.block === 'mfe') {
    f.compares = plan.filters * 9;
    f.floatOps += plan.filters;
  } else {
    f.logs = plan.filters + 1;
    f.doubleOps += m + 1 + 2 * plan.filters * plan.cep;
  }
  const perWindowDoubleOps = plan.block === 'mfcc' && plan.win > 0 ? plan.frames * plan.cep * (5 * plan.win + 8) : 0;
  const cp = continuousPlan(DEFAULT_CONTINUOUS, impulse.windowing.frequencyHz, plan.samples, plan.frameStride);
  // as impulse_audio_features_continuous: frames reading the wrapped start + the frames the hop adds
  const wrapped = Math.ceil((plan.block === 'mfcc' ? plan.preShift : 1) / plan.frameStride);
  const d = cp.hopSamples % plan.frameStride === 0 ? cp.hopSamples / plan.frameStride : plan.frames;
  const framesPerHop = d < plan.frames ? Math.min(plan.frames, d + Math.min(wrapped, plan.frames - d)) : plan.frames;
  return {
    block: plan.block,
    doubleOps: f.doubleOps * plan.frames + perWindowDoubleOps,
    floatOps: f.floatOps * plan.frames,
    logs: f.logs * plan.frames,
    compares: f.compares * plan.frames,
    frames: plan.frames,
    framesPerHop,
    hopSamples: cp.hopSamples,
    perFrame: f,
    perWindowDoubleOps,
    ramBytes: audioScratchBytes(plan) + plan.featureCount * 4 + cp.ringSamples * 2,
    flashBytes: audioTableBytes(plan) + 4096,
    plan,
  };
}

/** Cycles of one window of the audio DSP on a target: a whole window, or (default) a hop of continuous recognition. */
export function audioDspCycles(c: AudioDspCost, t: AudioCycleCosts, mode: 'continuous' | 'full' = 'continuous'): number {
  const frames = mode === 'full' ? c.frames : c.framesPerHop;
  const f = c.perFrame;
  return frames * (f.doubleOps * t.doubleOp + f.floatOps * t.floatOp + f.logs * t.log + f.compares * t.compare) + c.perWindowDoubleOps * t.doubleOp;
}

/** Persistent arena bytes (32-bit MCU struct sizes). */
const ARENA_FIXED = 600; // interpreter, subgraph and allocator bookkeeping
const ARENA_PER_TENSOR = 16; // TfLiteEvalTensor + allocation info
const ARENA_PER_OP = 64; // node, registration pointer, op-data header
const ARENA_PER_CHANNEL = 8; // per-channel multiplier + shift
const ALIGN = 16;

export interface PlannedBuffer {
  tensor: number;
  name: string;
  size: number;
  firstOp: number;
  lastOp: number;
  offset: number;
}

export interface ArenaPlan {
  buffers: PlannedBuffer[];
  /** Bytes of the activation region (peak of the plan). */
  activationBytes: number;
  /** Persistent runtime data estimate. */
  persistentBytes: number;
  /** Total arena estimate. */
  totalBytes: number;
}

export interface OpCost {
  op: string;
  macs: number;
}

export interface TargetEstimate {
  target: Target;
  /** One Invoke. */
  inferenceMs: number;
  /** Invoke cycles at the target's clock. */
  inferenceCycles: number;
  dspMs: number;
  totalMs: number;
  /** Runtime code in flash for this target (the linked image for RP2040) and with the model. */
  runtimeFlashBytes: number;
  flashBytes: number;
  /** Static RAM: the image's data + bss (RP2040, arena included) or the planned arena (others). */
  ramBytes: number;
  fitsFlash: boolean;
  fitsRam: boolean;
  sources: { flash: FigureSource; ram: FigureSource; inference: FigureSource; dsp: FigureSource };
  /** One line per figure: what it is and where it comes from. */
  notes: string[];
}

export interface DeploymentEstimate {
  modelBytes: number;
  /** TFLM + runtime code (the RP2040 build's, from its linker map). */
  runtimeFlashBytes: number;
  flashBytes: number;
  arena: ArenaPlan;
  macs: number;
  ops: OpCost[];
  targets: TargetEstimate[];
  method: string;
}

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Greedy first-fit arena plan over tensor lifetimes. */
export function planArena(model: TfliteModel): ArenaPlan {
  const sg = model.subgraphs[0];
  const nOps = sg.operators.length;
  const isConst = (t: number) => {
    const tt = sg.tensors[t];
    return tt.buffer !== 0 && (model.buffers[tt.buffer]?.length ?? 0) > 0;
  };
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (t: number, i: number) => {
    if (t < 0 || isConst(t)) return;
    if (!first.has(t)) first.set(t, i);
    last.set(t, Math.max(last.get(t) ?? i, i));
  };
  for (const t of sg.inputs) touch(t, 0);
  sg.operators.forEach((op, i) => {
    op.outputs.forEach((t) => touch(t, i));
    op.inputs.forEach((t) => touch(t, i));
  });
  for (const t of sg.outputs) touch(t, Math.max(0, nOps - 1));
  const buffers: PlannedBuffer[] = [...first.keys()].map((t) => {
    const tt = sg.tensors[t];
    const n = tt.shape.reduce((a, b) => a * Math.max(b, 1), 1);
    return { tensor: t, name: tt.name, size: align(n * (tensorTypeSize(tt.type) || 4)), firstOp: first.get(t)!, lastOp: last.get(t)!, offset: 0 };
  });
  const order = [...buffers].sort((a, b) => b.size - a.size || a.firstOp - b.firstOp);
  const placed: PlannedBuffer[] = [];
  for (const b of order) {
    const live = placed.filter((p) => p.firstOp <= b.lastOp && b.firstOp <= p.lastOp).sort((x, y) => x.offset - y.offset);
    let offset = 0;
    for (const p of live) {
      if (offset + b.size <= p.offset) break;
      offset = Math.max(offset, align(p.offset + p.size));
    }
    b.offset = offset;
    placed.push(b);
  }
  const activationBytes = buffers.reduce((m, b) => Math.max(m, b.offset + b.size), 0);
  let channels = 0;
  for (const op of sg.operators) {
    const code = model.operatorCodes[op.opcodeIndex].builtinCode;
    if (code === BuiltinOperator.CONV_2D || code === BuiltinOperator.DEPTHWISE_CONV_2D || code === BuiltinOperator.FULLY_CONNECTED) {
      const out = sg.tensors[op.outputs[0]];
      channels += out.shape[out.shape.length - 1] ?? 0;
    }
  }
  const persistentBytes = ARENA_FIXED + ARENA_PER_TENSOR * sg.tensors.length + ARENA_PER_OP * nOps + ARENA_PER_CHANNEL * channels;
  return { buffers, activationBytes, persistentBytes, totalBytes: align(activationBytes + persistentBytes) };
}

/** MACs per operator. */
export function countMacs(model: TfliteModel): OpCost[] {
  const sg = model.subgraphs[0];
  return sg.operators.map((op) => {
    const code = model.operatorCodes[op.opcodeIndex].builtinCode;
    const shape = (i: number) => (i >= 0 ? sg.tensors[i].shape : []);
    const prod = (s: number[]) => s.reduce((a, b) => a * Math.max(b, 1), 1);
    const out = shape(op.outputs[0]);
    const inp = shape(op.inputs[0]);
    let macs = 0;
    let name = `OP_${code}`;
    switch (code) {
      case BuiltinOperator.FULLY_CONNECTED: {
        const w = shape(op.inputs[1]);
        macs = (prod(out) / out[out.length - 1]) * w[0] * w[1];
        name = 'FULLY_CONNECTED';
        break;
      }
      case BuiltinOperator.CONV_2D: {
        const w = shape(op.inputs[1]);
        macs = prod(out) * w[1] * w[2] * w[3];
        name = 'CONV_2D';
        break;
      }
      case BuiltinOperator.DEPTHWISE_CONV_2D: {
        const w = shape(op.inputs[1]);
        macs = prod(out) * w[1] * w[2];
        name = 'DEPTHWISE_CONV_2D';
        break;
      }
      case BuiltinOperator.AVERAGE_POOL_2D:
      case BuiltinOperator.MAX_POOL_2D: {
        const o = op.options;
        const k = 'filterW' in o ? o.filterW * o.filterH : 1;
        macs = prod(out) * k;
        name = code === BuiltinOperator.MAX_POOL_2D ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D';
        break;
      }
      case BuiltinOperator.MEAN:
        macs = prod(inp);
        name = 'MEAN';
        break;
      case BuiltinOperator.SOFTMAX:
        macs = prod(inp) * 8;
        name = 'SOFTMAX';
        break;
      case BuiltinOperator.ADD:
        macs = prod(out) * 3;
        name = 'ADD';
        break;
      case BuiltinOperator.RESHAPE:
        name = 'RESHAPE';
        break;
      case BuiltinOperator.QUANTIZE:
      case BuiltinOperator.DEQUANTIZE:
        macs = prod(out);
        name = code === BuiltinOperator.QUANTIZE ? 'QUANTIZE' : 'DEQUANTIZE';
        break;
    }
    return { op: name, macs };
  });
}

/** The counts the cycle model multiplies (one Invoke). */
export interface CostTerms {
  ops: number;
  fcMacs: number;
  fcOutputs: number;
  convMacs: number;
  convOutputs: number;
  /** Elements read by pooling, MEAN and element-wise ops (ADD, QUANTIZE, DEQUANTIZE). */
  reads: number;
  softmaxElements: number;
}

/** Counts of one Invoke for the cycle model. */
export function costTerms(model: TfliteModel): CostTerms {
  const sg = model.subgraphs[0];
  const prod = (s: number[]) => s.reduce((a, b) => a * Math.max(b, 1), 1);
  const t: CostTerms = { ops: sg.operators.length, fcMacs: 0, fcOutputs: 0, convMacs: 0, convOutputs: 0, reads: 0, softmaxElements: 0 };
  const macs = countMacs(model);
  sg.operators.forEach((op, i) => {
    const code = model.operatorCodes[op.opcodeIndex].builtinCode;
    const outs = op.outputs[0] >= 0 ? prod(sg.tensors[op.outputs[0]].shape) : 0;
    switch (code) {
      case BuiltinOperator.FULLY_CONNECTED:
        t.fcMacs += macs[i].macs;
        t.fcOutputs += outs;
        break;
      case BuiltinOperator.CONV_2D:
      case BuiltinOperator.DEPTHWISE_CONV_2D:
        t.convMacs += macs[i].macs;
        t.convOutputs += outs;
        break;
      case BuiltinOperator.SOFTMAX:
        t.softmaxElements += outs;
        break;
      default:
        t.reads += macs[i].macs;
    }
  });
  return t;
}

/** Invoke cycles of a cycle model for the given counts. */
export function modelCycles(t: CostTerms, c: CycleModel): number {
  return c.invokeFixed + c.perOp * t.ops + c.fcPerMac * t.fcMacs + c.fcPerOutput * t.fcOutputs + c.convPerMac * t.convMacs + c.convPerOutput * t.convOutputs + c.perRead * t.reads + c.softmaxPerElement * t.softmaxElements;
}

export interface EstimateOptions {
  /** Raw values in one DSP window (samples × axes), for the DSP time; 0 = no DSP. */
  dspInputValues?: number;
  /**
   * The impulse (windowing + DSP). For an audio block (MFE, MFCC, spectrogram) the DSP figures come
   * from `audioDspCost` (time per window, RAM of its buffers and the microphone ring, flash of its
   * tables) instead of `dspInputValues`.
   */
  dsp?: Pick<ImpulseConfig, 'windowing' | 'dsp'>;
  targets?: Target[];
}

const KB = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Flash, arena, MACs and per-target latency of a `.tflite` model (bytes or parsed). */
export function estimateDeployment(modelOrBytes: Uint8Array | TfliteModel, opts: EstimateOptions = {}): DeploymentEstimate {
  const model = modelOrBytes instanceof Uint8Array ? readTflite(modelOrBytes) : modelOrBytes;
  if (model.subgraphs.length === 0) throw new StudioError({ family: 'model', code: 'tflite-invalid', message: 'The model has no subgraph.', remedy: 'Export the model again.' });
  const modelBytes = modelOrBytes instanceof Uint8Array ? modelOrBytes.length : model.buffers.reduce((s, b) => s + b.length, 0) + 2048;
  const runtimeFlashBytes = RP2040_IMAGE.runtimeFlashBytes;
  const arena = planArena(model);
  const ops = countMacs(model);
  const terms = costTerms(model);
  const macs = ops.reduce((s, o) => s + o.macs, 0);
  const sg = model.subgraphs[0];
  const isFloat = sg.tensors[sg.inputs[0]]?.type === TensorType.FLOAT32;
  let audio: AudioDspCost | null = null;
  try {
    audio = opts.dsp ? audioDspCost(opts.dsp) : null;
  } catch {
    audio = null; // settings the blocks refuse: the generic DSP figure (training refuses them anyway)
  }
  const targets = (opts.targets ?? TARGETS).map((target): TargetEstimate => {
    const measured = !isFloat && target.cycles !== undefined;
    const cycles = measured ? modelCycles(terms, target.cycles!) : macs * (isFloat ? target.cyclesPerMacFloat : target.cyclesPerMac) + ops.length * target.cyclesPerOp;
    const inferenceMs = (cycles / target.clockHz) * 1000;
    const audioCosts = target.audio ?? { doubleOp: 60, floatOp: 10, log: 3000, compare: 25 };
    const dspCycles = audio ? audioDspCycles(audio, audioCosts) : (opts.dspInputValues ?? 0) * target.dspCyclesPerValue;
    const dspMs = (dspCycles / target.clockHz) * 1000;
    const img = target.image;
    const rtFlash = img ? img.imageFlashBytes : runtimeFlashBytes;
    const dspFlash = audio && !img ? audio.flashBytes : 0;
    const dspRam = audio && !img ? audio.ramBytes : 0;
    const flashBytes = rtFlash + modelBytes + dspFlash;
    const ramBytes = img ? img.ramBytes : arena.totalBytes + dspRam;
    const audioNote = audio
      ? img
        ? `DSP: the prebuilt runtime image does not run the ${audio.block.toUpperCase()} block (use the Arduino library); if it did, about ${Math.round(dspCycles).toLocaleString('en-US')} cycles per window (planning figure).`
        : `DSP: ${audio.block.toUpperCase()} in float64 as in training, ${Math.round(dspCycles).toLocaleString('en-US')} cycles per window of continuous recognition (${audio.framesPerHop} of ${audio.frames} frames computed, the rest moved from the previous window; ${((audioDspCycles(audio, audioCosts, 'full') / target.clockHz) * 1000).toFixed(0)} ms for a whole window). Planning figure: the kernels' operation counts × ${audioCosts.doubleOp} cycles per double operation, ${audioCosts.log} per log. RAM ${KB(audio.ramBytes)} (buffers, features, microphone ring), flash ${KB(audio.flashBytes)} (tables + code).`
      : null;
    const notes = img
      ? [
          `Flash: runtime image ${KB(img.imageFlashBytes)} (measured, linked image: TFLite Micro ${KB(img.tflmFlashBytes)}, TFLM + runtime ${KB(img.runtimeFlashBytes)}, the rest USB, pico-sdk and libc) + model ${KB(modelBytes)}.`,
          `RAM: the image's data + bss ${KB(img.ramBytes)} (from the linked image), with a fixed ${KB(img.arenaBytes)} tensor arena; the model's planned arena is ${KB(arena.totalBytes)}.`,
          measured
            ? `Inference: ${Math.round(cycles).toLocaleString('en-US')} cycles at ${target.clockHz / 1e6} MHz from per-op cycle counts measured in the rp2040js emulator on this image (no flash wait states or XIP cache misses modelled: a real Pico is slower).`
            : `Inference: float model, planning figure (${target.cyclesPerMacFloat} cycles per MAC), not measured.`,
          audioNote ?? 'DSP: planning figure, not measured (the firmware times only the model).',
        ]
      : [
          `Flash: model ${KB(modelBytes)} + ${KB(runtimeFlashBytes)} of TFLM + runtime code as linked for RP2040 (planning figure: this board's core, USB stack and libc come on top).`,
          `RAM: the planned tensor arena ${KB(arena.totalBytes)}${dspRam ? ` + the audio DSP's ${KB(dspRam)}` : ''} (the sketch's other RAM comes on top).`,
          `Inference: planning figure, not measured (${isFloat ? target.cyclesPerMacFloat : target.cyclesPerMac} cycles per MAC + ${target.cyclesPerOp} per op).`,
          audioNote ?? 'DSP: planning figure, not measured.',
        ];
    return {
      target,
      inferenceMs,
      inferenceCycles: cycles,
      dspMs,
      totalMs: inferenceMs + dspMs,
      runtimeFlashBytes: rtFlash,
      flashBytes,
      ramBytes,
      fitsFlash: flashBytes < target.flashBytes * 0.8,
      fitsRam: img ? arena.totalBytes <= img.arenaBytes && img.ramBytes <= target.ramBytes : arena.totalBytes + dspRam < target.ramBytes * 0.6,
      sources: { flash: img ? 'linked-image' : 'planning', ram: img ? 'linked-image' : 'planning', inference: measured ? 'emulator' : 'planning', dsp: 'planning' },
      notes,
    };
  });
  return {
    modelBytes,
    runtimeFlashBytes,
    flashBytes: modelBytes + runtimeFlashBytes,
    arena,
    macs,
    ops,
    targets,
    method:
      'Arena: greedy first-fit plan of tensor lifetimes (as TFLM) + persistent data. ' +
      'RP2040: flash and RAM from the prebuilt runtime image\'s linker map, int8 latency from per-op cycle counts measured in the rp2040js emulator on that image (a lower bound: no flash wait states or XIP cache misses). ' +
      'Other targets: planning figures (MACs × cycles/MAC of each target\'s optimized int8 kernels + per-op overhead, ±50 %), not measured.' +
      (audio
        ? ` Audio DSP (${audio.block.toUpperCase()}, the Arduino library's float64 kernels): their operation counts per window of continuous recognition (${audio.framesPerHop} of ${audio.frames} frames computed per hop) × each target's planning cost of a float64 operation and a log, not measured.`
        : ''),
  };
}
