/**
 * Payload codecs of every framed-protocol message, both directions. DOM-free core module.
 *
 * Host commands (`encodeX` used by the app, `decodeX` by the device core) and device messages
 * (`encodeX` used by the device core / simulator, `decodeX` by the app). All integers little-endian,
 * strings are u8 length + UTF-8. Layouts are documented in firmware/PROTOCOL.md and must match
 * firmware/src/messages.cpp byte for byte. Decoders throw StudioError code `protocol` on bad payloads.
 */
import { ByteReader, ByteWriter, protocolError } from './bytes.ts';
import { MAX_PAYLOAD, ModelState, SampleFormat } from './ids.ts';
import { SLOT } from '../../core/slot-layout.ts';

// ---------------------------------------------------------------- host -> device

export interface HelloMsg { protocolVersion: number }
export interface SetRateMsg { sensor: number; rateMilliHz: number }
export interface StartStreamMsg { sensor: number; format: SampleFormat; framesPerBatch: number }
export interface SetInferenceMsg { enable: boolean }
export interface ModelBeginMsg { length: number; crc32: number; sequence: number; arenaSize: number }
export interface ModelDataMsg { offset: number; data: Uint8Array }

export const encodeHello = (m: HelloMsg): Uint8Array => new ByteWriter(1).u8(m.protocolVersion).finish();
export function decodeHello(p: Uint8Array): HelloMsg {
  const r = new ByteReader(p, 'HELLO');
  const v = { protocolVersion: r.u8() };
  r.end();
  return v;
}

export const encodeSetRate = (m: SetRateMsg): Uint8Array => new ByteWriter(5).u8(m.sensor).u32(m.rateMilliHz).finish();
export function decodeSetRate(p: Uint8Array): SetRateMsg {
  const r = new ByteReader(p, 'SET_RATE');
  const v = { sensor: r.u8(), rateMilliHz: r.u32() };
  r.end();
  return v;
}

export const encodeStartStream = (m: StartStreamMsg): Uint8Array =>
  new ByteWriter(3).u8(m.sensor).u8(m.format).u8(m.framesPerBatch).finish();
export function decodeStartStream(p: Uint8Array): StartStreamMsg {
  const r = new ByteReader(p, 'START_STREAM');
  const v = { sensor: r.u8(), format: r.u8() as SampleFormat, framesPerBatch: r.u8() };
  r.end();
  return v;
}

export const encodeSetInference = (m: SetInferenceMsg): Uint8Array => new ByteWriter(1).u8(m.enable ? 1 : 0).finish();
export function decodeSetInference(p: Uint8Array): SetInferenceMsg {
  const r = new ByteReader(p, 'SET_INFERENCE');
  const v = { enable: r.u8() !== 0 };
  r.end();
  return v;
}

export const encodeModelBegin = (m: ModelBeginMsg): Uint8Array =>
  new ByteWriter(16).u32(m.length).u32(m.crc32).u32(m.sequence).u32(m.arenaSize).finish();
export function decodeModelBegin(p: Uint8Array): ModelBeginMsg {
  const r = new ByteReader(p, 'MODEL_BEGIN');
  const v = { length: r.u32(), crc32: r.u32(), sequence: r.u32(), arenaSize: r.u32() };
  r.end();
  return v;
}

export function encodeModelData(m: ModelDataMsg): Uint8Array {
  if (m.data.length < 1 || m.data.length > SLOT.MAX_CHUNK) throw new RangeError(`MODEL_DATA chunk of ${m.data.length} bytes`);
  return new ByteWriter(4 + m.data.length).u32(m.offset).bytes(m.data).finish();
}
export function decodeModelData(p: Uint8Array): ModelDataMsg {
  if (p.length < 5 || p.length > 4 + SLOT.MAX_CHUNK) throw protocolError('MODEL_DATA has a bad length');
  const r = new ByteReader(p, 'MODEL_DATA');
  return { offset: r.u32(), data: r.bytes(r.remaining) };
}

/** Messages without payload (STOP_STREAM, GET_INFO, MODEL_END, MODEL_QUERY). */
export const EMPTY = new Uint8Array(0);

// ---------------------------------------------------------------- device -> host

export interface AxisInfo { name: string; units: string }
export interface SensorInfo {
  name: string;
  axes: AxisInfo[];
  /** Rates the sensor can stream at, in milli-hertz (62.5 Hz = 62500). */
  ratesMilliHz: number[];
  currentRateMilliHz: number;
}
export interface ModelSlotInfo {
  state: ModelState;
  sequence: number;
  crc32: number;
  length: number;
  arenaSize: number;
}
export interface InfoMsg {
  protocolVersion: number;
  firmwareVersion: string;
  board: string;
  sensors: SensorInfo[];
  /** Bytes available for a model in the slot. */
  modelCapacity: number;
  /** Largest tensor arena the firmware can give a model. */
  arenaCapacity: number;
  model: ModelSlotInfo;
  maxPayload: number;
}

export function encodeInfo(m: InfoMsg): Uint8Array {
  const w = new ByteWriter(128).u8(m.protocolVersion).str(m.firmwareVersion).str(m.board).u8(m.sensors.length);
  for (const s of m.sensors) {
    w.str(s.name).u8(s.axes.length);
    for (const a of s.axes) w.str(a.name).str(a.units);
    w.u8(s.ratesMilliHz.length);
    for (const r of s.ratesMilliHz) w.u32(r);
    w.u32(s.currentRateMilliHz);
  }
  w.u32(m.modelCapacity).u32(m.arenaCapacity);
  w.u8(m.model.state).u32(m.model.sequence).u32(m.model.crc32).u32(m.model.length).u32(m.model.arenaSize);
  w.u16(m.maxPayload);
  return w.finish();
}

export function decodeInfo(p: Uint8Array): InfoMsg {
  const r = new ByteReader(p, 'INFO');
  const protocolVersion = r.u8();
  const firmwareVersion = r.str();
  const board = r.str();
  const nSensors = r.u8();
  const sensors: SensorInfo[] = [];
  for (let i = 0; i < nSensors; i++) {
    const name = r.str();
    const nAxes = r.u8();
    const axes: AxisInfo[] = [];
    for (let a = 0; a < nAxes; a++) axes.push({ name: r.str(), units: r.str() });
    const nRates = r.u8();
    const ratesMilliHz: number[] = [];
    for (let k = 0; k < nRates; k++) ratesMilliHz.push(r.u32());
    sensors.push({ name, axes, ratesMilliHz, currentRateMilliHz: r.u32() });
  }
  const modelCapacity = r.u32();
  const arenaCapacity = r.u32();
  const model: ModelSlotInfo = {
    state: r.u8() as ModelState, sequence: r.u32(), crc32: r.u32(), length: r.u32(), arenaSize: r.u32(),
  };
  const maxPayload = r.u16();
  r.end();
  return { protocolVersion, firmwareVersion, board, sensors, modelCapacity, arenaCapacity, model, maxPayload };
}

export interface SamplesMsg {
  /** Index (since START_STREAM) of the first frame in this batch. */
  counter: number;
  axes: number;
  frames: number;
  format: SampleFormat;
  /** Per-axis scale for INT16 (value = raw * scale); empty for FLOAT32. */
  scales: number[];
  /** Interleaved values, frames × axes, already scaled. */
  values: Float32Array;
}

/** Encodes a batch. For INT16, `raw` holds the integers and `scales` one factor per axis. */
export function encodeSamples(m: { counter: number; axes: number; format: SampleFormat; scales?: number[]; values: ArrayLike<number> }): Uint8Array {
  const frames = m.axes === 0 ? 0 : Math.floor(m.values.length / m.axes);
  const w = new ByteWriter(8 + m.values.length * 4).u32(m.counter).u8(m.axes).u8(frames).u8(m.format).u8(0);
  if (m.format === SampleFormat.INT16) {
    for (let a = 0; a < m.axes; a++) w.f32(m.scales?.[a] ?? 1);
    for (let i = 0; i < frames * m.axes; i++) w.i16(m.values[i]);
  } else {
    for (let i = 0; i < frames * m.axes; i++) w.f32(m.values[i]);
  }
  return w.finish();
}

export function decodeSamples(p: Uint8Array): SamplesMsg {
  const r = new ByteReader(p, 'SAMPLES');
  const counter = r.u32();
  const axes = r.u8();
  const frames = r.u8();
  const format = r.u8() as SampleFormat;
  r.u8();
  if (axes === 0) throw protocolError('SAMPLES has zero axes');
  const n = axes * frames;
  const values = new Float32Array(n);
  const scales: number[] = [];
  if (format === SampleFormat.FLOAT32) {
    r.need(n * 4);
    for (let i = 0; i < n; i++) values[i] = r.f32();
  } else if (format === SampleFormat.INT16) {
    for (let a = 0; a < axes; a++) scales.push(r.f32());
    r.need(n * 2);
    for (let i = 0; i < n; i++) values[i] = r.i16() * scales[i % axes];
  } else {
    throw protocolError(`SAMPLES has unknown format ${format}`);
  }
  r.end();
  return { counter, axes, frames, format, scales, values };
}

/** Largest frame count per SAMPLES batch for an axis count and format. */
export function maxFramesPerBatch(axes: number, format: SampleFormat): number {
  const per = format === SampleFormat.INT16 ? 2 : 4;
  const head = 8 + (format === SampleFormat.INT16 ? 4 * axes : 0);
  return Math.max(0, Math.min(255, Math.floor((MAX_PAYLOAD - head) / (per * Math.max(1, axes)))));
}

export interface LogMsg { level: number; text: string }
export const encodeLog = (m: LogMsg): Uint8Array => new ByteWriter(1 + m.text.length).u8(m.level).rest(m.text, MAX_PAYLOAD - 1).finish();
export function decodeLog(p: Uint8Array): LogMsg {
  const r = new ByteReader(p, 'LOG');
  return { level: r.u8(), text: r.restString() };
}

export interface AckMsg { ackType: number; ackSeq: number; value: number }
export const encodeAck = (m: AckMsg): Uint8Array => new ByteWriter(6).u8(m.ackType).u8(m.ackSeq).u32(m.value).finish();
export function decodeAck(p: Uint8Array): AckMsg {
  const r = new ByteReader(p, 'ACK');
  const v = { ackType: r.u8(), ackSeq: r.u8(), value: r.u32() };
  r.end();
  return v;
}

export interface NackMsg { ackType: number; ackSeq: number; code: number; value: number }
export const encodeNack = (m: NackMsg): Uint8Array =>
  new ByteWriter(7).u8(m.ackType).u8(m.ackSeq).u8(m.code).u32(m.value).finish();
export function decodeNack(p: Uint8Array): NackMsg {
  const r = new ByteReader(p, 'NACK');
  const v = { ackType: r.u8(), ackSeq: r.u8(), code: r.u8(), value: r.u32() };
  r.end();
  return v;
}

export interface ModelStatusMsg { state: ModelState; sequence: number; length: number; crc32: number; received: number }
export const encodeModelStatus = (m: ModelStatusMsg): Uint8Array =>
  new ByteWriter(17).u8(m.state).u32(m.sequence).u32(m.length).u32(m.crc32).u32(m.received).finish();
export function decodeModelStatus(p: Uint8Array): ModelStatusMsg {
  const r = new ByteReader(p, 'MODEL_STATUS');
  const v = { state: r.u8() as ModelState, sequence: r.u32(), length: r.u32(), crc32: r.u32(), received: r.u32() };
  r.end();
  return v;
}

export interface InferenceMsg {
  /** Time the model took on the device, microseconds. */
  timingUs: number;
  labelIndex: number;
  format: SampleFormat;
  /** Scores as 0..1 (INT8 format: (q + 128) / 256). */
  scores: number[];
}
export function encodeInference(m: InferenceMsg & { rawScores?: number[] }): Uint8Array {
  const w = new ByteWriter(8 + m.scores.length * 4).u32(m.timingUs).u8(m.labelIndex).u8(m.format).u8(m.scores.length);
  if (m.format === SampleFormat.FLOAT32) for (const s of m.scores) w.f32(s);
  else for (const s of m.rawScores ?? m.scores.map((x) => Math.max(-128, Math.min(127, Math.round(x * 256 - 128))))) w.u8(s & 0xff);
  return w.finish();
}
export function decodeInference(p: Uint8Array): InferenceMsg {
  const r = new ByteReader(p, 'INFERENCE');
  const timingUs = r.u32();
  const labelIndex = r.u8();
  const format = r.u8() as SampleFormat;
  const n = r.u8();
  const scores: number[] = [];
  if (format === SampleFormat.FLOAT32) for (let i = 0; i < n; i++) scores.push(r.f32());
  else if (format === SampleFormat.INT8) for (let i = 0; i < n; i++) scores.push((r.i8() + 128) / 256);
  else throw protocolError(`INFERENCE has unknown score format ${format}`);
  r.end();
  if (n > 0 && labelIndex >= n) throw protocolError('INFERENCE label index out of range');
  return { timingUs, labelIndex, format, scores };
}

export { ModelState, SampleFormat };
