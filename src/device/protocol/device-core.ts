/**
 * Device side of the framed protocol: the runtime firmware's state machine in TypeScript.
 * DOM-free core module.
 *
 * It mirrors firmware/src/device_core.cpp decision for decision, so the simulated board answers byte
 * for byte like a real board (host-interop.test.ts checks both against the same input). Feed host bytes
 * to `receive`, call `tick(nowUs)` from a clock; frames to the host go to `send`.
 * Model upload writes into a NOR `FlashMemory` holding the model slot (see model-slot.ts): data first,
 * the slot header last, after the CRC over flash matched.
 */
import { crc32 } from '../../core/crc.ts';
import { StudioError } from '../../core/errors.ts';
import { encodeFrame, FrameDecoder } from './frame.ts';
import { MAX_PAYLOAD, ModelState, MsgType, NackCode, SampleFormat, LogLevel, PROTOCOL_VERSION } from './ids.ts';
import { SLOT } from '../../core/slot-layout.ts';
import {
  decodeHello, decodeModelBegin, decodeModelData, decodeSetInference, decodeSetRate, decodeStartStream,
  encodeAck, encodeInfo, encodeInference, encodeLog, encodeModelStatus, encodeNack, encodeSamples,
  maxFramesPerBatch, type InfoMsg, type ModelBeginMsg, type SensorInfo,
} from './messages.ts';
import { decodeSlotRecord, encodeSlotRecord, slotCapacity, type FlashMemory, type SlotRecord } from './model-slot.ts';

export interface DeviceSensor {
  /** Name, axes, available rates (mHz) and the rate at boot. */
  info: SensorInfo;
  /** For INT16 streams: raw = floor(value * perUnit + 0.5), sent scale = 1 / perUnit. One per axis. */
  int16PerUnit: number[];
  /** Fills `out` (one value per axis) with frame `index` since the sampler started. */
  read(index: number, out: Float32Array): void;
}

export interface InferenceResult { labelIndex: number; scores: number[]; timingUs: number }

/** The model runner (TFLite Micro on a board, a fake in the simulator). */
export interface InferenceHook {
  /**
   * Prepares a verified slot payload (model, or model + impulse descriptor) like the firmware's hook:
   * false = it cannot run it (logged by the runner), SET_INFERENCE then answers NO_MODEL. Absent: always
   * true. `windowFrames`, `strideFrames` and `sampleRateMilliHz` are read after it.
   */
  load?(payload: Uint8Array): boolean;
  unload?(): void;
  windowFrames: number;
  strideFrames: number;
  /** Sampling rate (mHz) the loaded impulse was trained at (its descriptor); 0 or absent: none known. */
  sampleRateMilliHz?: number;
  /** Called with the last `windowFrames` frames (interleaved, oldest first) of sensor 0. */
  run(window: Float32Array, axes: number, model: Uint8Array): InferenceResult;
}

export interface DeviceCoreOptions {
  board: string;
  firmwareVersion: string;
  sensors: DeviceSensor[];
  /** The model slot region. */
  flash: FlashMemory;
  arenaCapacity: number;
  inference?: InferenceHook;
  /** Receives every byte the device sends. */
  send: (bytes: Uint8Array) => void;
}

/** Frames produced at most per tick; older due frames are skipped (the host sees a counter gap). */
export const MAX_CATCHUP_FRAMES = 1000;
/** Values (frames × axes) one SAMPLES batch can hold on the device (firmware `batch_`). */
export const BATCH_VALUES = 512;
/** Inference window values the device holds (firmware `ring_`). */
export const MAX_WINDOW_VALUES = 4096;
/** An impulse's rate matches an offered sensor rate when they differ by at most this percentage. */
export const RATE_TOLERANCE_PERCENT = 1;

/** Frames per batch START_STREAM accepts: the payload limit, and no more than the device's batch holds. */
export function maxStreamFrames(axes: number, format: SampleFormat): number {
  return Math.min(maxFramesPerBatch(axes, format), Math.floor(BATCH_VALUES / Math.max(1, axes)));
}

/** The offered rate (mHz) nearest to `rate` within RATE_TOLERANCE_PERCENT, or 0 (firmware `matching_rate`). */
export function matchingRate(ratesMilliHz: readonly number[], rate: number): number {
  let best = 0;
  let bestDiff = 0;
  for (const r of ratesMilliHz) {
    const diff = Math.abs(r - rate);
    if (diff * 100 > rate * RATE_TOLERANCE_PERCENT) continue;
    if (best === 0 || diff < bestDiff) {
      best = r;
      bestDiff = diff;
    }
  }
  return best;
}

/** mHz as the firmware writes Hz in LOG texts: "62.5", "104", "0.001". */
export function formatHz(mhz: number): string {
  const i = Math.floor(mhz / 1000);
  const f = mhz % 1000;
  return f ? `${i}.${String(f).padStart(3, '0').replace(/0+$/, '')}` : String(i);
}

export class DeviceCore {
  private readonly decoder = new FrameDecoder();
  private seqOut = 0;
  private readonly rates: number[];
  // sampler
  private sampling = false;
  private startPending = false;
  private t0 = 0;
  private k = 0;
  private readonly frame: Float32Array;
  // stream
  private streaming = false;
  private streamSensor = 0;
  private streamFormat: SampleFormat = SampleFormat.FLOAT32;
  private fpb = 1;
  private batch: number[] = [];
  private batchStart = 0;
  // model slot
  private modelState: ModelState = ModelState.EMPTY;
  private header: SlotRecord | null = null;
  private pending: SlotRecord | null = null;
  private received = 0;
  private flushed = 0;
  private marked = 0;
  private page: Uint8Array;
  private uploadSession = false;
  /** Slot bytes [0, erasedEnd) erased for the upload in progress (payload sectors are erased as data arrives). */
  private erasedEnd = 0;
  // inference
  private inferring = false;
  private ring: Float32Array = new Float32Array(0);
  private ringFill = 0;
  private sinceRun = 0;
  private model: Uint8Array | null = null;
  private modelLoaded = false;

  constructor(private readonly o: DeviceCoreOptions) {
    this.rates = o.sensors.map((s) => s.info.currentRateMilliHz);
    this.frame = new Float32Array(Math.max(1, ...o.sensors.map((s) => s.info.axes.length)));
    this.page = new Uint8Array(o.flash.programUnit);
    this.boot();
  }

  /** Frame errors seen on the input (CRC, COBS, length, overflow). */
  get rxErrors(): number {
    return this.decoder.stats.errors;
  }

  get state(): { modelState: ModelState; received: number; streaming: boolean; inferring: boolean } {
    return { modelState: this.modelState, received: this.received, streaming: this.streaming, inferring: this.inferring };
  }

  /** Reads the slot like the firmware at power-up. */
  private boot(): void {
    const f = this.o.flash;
    const meta = f.read(0, 2 * SLOT.HEADER_SIZE);
    const h = decodeSlotRecord(meta.subarray(0, SLOT.HEADER_SIZE), SLOT.HEADER_MAGIC);
    const p = decodeSlotRecord(meta.subarray(SLOT.PENDING_OFFSET), SLOT.PENDING_MAGIC);
    const cap = slotCapacity(f.size);
    this.header = null;
    this.pending = null;
    this.model = null;
    this.modelLoaded = false;
    this.modelState = ModelState.EMPTY;
    this.received = this.flushed = this.marked = 0;
    if (h && h.length > 0 && h.length <= cap && crc32(f.read(SLOT.DATA_OFFSET, h.length)) === h.crc32) {
      this.header = h;
      this.modelState = ModelState.VALID;
      this.model = f.read(SLOT.DATA_OFFSET, h.length);
      this.loadModel();
      return;
    }
    if (p && p.length > 0 && p.length <= cap) {
      this.pending = p;
      this.modelState = ModelState.RECEIVING;
      const blocks = Math.ceil(p.length / SLOT.PROGRESS_BLOCK);
      const prog = f.read(SLOT.PROGRESS_OFFSET, 4 * blocks);
      let done = 0;
      while (done < blocks && prog[4 * done] === 0 && prog[4 * done + 1] === 0 && prog[4 * done + 2] === 0 && prog[4 * done + 3] === 0) done++;
      this.marked = done;
      this.received = this.flushed = Math.min(p.length, done * SLOT.PROGRESS_BLOCK);
      // the sector holding `flushed` was erased before its first page was programmed
      this.erasedEnd = Math.ceil((SLOT.DATA_OFFSET + this.flushed) / f.sectorSize) * f.sectorSize;
    }
  }

  receive(bytes: Uint8Array): void {
    const { frames } = this.decoder.push(bytes);
    for (const fr of frames) this.handle(fr.type, fr.seq, fr.payload);
  }

  private out(type: number, payload: Uint8Array): void {
    this.o.send(encodeFrame(type, this.seqOut, payload));
    this.seqOut = (this.seqOut + 1) & 0xff;
  }
  private ack(type: number, seq: number, value: number): void {
    this.out(MsgType.ACK, encodeAck({ ackType: type, ackSeq: seq, value }));
  }
  private nack(type: number, seq: number, code: number, value = 0): void {
    this.out(MsgType.NACK, encodeNack({ ackType: type, ackSeq: seq, code, value }));
  }
  private log(level: number, text: string): void {
    this.out(MsgType.LOG, encodeLog({ level, text }));
  }

  info(): InfoMsg {
    const r = this.header ?? this.pending;
    return {
      protocolVersion: PROTOCOL_VERSION,
      firmwareVersion: this.o.firmwareVersion,
      board: this.o.board,
      sensors: this.o.sensors.map((s, i) => ({ ...s.info, currentRateMilliHz: this.rates[i] })),
      modelCapacity: slotCapacity(this.o.flash.size),
      arenaCapacity: this.o.arenaCapacity,
      model: {
        state: this.modelState,
        sequence: r?.sequence ?? 0, crc32: r?.crc32 ?? 0, length: r?.length ?? 0, arenaSize: r?.arenaSize ?? 0,
      },
      maxPayload: MAX_PAYLOAD,
    };
  }

  private handle(type: number, seq: number, p: Uint8Array): void {
    switch (type) {
      case MsgType.HELLO:
        if (p.length !== 1) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        decodeHello(p);
        this.stopStream();
        this.inferring = false;
        this.sampling = false;
        return this.out(MsgType.INFO, encodeInfo(this.info()));
      case MsgType.GET_INFO:
        if (p.length !== 0) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        return this.out(MsgType.INFO, encodeInfo(this.info()));
      case MsgType.SET_RATE: {
        if (p.length !== 5) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        const m = decodeSetRate(p);
        if (m.sensor >= this.o.sensors.length) return this.nack(type, seq, NackCode.NO_SENSOR);
        if (this.streaming || this.inferring) return this.nack(type, seq, NackCode.BUSY);
        const rates = this.o.sensors[m.sensor].info.ratesMilliHz;
        if (!rates.includes(m.rateMilliHz)) {
          let best = rates[0] ?? 0;
          for (const r of rates) if (Math.abs(r - m.rateMilliHz) < Math.abs(best - m.rateMilliHz)) best = r;
          return this.nack(type, seq, NackCode.UNSUPPORTED_RATE, best);
        }
        this.rates[m.sensor] = m.rateMilliHz;
        return this.ack(type, seq, m.rateMilliHz);
      }
      case MsgType.START_STREAM: {
        if (p.length !== 3) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        const m = decodeStartStream(p);
        if (m.sensor >= this.o.sensors.length) return this.nack(type, seq, NackCode.NO_SENSOR);
        const axes = this.o.sensors[m.sensor].info.axes.length;
        if (m.format !== SampleFormat.FLOAT32 && m.format !== SampleFormat.INT16) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        const maxFpb = maxStreamFrames(axes, m.format);
        if (m.framesPerBatch < 1 || m.framesPerBatch > maxFpb) return this.nack(type, seq, NackCode.BAD_PAYLOAD, maxFpb);
        if (this.uploadSession) return this.nack(type, seq, NackCode.BUSY);
        this.streaming = true;
        this.streamSensor = m.sensor;
        this.streamFormat = m.format;
        this.fpb = m.framesPerBatch;
        this.batch = [];
        this.batchStart = 0;
        this.restartSampler();
        return this.ack(type, seq, 0);
      }
      case MsgType.STOP_STREAM: {
        if (p.length !== 0) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        const n = this.streaming ? this.k : 0;
        this.stopStream();
        if (!this.inferring) this.sampling = false;
        return this.ack(type, seq, n);
      }
      case MsgType.SET_INFERENCE: {
        if (p.length !== 1) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        const m = decodeSetInference(p);
        if (!m.enable) {
          this.inferring = false;
          if (!this.streaming) this.sampling = false;
          return this.ack(type, seq, 0);
        }
        if (this.modelState !== ModelState.VALID || !this.o.inference || !this.modelLoaded) return this.nack(type, seq, NackCode.NO_MODEL);
        if (this.uploadSession) return this.nack(type, seq, NackCode.BUSY);
        const axes = this.o.sensors[0].info.axes.length;
        const need = this.o.inference.windowFrames * axes;
        if (need > MAX_WINDOW_VALUES) return this.nack(type, seq, NackCode.NO_MODEL);
        const want = this.impulseRate();
        if (want) {
          const r = matchingRate(this.o.sensors[0].info.ratesMilliHz, want);
          if (!r) return this.nack(type, seq, NackCode.UNSUPPORTED_RATE, want);
          if (this.streaming && this.rates[0] !== r) return this.nack(type, seq, NackCode.BUSY, r);
          this.rates[0] = r;
        }
        this.inferring = true;
        this.ring = new Float32Array(need);
        this.ringFill = 0;
        this.sinceRun = 0;
        if (!this.sampling) this.restartSampler();
        return this.ack(type, seq, this.rates[0]);
      }
      case MsgType.MODEL_BEGIN:
        if (p.length !== 16) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        return this.modelBegin(seq, decodeModelBegin(p));
      case MsgType.MODEL_DATA:
        if (p.length < 5 || p.length > 4 + SLOT.MAX_CHUNK) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        return this.modelData(seq, decodeModelData(p));
      case MsgType.MODEL_END:
        if (p.length !== 0) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        return this.modelEnd(seq);
      case MsgType.MODEL_QUERY: {
        if (p.length !== 0) return this.nack(type, seq, NackCode.BAD_PAYLOAD);
        const r = this.header ?? this.pending;
        return this.out(MsgType.MODEL_STATUS, encodeModelStatus({
          state: this.modelState, sequence: r?.sequence ?? 0, length: r?.length ?? 0, crc32: r?.crc32 ?? 0,
          received: this.modelState === ModelState.VALID ? (r?.length ?? 0) : this.received,
        }));
      }
      default:
        return this.nack(type, seq, NackCode.UNKNOWN_TYPE);
    }
  }

  // ------------------------------------------------------------ model upload

  /** Programs `data` at `addr` padded with 0xFF to whole program units. */
  private patch(addr: number, data: Uint8Array): void {
    const u = this.o.flash.programUnit;
    const a0 = Math.floor(addr / u) * u;
    const a1 = Math.ceil((addr + data.length) / u) * u;
    const buf = new Uint8Array(a1 - a0).fill(0xff);
    buf.set(data, addr - a0);
    this.o.flash.program(a0, buf);
  }

  private modelBegin(seq: number, m: ModelBeginMsg): void {
    const T = MsgType.MODEL_BEGIN;
    if (this.streaming || this.inferring) return this.nack(T, seq, NackCode.BUSY);
    if (m.length === 0) return this.nack(T, seq, NackCode.BAD_PAYLOAD);
    const cap = slotCapacity(this.o.flash.size);
    if (m.length > cap) return this.nack(T, seq, NackCode.TOO_LARGE, cap);
    if (m.arenaSize > this.o.arenaCapacity) return this.nack(T, seq, NackCode.TOO_LARGE, this.o.arenaCapacity);
    const p = this.pending;
    if (this.modelState === ModelState.RECEIVING && p && p.length === m.length && p.crc32 === m.crc32 &&
        p.sequence === m.sequence && p.arenaSize === m.arenaSize) {
      this.uploadSession = true;
      return this.ack(T, seq, this.received);
    }
    if (this.modelLoaded) this.o.inference?.unload?.();
    this.modelLoaded = false;
    // The old model is gone once the records' sector is erased: forget it first, so a failing erase or
    // program leaves the slot EMPTY (as a reset would find it), never VALID over an erased header.
    this.header = null;
    this.model = null;
    this.pending = null;
    this.modelState = ModelState.EMPTY;
    this.received = this.flushed = this.marked = 0;
    this.uploadSession = false;
    // Only the records' sector now; the payload's sectors are erased as the data reaches them.
    this.erasedEnd = 0;
    if (!this.flashOk(() => this.ensureErased(this.o.flash.sectorSize))) return this.nack(T, seq, NackCode.FLASH_ERROR);
    const rec = { length: m.length, crc32: m.crc32, sequence: m.sequence, arenaSize: m.arenaSize };
    if (!this.flashOk(() => this.patch(SLOT.PENDING_OFFSET, encodeSlotRecord({ magic: SLOT.PENDING_MAGIC, ...rec })))) {
      return this.nack(T, seq, NackCode.FLASH_ERROR);
    }
    this.pending = { magic: SLOT.PENDING_MAGIC, formatVersion: SLOT.FORMAT_VERSION, ...rec };
    this.modelState = ModelState.RECEIVING;
    this.received = this.flushed = this.marked = 0;
    this.uploadSession = true;
    this.inferring = false;
    return this.ack(T, seq, 0);
  }

  /**
   * Runs flash operations; a failing flash (a StudioError of family 'flash' from the FlashMemory) gives
   * false, as the C++ core's flash calls return false.
   */
  private flashOk(op: () => void): boolean {
    try {
      op();
      return true;
    } catch (e) {
      if (e instanceof StudioError && e.family === 'flash') return false;
      throw e;
    }
  }

  private ensureErased(end: number): void {
    const sec = this.o.flash.sectorSize;
    while (this.erasedEnd < end) {
      this.o.flash.erase(this.erasedEnd, sec);
      this.erasedEnd += sec;
    }
  }

  /** Writes whole program units from the page buffer and marks finished 1 KiB blocks. */
  private flushPage(final: boolean): void {
    const u = this.o.flash.programUnit;
    const len = this.pending!.length;
    while (this.received - this.flushed >= u || (final && this.received > this.flushed)) {
      const n = Math.min(u, this.received - this.flushed);
      const buf = new Uint8Array(u).fill(0xff);
      buf.set(this.page.subarray(0, n));
      this.ensureErased(SLOT.DATA_OFFSET + this.flushed + u);
      this.o.flash.program(SLOT.DATA_OFFSET + this.flushed, buf);
      this.flushed += n;
      this.page.fill(0xff);
      while ((this.marked + 1) * SLOT.PROGRESS_BLOCK <= this.flushed || (this.flushed >= len && this.marked * SLOT.PROGRESS_BLOCK < len)) {
        this.patch(SLOT.PROGRESS_OFFSET + 4 * this.marked, new Uint8Array(4));
        this.marked++;
      }
    }
  }

  private modelData(seq: number, m: { offset: number; data: Uint8Array }): void {
    const T = MsgType.MODEL_DATA;
    if (this.modelState !== ModelState.RECEIVING || !this.uploadSession || !this.pending) return this.nack(T, seq, NackCode.BAD_STATE);
    const len = this.pending.length;
    if (m.offset + m.data.length > len) return this.nack(T, seq, NackCode.BAD_PAYLOAD, this.received);
    if (m.offset > this.received) return this.nack(T, seq, NackCode.OUT_OF_ORDER, this.received);
    const u = this.o.flash.programUnit;
    for (let i = this.received - m.offset; i < m.data.length; i++) {
      this.page[(this.received - this.flushed) % u] = m.data[i];
      this.received++;
      if (this.received - this.flushed === u) this.flushPage(false);
    }
    return this.ack(T, seq, this.received);
  }

  private modelEnd(seq: number): void {
    const T = MsgType.MODEL_END;
    if (this.modelState !== ModelState.RECEIVING || !this.uploadSession || !this.pending) return this.nack(T, seq, NackCode.BAD_STATE);
    const p = this.pending;
    if (this.received < p.length) return this.nack(T, seq, NackCode.INCOMPLETE, this.received);
    this.flushPage(true);
    const model = this.o.flash.read(SLOT.DATA_OFFSET, p.length);
    const c = crc32(model);
    this.uploadSession = false;
    if (c !== p.crc32) {
      this.o.flash.erase(0, this.o.flash.sectorSize);
      this.pending = null;
      this.modelState = ModelState.EMPTY;
      this.received = this.flushed = this.marked = 0;
      this.log(LogLevel.ERROR, 'model crc mismatch, slot cleared');
      return this.nack(T, seq, NackCode.CRC_MISMATCH, c);
    }
    this.patch(0, encodeSlotRecord({ ...p, magic: SLOT.HEADER_MAGIC }));
    const h = decodeSlotRecord(this.o.flash.read(0, SLOT.HEADER_SIZE), SLOT.HEADER_MAGIC);
    if (!h) return this.nack(T, seq, NackCode.FLASH_ERROR);
    this.header = h;
    this.model = model;
    this.modelState = ModelState.VALID;
    this.log(LogLevel.INFO, `model ${p.sequence} committed, ${p.length} bytes`);
    this.loadModel();
    return this.ack(T, seq, c);
  }

  /** Hands the verified slot to the model runner; an impulse with a sample rate sets sensor 0's rate. */
  private loadModel(): void {
    const hook = this.o.inference;
    this.modelLoaded = hook && this.model ? (hook.load ? hook.load(this.model) : true) : false;
    const want = this.impulseRate();
    if (!want || this.o.sensors.length === 0) return;
    const rates = this.o.sensors[0].info.ratesMilliHz;
    const r = matchingRate(rates, want);
    if (!r) {
      const offered = rates.map(formatHz).join(', ');
      return this.log(LogLevel.WARN, `the impulse was sampled at ${formatHz(want)} Hz; the sensor offers${offered ? ' ' + offered : ''} Hz: inference refused (UNSUPPORTED_RATE)`);
    }
    if (!this.streaming) this.rates[0] = r;
    this.log(LogLevel.INFO, `sampling at ${formatHz(r)} Hz for the impulse (${formatHz(want)} Hz)`);
  }

  private impulseRate(): number {
    return this.modelLoaded && this.o.inference ? (this.o.inference.sampleRateMilliHz ?? 0) : 0;
  }

  // ------------------------------------------------------------ sampling

  private restartSampler(): void {
    this.sampling = true;
    this.startPending = true;
    this.k = 0;
    this.ringFill = 0;
    this.sinceRun = 0;
  }

  private stopStream(): void {
    if (this.streaming) this.flushBatch();
    this.streaming = false;
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    const s = this.o.sensors[this.streamSensor];
    const axes = s.info.axes.length;
    if (this.streamFormat === SampleFormat.INT16) {
      const raw = this.batch.map((v, i) => {
        const x = Math.floor(v * s.int16PerUnit[i % axes] + 0.5);
        return Number.isNaN(x) ? 0 : x < -32768 ? -32768 : x > 32767 ? 32767 : x; // NaN (sensor glitch) → 0, as the C++ core
      });
      this.out(MsgType.SAMPLES, encodeSamples({
        counter: this.batchStart, axes, format: SampleFormat.INT16, scales: s.int16PerUnit.map((x) => 1 / x), values: raw,
      }));
    } else {
      this.out(MsgType.SAMPLES, encodeSamples({ counter: this.batchStart, axes, format: SampleFormat.FLOAT32, values: this.batch }));
    }
    this.batch = [];
  }

  /** Advances the device clock: produces the samples (and inferences) due at `nowUs`. */
  tick(nowUs: number): void {
    if (!this.sampling) return;
    if (this.startPending) {
      this.t0 = nowUs;
      this.startPending = false;
    }
    const sensor = this.streaming ? this.streamSensor : 0;
    const rate = this.rates[sensor];
    if (nowUs < this.t0 || rate <= 0) return;
    const prod = (nowUs - this.t0) * rate;
    let q = Math.floor(prod / 1e9);
    if (q * 1e9 > prod) q--;
    const due = q + 1;
    if (due - this.k > MAX_CATCHUP_FRAMES) {
      if (this.streaming) this.flushBatch();
      this.k = due - MAX_CATCHUP_FRAMES;
      this.ringFill = 0;
    }
    const s = this.o.sensors[sensor];
    const axes = s.info.axes.length;
    const fr = this.frame;
    while (this.k < due) {
      s.read(this.k, fr);
      if (this.streaming) {
        if (this.batch.length === 0) this.batchStart = this.k;
        for (let a = 0; a < axes; a++) this.batch.push(Math.fround(fr[a]));
        if (this.batch.length >= this.fpb * axes) this.flushBatch();
      }
      if (this.inferring && sensor === 0) this.inferStep(fr, axes);
      this.k++;
    }
  }

  private inferStep(fr: Float32Array, axes: number): void {
    const hook = this.o.inference!;
    const W = hook.windowFrames;
    this.ring.copyWithin(0, axes);
    this.ring.set(fr.subarray(0, axes), (W - 1) * axes);
    if (this.ringFill < W) this.ringFill++;
    this.sinceRun++;
    if (this.ringFill >= W && this.sinceRun >= hook.strideFrames && this.modelLoaded && this.model) {
      this.sinceRun = 0;
      const r = hook.run(this.ring, axes, this.model);
      this.out(MsgType.INFERENCE, encodeInference({ timingUs: r.timingUs, labelIndex: r.labelIndex, format: SampleFormat.FLOAT32, scores: r.scores }));
    }
  }
}
