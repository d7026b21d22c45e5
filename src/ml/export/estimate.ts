/**
 * On-device estimates for a TFLite model: flash, tensor arena (planned like TFLite Micro's greedy
 * memory planner), MAC count and latency per target. DOM-free core module.
 *
 * Method:
 * - Flash = the model bytes (exact) + the TFLite Micro runtime (interpreter core plus the kernels
 *   the model uses; figures are rough sizes of reference builds for Cortex-M, stated below).
 * - Arena = activation buffers + persistent runtime data. Each non-constant tensor lives from the
 *   op that writes it (or the start, for the model input) to the last op that reads it (or the end,
 *   for the model output). Buffers are sorted by size, largest first, and each is placed at the
 *   lowest 16-byte-aligned offset where it overlaps no already placed buffer that is alive at the
 *   same time (greedy first-fit, as TFLM's GreedyMemoryPlanner does). Persistent data per tensor,
 *   per op and per channel (quantization multipliers) is added with 32-bit struct sizes, plus a
 *   fixed interpreter overhead; the test compares the total with arena sizes TFLM measured.
 * - MACs: multiply-accumulates of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, plus one per
 *   element read by pooling/MEAN and a few per element for SOFTMAX.
 * - Latency = MACs × cycles per MAC / clock, per target. Cycles per MAC are for int8 kernels with
 *   the vendor-optimized library each target uses with TFLite Micro (CMSIS-NN on Cortex-M4/M7,
 *   ESP-NN on ESP32-S3; the Cortex-M0+ of the RP2040 has no SIMD so it runs near-reference code),
 *   plus a per-op overhead. They are rounded planning figures, not measurements on our models:
 *   treat the result as ±50 %.
 */
import { StudioError } from '../../core/errors.ts';
import { readTflite } from '../tflite/reader.ts';
import { BuiltinOperator, TensorType, tensorTypeSize, type TfliteModel } from '../tflite/schema.ts';

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
  flashBytes: number;
  ramBytes: number;
}

export const TARGETS: Target[] = [
  { id: 'nrf52840', name: 'Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F @ 64 MHz)', clockHz: 64e6, cyclesPerMac: 2.0, cyclesPerOp: 4000, cyclesPerMacFloat: 6, dspCyclesPerValue: 400, flashBytes: 1024 * 1024, ramBytes: 256 * 1024 },
  { id: 'rp2040', name: 'Raspberry Pi Pico (RP2040, Cortex-M0+ @ 133 MHz)', clockHz: 133e6, cyclesPerMac: 9.0, cyclesPerOp: 6000, cyclesPerMacFloat: 60, dspCyclesPerValue: 2500, flashBytes: 2 * 1024 * 1024, ramBytes: 264 * 1024 },
  { id: 'esp32s3', name: 'ESP32-S3 (Xtensa LX7 @ 240 MHz)', clockHz: 240e6, cyclesPerMac: 1.0, cyclesPerOp: 5000, cyclesPerMacFloat: 4, dspCyclesPerValue: 300, flashBytes: 8 * 1024 * 1024, ramBytes: 512 * 1024 },
  { id: 'cortex-m7', name: 'Cortex-M7 @ 480 MHz (e.g. STM32H7, Portenta H7)', clockHz: 480e6, cyclesPerMac: 0.8, cyclesPerOp: 3000, cyclesPerMacFloat: 2, dspCyclesPerValue: 200, flashBytes: 2 * 1024 * 1024, ramBytes: 1024 * 1024 },
];

/** Approximate Cortex-M code size of the TFLite Micro interpreter core and of each kernel, bytes. */
const RUNTIME_CORE_FLASH = 28 * 1024;
const KERNEL_FLASH: Record<number, number> = {
  [BuiltinOperator.FULLY_CONNECTED]: 4 * 1024,
  [BuiltinOperator.CONV_2D]: 6 * 1024,
  [BuiltinOperator.DEPTHWISE_CONV_2D]: 6 * 1024,
  [BuiltinOperator.AVERAGE_POOL_2D]: 2 * 1024,
  [BuiltinOperator.MAX_POOL_2D]: 2 * 1024,
  [BuiltinOperator.MEAN]: 4 * 1024,
  [BuiltinOperator.SOFTMAX]: 3 * 1024,
  [BuiltinOperator.RESHAPE]: 1024,
  [BuiltinOperator.ADD]: 3 * 1024,
  [BuiltinOperator.QUANTIZE]: 2 * 1024,
  [BuiltinOperator.DEQUANTIZE]: 2 * 1024,
};

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
  inferenceMs: number;
  dspMs: number;
  totalMs: number;
  fitsFlash: boolean;
  fitsRam: boolean;
}

export interface DeploymentEstimate {
  modelBytes: number;
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

export interface EstimateOptions {
  /** Raw values in one DSP window (samples × axes), for the DSP time; 0 = no DSP. */
  dspInputValues?: number;
  targets?: Target[];
}

/** Flash, arena, MACs and per-target latency of a `.tflite` model (bytes or parsed). */
export function estimateDeployment(modelOrBytes: Uint8Array | TfliteModel, opts: EstimateOptions = {}): DeploymentEstimate {
  const model = modelOrBytes instanceof Uint8Array ? readTflite(modelOrBytes) : modelOrBytes;
  if (model.subgraphs.length === 0) throw new StudioError({ family: 'model', code: 'tflite-invalid', message: 'The model has no subgraph.', remedy: 'Export the model again.' });
  const modelBytes = modelOrBytes instanceof Uint8Array ? modelOrBytes.length : model.buffers.reduce((s, b) => s + b.length, 0) + 2048;
  const codes = new Set(model.operatorCodes.map((c) => c.builtinCode));
  const runtimeFlashBytes = RUNTIME_CORE_FLASH + [...codes].reduce((s, c) => s + (KERNEL_FLASH[c] ?? 4096), 0);
  const arena = planArena(model);
  const ops = countMacs(model);
  const macs = ops.reduce((s, o) => s + o.macs, 0);
  const sg = model.subgraphs[0];
  const isFloat = sg.tensors[sg.inputs[0]]?.type === TensorType.FLOAT32;
  const targets = (opts.targets ?? TARGETS).map((target) => {
    const cycles = macs * (isFloat ? target.cyclesPerMacFloat : target.cyclesPerMac) + ops.length * target.cyclesPerOp;
    const inferenceMs = (cycles / target.clockHz) * 1000;
    const dspMs = (((opts.dspInputValues ?? 0) * target.dspCyclesPerValue) / target.clockHz) * 1000;
    return {
      target,
      inferenceMs,
      dspMs,
      totalMs: inferenceMs + dspMs,
      fitsFlash: modelBytes + runtimeFlashBytes < target.flashBytes * 0.8,
      fitsRam: arena.totalBytes < target.ramBytes * 0.6,
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
      'Flash: model bytes + TFLM core and kernel sizes. Arena: greedy first-fit plan of tensor lifetimes (as TFLM) + persistent data. ' +
      'Latency: MACs × cycles/MAC of each target’s optimized int8 kernels + per-op overhead; ±50 %.',
  };
}
