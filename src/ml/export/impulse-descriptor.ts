/**
 * The impulse descriptor: a compact binary description of the impulse's windowing, DSP settings,
 * input/output quantization and labels, stored in the runtime firmware's model slot next to the
 * model (src/device/protocol/model-slot.ts `buildSlotPayload`), so the board runs the same DSP and
 * input standardisation as the app before TFLite Micro. firmware/src/impulse_descriptor.cpp decodes it. DOM-free core module.
 *
 * Layout (little-endian; numbers in firmware/protocol/spec.json `slot.descriptor*`):
 *   0  u32 magic "TMLI"          4  u16 version (2)       6  u16 header size (64)
 *   8  u32 total length, CRC included
 *  12  u8  block (0 raw, 1 flatten, 2 spectral)           13 u8  axis count
 *  14  u16 window frames        16 u16 stride frames     18 u16 feature count
 *  20  f32 sample rate Hz       24 f32 scale-axes
 *  28  f32 input scale          32 i32 input zero point
 *  36  f32 output scale         40 i32 output zero point
 *  44  u8  input type (0 float32, 1 int8)                 45 u8  label count
 *  46  u8  flatten statistics mask (bit i = FLATTEN_STATS[i])
 *  47  u8  spectral flags (bit 0 do-log, bit 1 FFT overlap)
 *  48  u16 FFT length   50 u16 hop   52 u16 first kept bin   54 u16 last kept bin (inclusive)
 *  56  u8  filter type (0 none, 1 low, 2 high)   57 u8 filter order   58 u8 SOS count   59 u8 0
 *  60  f32 filter cut-off Hz
 *  64  SOS count × 5 f32 {b0, b1, b2, a1, a2} (float32 Butterworth sections, `spectralFilterSos` of
 *      templates/dsp-cpp.ts, the design the Arduino library's DSP uses)
 *      axis names (u8 length + UTF-8 each), labels (u8 length + UTF-8 each)
 *      u16 N standardisation entries (0: none; else N divides the feature count), N f32 means,
 *      N f32 stds: the model input is (feature[i] − mean[i mod N]) / std[i mod N] (float32)
 *  end u32 CRC-32 over everything before it
 */
import { StudioError, type ErrorCode } from '../../core/errors.ts';
import type { ImpulseConfig, InputNormalization, QuantParams } from '../../core/impulse.ts';
import { crc32 } from '../../core/crc.ts';
import { SLOT } from '../../core/slot-layout.ts';
import { resolveParams } from '../../dsp/block.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import { strideFrames, windowFrames } from '../../dsp/windowing.ts';
import { channelPeriod, checkNormalization } from '../models/input-normalization.ts';
import { roundHalfAway } from '../tflite/fixed-point.ts';
import { flattenStatsMask, spectralCppParams, spectralFeaturesPerAxis, spectralFilterSos } from './templates/dsp-cpp.ts';

export type DescriptorBlock = 'raw' | 'flatten' | 'spectral';
export type FilterType = 'none' | 'low' | 'high';

export interface SpectralDescriptor {
  fftLength: number;
  hop: number;
  binLo: number;
  binHi: number;
  doLog: boolean;
  overlap: boolean;
  filterType: FilterType;
  filterOrder: number;
  filterCutoff: number;
  /** Float32 sections normalised by a0: [b0, b1, b2, a1, a2]. */
  sos: number[][];
}

export interface ImpulseDescriptor {
  block: DescriptorBlock;
  axes: string[];
  windowFrames: number;
  strideFrames: number;
  featureCount: number;
  frequencyHz: number;
  scale: number;
  inputType: 'float32' | 'int8';
  input: QuantParams;
  output: QuantParams;
  labels: string[];
  /** Flatten statistics mask (0 for other blocks). */
  flattenStats: number;
  spectral: SpectralDescriptor | null;
  /**
   * Input standardisation, float32, entry i mod length for feature i (the shortest period of the
   * impulse's per-feature arrays); null when the model takes raw features.
   */
  normalization: InputNormalization | null;
}

/** Limits the firmware decoder holds (firmware/src/impulse_descriptor.h). */
export const DESCRIPTOR_LIMITS = { axes: 9, labels: 16, nameBytes: 31, sosSections: 8, normalization: 4096, bytes: 2048 + 2 + 8 * 4096 } as const;

const BLOCK_IDS: Record<DescriptorBlock, number> = { raw: 0, flatten: 1, spectral: 2 };
const FILTER_IDS: Record<FilterType, number> = { none: 0, low: 1, high: 2 };

function descriptorError(code: ErrorCode<'model'>, message: string, remedy: string): StudioError {
  return new StudioError({ family: 'model', code, message, remedy });
}

/** The descriptor of an impulse (validated with its DSP block); quantization from opts or the impulse. */
export function describeImpulse(impulse: ImpulseConfig, opts: { input?: QuantParams; output?: QuantParams; normalization?: InputNormalization | null } = {}): ImpulseDescriptor {
  const id = impulse.dsp.block;
  if (id !== 'raw' && id !== 'flatten' && id !== 'spectral') {
    throw descriptorError('descriptor-unsupported-block', `The runtime firmware cannot run the ${id} DSP block on the board.`, 'Use the raw, flatten or spectral block for on-device classification.');
  }
  const block = getDspBlock(id);
  const ctx = dspContext(impulse);
  block.validate(ctx);
  const dim = block.createRunner(ctx).dim;
  const p = resolveParams(block.params, impulse.dsp.params);
  const fs = impulse.windowing.frequencyHz;
  let spectral: SpectralDescriptor | null = null;
  if (id === 'spectral') {
    const filterType = p['filter-type'] as FilterType;
    const filterOrder = p['filter-order'] as number;
    const filterCutoff = p['filter-cutoff'] as number;
    // The one filter design of the exports (the Arduino library's DSP uses the same sections).
    const s = spectralCppParams(p, fs, spectralFilterSos(impulse.dsp.params, fs));
    const sos = s.sos.map((r) => r.map((v) => Math.fround(v)));
    if (ctx.axesCount * spectralFeaturesPerAxis(s) !== dim) {
      throw descriptorError('descriptor-mismatch', 'The on-device spectral settings give a different feature count than the app.', 'Report this as a bug.');
    }
    spectral = {
      fftLength: s.fftLength, hop: s.hop, binLo: s.binLo, binHi: s.binHi, doLog: s.doLog,
      overlap: p['do-fft-overlap'] as boolean, filterType, filterOrder, filterCutoff, sos,
    };
  }
  const q = { input: opts.input ?? impulse.quantization?.input, output: opts.output ?? impulse.quantization?.output };
  const norm = opts.normalization === undefined ? impulse.normalization : opts.normalization;
  let normalization: InputNormalization | null = null;
  if (norm) {
    checkNormalization(norm, dim);
    const p = channelPeriod(norm);
    normalization = { mean: norm.mean.slice(0, p).map(Math.fround), std: norm.std.slice(0, p).map(Math.fround) };
  }
  return {
    block: id,
    axes: impulse.windowing.axes.slice(),
    windowFrames: windowFrames(impulse.windowing),
    strideFrames: Math.max(1, Math.round(strideFrames(impulse.windowing))),
    featureCount: dim,
    frequencyHz: fs,
    scale: p['scale-axes'] as number,
    inputType: q.input ? 'int8' : 'float32',
    input: q.input ?? { scale: 0, zeroPoint: 0 },
    output: q.output ?? { scale: 0, zeroPoint: 0 },
    labels: impulse.labels.slice(),
    flattenStats: id === 'flatten' ? flattenStatsMask(p) : 0,
    spectral,
    normalization,
  };
}

function checkRange(what: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw descriptorError('descriptor-range', `The impulse's ${what} (${v}) does not fit the on-device descriptor (${lo}…${hi}).`, 'Choose smaller windowing or DSP settings for on-device use.');
  }
}

function nameBytes(what: string, s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  if (b.length > DESCRIPTOR_LIMITS.nameBytes) {
    throw descriptorError('descriptor-range', `The ${what} "${s}" is longer than ${DESCRIPTOR_LIMITS.nameBytes} bytes.`, `Rename it to at most ${DESCRIPTOR_LIMITS.nameBytes} characters.`);
  }
  return b;
}

/** Binary descriptor bytes (layout in the module comment). */
export function encodeImpulseDescriptor(d: ImpulseDescriptor): Uint8Array {
  checkRange('axis count', d.axes.length, 1, DESCRIPTOR_LIMITS.axes);
  checkRange('label count', d.labels.length, 0, DESCRIPTOR_LIMITS.labels);
  checkRange('window length in frames', d.windowFrames, 1, 0xffff);
  checkRange('stride in frames', d.strideFrames, 1, 0xffff);
  checkRange('feature count', d.featureCount, 1, 0xffff);
  const sp = d.spectral;
  const sos = sp?.sos ?? [];
  checkRange('filter section count', sos.length, 0, DESCRIPTOR_LIMITS.sosSections);
  const strings = [...d.axes.map((a) => nameBytes('axis name', a)), ...d.labels.map((l) => nameBytes('label', l))];
  const norm = d.normalization;
  const nNorm = norm ? norm.mean.length : 0;
  if (norm) {
    checkRange('standardisation length', nNorm, 1, Math.min(DESCRIPTOR_LIMITS.normalization, d.featureCount));
    if (d.featureCount % nNorm !== 0 || norm.std.length !== nNorm) throw descriptorError('descriptor-range', `A standardisation of ${nNorm} entries does not fit ${d.featureCount} features.`, 'Export the model again.');
    checkNormalization({ mean: norm.mean, std: norm.std }, nNorm);
  }
  const total = SLOT.DESCRIPTOR_HEADER_SIZE + sos.length * 20 + strings.reduce((s, b) => s + 1 + b.length, 0) + 2 + 8 * nNorm + 4;
  checkRange('descriptor size', total, 0, DESCRIPTOR_LIMITS.bytes);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, SLOT.DESCRIPTOR_MAGIC, true);
  v.setUint16(4, SLOT.DESCRIPTOR_VERSION, true);
  v.setUint16(6, SLOT.DESCRIPTOR_HEADER_SIZE, true);
  v.setUint32(8, total, true);
  v.setUint8(12, BLOCK_IDS[d.block]);
  v.setUint8(13, d.axes.length);
  v.setUint16(14, d.windowFrames, true);
  v.setUint16(16, d.strideFrames, true);
  v.setUint16(18, d.featureCount, true);
  v.setFloat32(20, d.frequencyHz, true);
  v.setFloat32(24, d.scale, true);
  v.setFloat32(28, d.input.scale, true);
  v.setInt32(32, d.input.zeroPoint, true);
  v.setFloat32(36, d.output.scale, true);
  v.setInt32(40, d.output.zeroPoint, true);
  v.setUint8(44, d.inputType === 'int8' ? 1 : 0);
  v.setUint8(45, d.labels.length);
  v.setUint8(46, d.flattenStats & 0xff);
  if (sp) {
    v.setUint8(47, (sp.doLog ? 1 : 0) | (sp.overlap ? 2 : 0));
    v.setUint16(48, sp.fftLength, true);
    v.setUint16(50, sp.hop, true);
    v.setUint16(52, sp.binLo, true);
    v.setUint16(54, sp.binHi, true);
    v.setUint8(56, FILTER_IDS[sp.filterType]);
    v.setUint8(57, sp.filterOrder);
    v.setUint8(58, sos.length);
    v.setFloat32(60, sp.filterCutoff, true);
  }
  let o = SLOT.DESCRIPTOR_HEADER_SIZE;
  for (const row of sos) {
    if (row.length !== 5) throw descriptorError('descriptor-range', 'A filter section does not have 5 coefficients.', 'Report this as a bug.');
    for (const c of row) {
      v.setFloat32(o, c, true);
      o += 4;
    }
  }
  for (const b of strings) {
    out[o++] = b.length;
    out.set(b, o);
    o += b.length;
  }
  v.setUint16(o, nNorm, true);
  o += 2;
  for (const arr of norm ? [norm.mean, norm.std] : []) {
    for (const x of arr) {
      v.setFloat32(o, x, true);
      o += 4;
    }
  }
  v.setUint32(o, crc32(out, 0, o), true);
  return out;
}

function bad(message: string): StudioError {
  return descriptorError('bad-descriptor', `The impulse descriptor is damaged: ${message}.`, 'Deploy the model again from the studio.');
}

/**
 * The header field checks of firmware/src/impulse_descriptor.cpp (`decode`), in its order and with its
 * reasons: a descriptor the board would refuse is refused here too.
 */
function checkHeader(v: DataView, block: DescriptorBlock): void {
  const f32 = (o: number) => v.getFloat32(o, true);
  if (v.getUint16(14, true) < 1 || v.getUint16(16, true) < 1 || v.getUint16(18, true) < 1) throw bad('window or feature count out of range');
  const inputInt8 = v.getUint8(44) === 1;
  const inScale = f32(28);
  if (inputInt8 && !(inScale > 0 && Number.isFinite(inScale))) throw bad(`input scale ${inScale} out of range`);
  const zp = (o: number, what: string) => {
    const z = v.getInt32(o, true);
    if (z < -128 || z > 127) throw bad(`${what} zero point ${z} out of range (−128…127)`);
  };
  zp(32, 'input');
  zp(40, 'output');
  const outScale = f32(36);
  if (!Number.isFinite(outScale) || outScale < 0) throw bad(`output scale ${outScale} out of range`);
  const hz = f32(20);
  if (!(hz > 0 && hz <= 1e6)) throw bad(`sample rate ${hz} Hz out of range`);
  if (!Number.isFinite(f32(24))) throw bad('scale-axes is not a finite number');
  if (block === 'spectral') {
    const n = v.getUint16(48, true);
    if (n < 4 || n > 4096 || (n & (n - 1)) !== 0) throw bad(`FFT length ${n} out of range`);
    const hop = v.getUint16(50, true);
    const lo = v.getUint16(52, true);
    const hi = v.getUint16(54, true);
    if (hop < 1 || lo < 1 || hi < lo || hi > n / 2) throw bad('FFT bins out of range');
  }
  if (block === 'flatten' && v.getUint8(46) === 0) throw bad('no flatten statistic');
}

/** Parses descriptor bytes; a clear StudioError (never a crash) on anything malformed. */
export function decodeImpulseDescriptor(b: Uint8Array): ImpulseDescriptor {
  if (b.length < SLOT.DESCRIPTOR_HEADER_SIZE + 4) throw bad(`${b.length} bytes is too short`);
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  if (v.getUint32(0, true) !== SLOT.DESCRIPTOR_MAGIC) throw bad('wrong magic');
  if (v.getUint16(4, true) !== SLOT.DESCRIPTOR_VERSION) throw bad(`unknown version ${v.getUint16(4, true)}`);
  if (v.getUint16(6, true) !== SLOT.DESCRIPTOR_HEADER_SIZE) throw bad('wrong header size');
  const total = v.getUint32(8, true);
  if (total > b.length || total < SLOT.DESCRIPTOR_HEADER_SIZE + 4) throw bad(`length ${total} does not fit ${b.length} bytes`);
  if (v.getUint32(total - 4, true) !== crc32(b, 0, total - 4)) throw bad('CRC mismatch');
  const blockId = v.getUint8(12);
  const block = (Object.keys(BLOCK_IDS) as DescriptorBlock[]).find((k) => BLOCK_IDS[k] === blockId);
  if (!block) throw bad(`unknown block ${blockId}`);
  const axesCount = v.getUint8(13);
  const labelCount = v.getUint8(45);
  const sosCount = v.getUint8(58);
  if (axesCount < 1 || axesCount > DESCRIPTOR_LIMITS.axes || labelCount > DESCRIPTOR_LIMITS.labels || sosCount > DESCRIPTOR_LIMITS.sosSections) throw bad('counts out of range');
  checkHeader(v, block);
  let o = SLOT.DESCRIPTOR_HEADER_SIZE;
  const end = total - 4;
  const sos: number[][] = [];
  for (let s = 0; s < sosCount; s++) {
    if (o + 20 > end) throw bad('filter sections cut off');
    sos.push([0, 1, 2, 3, 4].map((k) => v.getFloat32(o + 4 * k, true)));
    o += 20;
  }
  const dec = new TextDecoder();
  const readStr = (): string => {
    if (o >= end || o + 1 + b[o] > end) throw bad('names cut off');
    if (b[o] > DESCRIPTOR_LIMITS.nameBytes) throw bad('name too long');
    const s = dec.decode(b.subarray(o + 1, o + 1 + b[o]));
    o += 1 + b[o];
    return s;
  };
  const axes = Array.from({ length: axesCount }, readStr);
  const labels = Array.from({ length: labelCount }, readStr);
  if (o + 2 > end) throw bad('standardisation cut off');
  const nNorm = v.getUint16(o, true);
  o += 2;
  const featureCount = v.getUint16(18, true);
  if (o + 8 * nNorm !== end) throw bad('standardisation length does not match the descriptor length');
  if (nNorm > 0 && (nNorm > DESCRIPTOR_LIMITS.normalization || featureCount % nNorm !== 0)) throw bad(`${nNorm} standardisation entries for ${featureCount} features`);
  const mean = Array.from({ length: nNorm }, (_, i) => v.getFloat32(o + 4 * i, true));
  const std = Array.from({ length: nNorm }, (_, i) => v.getFloat32(o + 4 * (nNorm + i), true));
  if (mean.some((x) => !Number.isFinite(x)) || std.some((x) => !(x > 0) || !Number.isFinite(x))) throw bad('standardisation value out of range');
  const filterId = v.getUint8(56);
  const filterType = (Object.keys(FILTER_IDS) as FilterType[]).find((k) => FILTER_IDS[k] === filterId);
  if (!filterType) throw bad(`unknown filter type ${filterId}`);
  const flags = v.getUint8(47);
  return {
    block,
    axes,
    windowFrames: v.getUint16(14, true),
    strideFrames: v.getUint16(16, true),
    featureCount,
    frequencyHz: v.getFloat32(20, true),
    scale: v.getFloat32(24, true),
    inputType: v.getUint8(44) === 1 ? 'int8' : 'float32',
    input: { scale: v.getFloat32(28, true), zeroPoint: v.getInt32(32, true) },
    output: { scale: v.getFloat32(36, true), zeroPoint: v.getInt32(40, true) },
    labels,
    flattenStats: v.getUint8(46),
    spectral:
      block === 'spectral'
        ? {
            fftLength: v.getUint16(48, true), hop: v.getUint16(50, true), binLo: v.getUint16(52, true), binHi: v.getUint16(54, true),
            doLog: (flags & 1) !== 0, overlap: (flags & 2) !== 0, filterType, filterOrder: v.getUint8(57),
            filterCutoff: v.getFloat32(60, true), sos,
          }
        : null,
    normalization: nNorm ? { mean, std } : null,
  };
}

/** describeImpulse + encodeImpulseDescriptor. */
export function makeImpulseDescriptor(impulse: ImpulseConfig, opts: { input?: QuantParams; output?: QuantParams; normalization?: InputNormalization | null } = {}): Uint8Array {
  return encodeImpulseDescriptor(describeImpulse(impulse, opts));
}

/** Features → int8 input tensor exactly as the TFLite interpreter (and the firmware) quantizes them. */
export function quantizeFeatures(features: ArrayLike<number>, q: QuantParams): Int8Array {
  const s = Math.fround(q.scale);
  const out = new Int8Array(features.length);
  for (let i = 0; i < features.length; i++) {
    const v = roundHalfAway(Math.fround(Math.fround(features[i]) / s)) + q.zeroPoint;
    out[i] = v < -128 ? -128 : v > 127 ? 127 : v;
  }
  return out;
}
