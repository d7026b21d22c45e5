import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { DeviceClient } from './client.ts';
import { cobsEncode } from './cobs.ts';
import { crc32 } from '../../core/crc.ts';
import { FrameDecoder, encodeFrame } from './frame.ts';
import { fakeImuValue, createTwinCore, type TwinOptions } from './test-support/host-twin.ts';
import { LogLevel, ModelState, MsgType, NackCode, SampleFormat } from './ids.ts';
import { SLOT } from '../../core/slot-layout.ts';
import {
  decodeAck, decodeInfo, decodeLog, decodeNack, decodeSamples, encodeHello, encodeModelBegin, encodeModelData,
  encodeSetInference, encodeSetRate, encodeStartStream, EMPTY,
} from './messages.ts';
import { MemoryFlash, readSlot } from './model-slot.ts';
import { uploadSlotBytes } from './model-upload.ts';
import {
  HostProgramTransport, buildHostProgram, hostBuildSkipReason, runHostTool, sanitizerSkipReason,
} from './test-support/host-program.ts';
import { concat, prng, randomBytes } from './test-support/prng.ts';

const skip = hostBuildSkipReason();
const SLOT_SIZE = 64 * 1024;

function tmpFlash(): string {
  return join(mkdtempSync(join(tmpdir(), 'tinyml-flash-')), 'flash.bin');
}

/** Runs the C++ device on a fixed input (stdin closed afterwards) and returns its output bytes. */
function runCpp(bin: string, flashPath: string, input: Uint8Array): Uint8Array {
  const r = spawnSync(bin, ['--flash', flashPath, '--slot-size', String(SLOT_SIZE)], { input: Buffer.from(input), timeout: 10_000 });
  expect(r.status).toBe(0);
  return new Uint8Array(r.stdout);
}

/** Same input through the TypeScript device core on a flash initialised from `flashBytes`. */
function runTs(input: Uint8Array, flashBytes?: Uint8Array): { out: Uint8Array; flash: MemoryFlash } {
  const flash = new MemoryFlash(SLOT_SIZE, 4096, 256, flashBytes);
  const parts: Uint8Array[] = [];
  const core = createTwinCore(flash, (b) => parts.push(b));
  core.receive(input);
  return { out: concat(parts), flash };
}

function testModel(n: number, seed = 7): Uint8Array {
  return randomBytes(prng(seed), n);
}

const asanSkip = sanitizerSkipReason();

/**
 * Deterministic run of both devices: all of `input` received at clock 0, then tick(t) every `stepUs` up
 * to `runUs` (the host build's --script mode). Returns both outputs and the C++ flash file.
 */
function runScripted(bin: string, input: Uint8Array, runUs: number, stepUs: number, o: TwinOptions = {}, flashPath = tmpFlash()) {
  const before = existsSync(flashPath) ? new Uint8Array(readFileSync(flashPath)) : undefined;
  const args = ['--flash', flashPath, '--slot-size', String(SLOT_SIZE), '--script', `${runUs},${stepUs}`,
    '--axes', String(o.axes ?? 6), '--impulse-rate', String(o.impulseRateMilliHz ?? 0)];
  const r = spawnSync(bin, args, { input: Buffer.from(input), timeout: 30_000, maxBuffer: 1 << 26 });
  expect(r.stderr.toString(), 'sanitizer or runtime error in the C++ device').toBe('');
  expect(r.status).toBe(0);
  const flash = new MemoryFlash(SLOT_SIZE, 4096, 256, before);
  const parts: Uint8Array[] = [];
  const core = createTwinCore(flash, (b) => parts.push(b), o);
  core.receive(input);
  for (let t = 0; t <= runUs; t += stepUs) core.tick(t);
  return { cpp: new Uint8Array(r.stdout), ts: concat(parts), flashPath, tsFlash: flash };
}

function uploadScript(model: Uint8Array, seq0: number): Uint8Array[] {
  const f = [encodeFrame(MsgType.MODEL_BEGIN, seq0, encodeModelBegin({ length: model.length, crc32: crc32(model), sequence: 5, arenaSize: 100 }))];
  for (let o = 0, i = 1; o < model.length; o += 512, i++) {
    f.push(encodeFrame(MsgType.MODEL_DATA, seq0 + i, encodeModelData({ offset: o, data: model.subarray(o, o + 512) })));
  }
  f.push(encodeFrame(MsgType.MODEL_END, seq0 + 50));
  return f;
}

describe.skipIf(skip !== null)(`C++ host build vs TypeScript ${skip ?? ''}`, () => {
  const bin = skip ? '' : buildHostProgram();

  it('CRC-32, COBS and frame encoding agree byte for byte', () => {
    const rand = prng(11);
    const lens = [0, 1, 2, 253, 254, 255, 256, 508, 509, 1024];
    for (let i = 0; i < 8; i++) lens.push(Math.floor(rand() * 1025));
    for (const n of lens) {
      const data = randomBytes(rand, n);
      if (n % 3 === 0) for (let k = 0; k < n; k += 7) data[k] = 0;
      expect(runHostTool(bin, ['crc'], data).stdout.toString().trim()).toBe(crc32(data).toString(16).padStart(8, '0'));
      expect(new Uint8Array(runHostTool(bin, ['cobs'], data).stdout)).toEqual(cobsEncode(data));
      const type = Math.floor(rand() * 256), seq = Math.floor(rand() * 256);
      expect(new Uint8Array(runHostTool(bin, ['frame', String(type), String(seq)], data).stdout)).toEqual(encodeFrame(type, seq, data));
    }
    expect(runHostTool(bin, ['crc'], new TextEncoder().encode('123456789')).stdout.toString().trim()).toBe('cbf43926');
  });

  it('both decoders accept the same frames and count the same errors on a corrupted stream', () => {
    const rand = prng(5);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 60; i++) {
      const f = encodeFrame(i & 0xff, i, randomBytes(rand, Math.floor(rand() * 300)));
      const r = rand();
      if (r < 0.2) f[Math.floor(rand() * (f.length - 1))] ^= 1 << Math.floor(rand() * 8);
      else if (r < 0.3) parts.push(randomBytes(rand, 40));
      else if (r < 0.35) parts.push(new Uint8Array(1500).fill(0x41));
      parts.push(r > 0.35 && r < 0.4 ? f.subarray(0, f.length >> 1) : f);
    }
    const stream = concat(parts);
    const d = new FrameDecoder();
    const { frames } = d.push(stream);
    const lines = frames.map((f) => `${f.type} ${f.seq} ${Buffer.from(f.payload).toString('hex')}`);
    lines.push(`errors ${d.stats.errors}`);
    expect(runHostTool(bin, ['deframe'], stream).stdout.toString().trim().split('\n')).toEqual(lines);
    expect(frames.length).toBeGreaterThan(30);
    expect(d.stats.errors).toBeGreaterThan(5);
  });

  it('answers a command script byte for byte like the TypeScript device core, flash included', () => {
    const model = testModel(3000);
    const c = crc32(model);
    const f = (t: number, s: number, p: Uint8Array = EMPTY) => encodeFrame(t, s, p);
    const script = concat([
      new Uint8Array([0x13, 0x37, 0xff, 0]), // garbage then resync
      f(MsgType.HELLO, 1, encodeHello({ protocolVersion: 1 })),
      f(MsgType.SET_RATE, 2, encodeSetRate({ sensor: 0, rateMilliHz: 62500 })),
      f(MsgType.SET_RATE, 3, encodeSetRate({ sensor: 0, rateMilliHz: 61000 })),
      f(MsgType.SET_RATE, 4, encodeSetRate({ sensor: 3, rateMilliHz: 50000 })),
      f(0x7e, 5), f(MsgType.HELLO, 6, new Uint8Array([1, 2])), f(MsgType.INFO, 7),
      f(MsgType.MODEL_DATA, 8, encodeModelData({ offset: 0, data: model.subarray(0, 10) })),
      f(MsgType.MODEL_QUERY, 9),
      f(MsgType.MODEL_BEGIN, 10, encodeModelBegin({ length: model.length, crc32: c, sequence: 42, arenaSize: 9000 })),
      f(MsgType.MODEL_DATA, 11, encodeModelData({ offset: 0, data: model.subarray(0, 512) })),
      f(MsgType.MODEL_DATA, 12, encodeModelData({ offset: 1024, data: model.subarray(1024, 1536) })),
      f(MsgType.MODEL_DATA, 13, encodeModelData({ offset: 0, data: model.subarray(0, 512) })),
      f(MsgType.MODEL_DATA, 14, encodeModelData({ offset: 300, data: model.subarray(300, 800) })),
      f(MsgType.MODEL_END, 15),
      f(MsgType.START_STREAM, 16, encodeStartStream({ sensor: 0, format: SampleFormat.FLOAT32, framesPerBatch: 5 })),
      f(MsgType.MODEL_QUERY, 17),
      ...Array.from({ length: 6 }, (_, i) => f(MsgType.MODEL_DATA, 18 + i, encodeModelData({ offset: 800 + i * 400, data: model.subarray(800 + i * 400, Math.min(3000, 1200 + i * 400)) }))),
      f(MsgType.MODEL_END, 30),
      f(MsgType.MODEL_QUERY, 31),
      f(MsgType.GET_INFO, 32),
      f(MsgType.MODEL_BEGIN, 33, encodeModelBegin({ length: 1 << 30, crc32: 0, sequence: 1, arenaSize: 0 })),
      f(MsgType.STOP_STREAM, 34),
    ]);
    const path = tmpFlash();
    const cpp = runCpp(bin, path, script);
    const ts = runTs(script);
    expect(Buffer.from(cpp).toString('hex')).toBe(Buffer.from(ts.out).toString('hex'));
    expect(new Uint8Array(readFileSync(path))).toEqual(ts.flash.bytes);
    // and the model is really in the slot, header valid
    const slot = readSlot(ts.flash);
    expect(slot.valid).toBe(true);
    expect(slot.model).toEqual(model);
    expect(slot.header?.sequence).toBe(42);
    // the replies say what we expect (spot checks on the decoded stream)
    const d = new FrameDecoder().push(cpp).frames;
    const nacks = d.filter((x) => x.type === MsgType.NACK).map((x) => [x.payload[1], x.payload[2]]);
    expect(nacks).toEqual([[3, NackCode.UNSUPPORTED_RATE], [4, NackCode.NO_SENSOR], [5, NackCode.UNKNOWN_TYPE],
      [6, NackCode.BAD_PAYLOAD], [7, NackCode.UNKNOWN_TYPE], [8, NackCode.BAD_STATE], [12, NackCode.OUT_OF_ORDER],
      [15, NackCode.INCOMPLETE], [16, NackCode.BUSY], [33, NackCode.TOO_LARGE]]);
  });

  it('resumes after power-up from the progress marks, byte for byte like the TS core', () => {
    const model = testModel(5000, 9);
    const c = crc32(model);
    const begin = encodeFrame(MsgType.MODEL_BEGIN, 1, encodeModelBegin({ length: model.length, crc32: c, sequence: 3, arenaSize: 100 }));
    const part1 = concat([begin, ...[0, 512, 1024, 1536, 2048].map((o, i) => encodeFrame(MsgType.MODEL_DATA, 2 + i, encodeModelData({ offset: o, data: model.subarray(o, o + 512) })))]);
    const path = tmpFlash();
    runCpp(bin, path, part1); // "unplugged" after 2560 bytes: 2 KiB are marked done in flash
    const afterCut = new Uint8Array(readFileSync(path));
    expect(readSlot(new MemoryFlash(SLOT_SIZE, 4096, 256, afterCut)).valid).toBe(false);
    const part2 = concat([
      encodeFrame(MsgType.MODEL_QUERY, 1),
      encodeFrame(MsgType.MODEL_DATA, 2, encodeModelData({ offset: 2048, data: model.subarray(2048, 2560) })),
      begin,
      ...[2048, 2560, 3072, 3584, 4096, 4608].map((o, i) => encodeFrame(MsgType.MODEL_DATA, 10 + i, encodeModelData({ offset: o, data: model.subarray(o, Math.min(5000, o + 512)) }))),
      encodeFrame(MsgType.MODEL_END, 20),
    ]);
    const cpp = runCpp(bin, path, part2);
    const ts = runTs(part2, afterCut);
    expect(Buffer.from(cpp).toString('hex')).toBe(Buffer.from(ts.out).toString('hex'));
    const frames = new FrameDecoder().push(cpp).frames;
    expect(frames[0].type).toBe(MsgType.MODEL_STATUS);
    expect(new DataView(frames[0].payload.buffer, frames[0].payload.byteOffset).getUint32(13, true)).toBe(2048);
    expect(frames[1].type).toBe(MsgType.NACK); // DATA before BEGIN in the new session
    expect(frames[2].payload[0]).toBe(MsgType.MODEL_BEGIN);
    expect(new DataView(frames[2].payload.buffer, frames[2].payload.byteOffset).getUint32(2, true)).toBe(2048);
    expect(readSlot(new MemoryFlash(SLOT_SIZE, 4096, 256, new Uint8Array(readFileSync(path)))).model).toEqual(model);
  });

  it('uploads a model with the TS client, surviving an unplug mid-transfer and corrupted frames', async () => {
    const model = testModel(20_000, 21);
    const path = tmpFlash();
    // a previous valid model is replaced
    writeFileSync(path, new Uint8Array(SLOT_SIZE).fill(0xff));
    let t = new HostProgramTransport(bin, path, SLOT_SIZE);
    await t.open({ baudRate: 115200 });
    let client = new DeviceClient(t, { commandTimeoutMs: 300 });
    const info = await client.connect();
    expect(info.board).toBe('TinyML host twin');
    expect(info.modelCapacity).toBe(SLOT_SIZE - SLOT.DATA_OFFSET);
    const abort = new AbortController();
    let killedAt = 0;
    const first = uploadSlotBytes(client, model, {
      sequence: 8, arenaSize: 4000, chunkSize: 512,
      onProgress: (p) => {
        if (!killedAt && (p.fraction ?? 0) > 0.4) {
          killedAt = p.fraction ?? 0;
          void t.kill();
        }
      },
    });
    await expect(first).rejects.toSatisfy((e: unknown) => isStudioError(e, 'disconnected'));
    expect(readSlot(new MemoryFlash(SLOT_SIZE, 4096, 256, new Uint8Array(readFileSync(path)))).valid).toBe(false);

    // power up again, with a link that corrupts every 7th frame we send
    t = new HostProgramTransport(bin, path, SLOT_SIZE);
    await t.open({ baudRate: 115200 });
    let n = 0;
    const write = t.write.bind(t);
    t.write = (d: Uint8Array) => {
      const copy = d.slice();
      if (++n % 7 === 0) copy[3] ^= 0x20;
      return write(copy);
    };
    client = new DeviceClient(t, { commandTimeoutMs: 150 });
    const info2 = await client.connect();
    expect(info2.model.state).toBe(ModelState.RECEIVING);
    const res = await uploadSlotBytes(client, model, { sequence: 8, arenaSize: 4000, signal: abort.signal, retries: 6 });
    expect(res.resumedFrom).toBeGreaterThan(0);
    expect(res.resumedFrom % 1024).toBe(0);
    expect(res.retries).toBeGreaterThan(0);
    const st = await client.modelStatus();
    expect(st).toMatchObject({ state: ModelState.VALID, sequence: 8, length: model.length, crc32: crc32(model) });
    await t.close();
    const slot = readSlot(new MemoryFlash(SLOT_SIZE, 4096, 256, new Uint8Array(readFileSync(path))));
    expect(slot.valid).toBe(true);
    expect(slot.model).toEqual(model);
  });

  it('streams the fake IMU with contiguous counters and exact values, then reports inferences', async () => {
    const path = tmpFlash();
    const t = new HostProgramTransport(bin, path, SLOT_SIZE);
    await t.open({ baudRate: 115200 });
    const client = new DeviceClient(t);
    await client.connect();
    expect(await client.setRate(0, 200000)).toBe(200000);
    let frames = 0;
    let next = 0;
    for await (const b of client.stream({ format: SampleFormat.INT16, framesPerBatch: 10 })) {
      expect(b.counter).toBe(next);
      expect(b.dropped).toBe(0);
      for (let i = 0; i < b.frames; i++) {
        for (let a = 0; a < 6; a++) {
          const perUnit = a < 3 ? 4096 : 16; // INT16 quantisation of the fake IMU (host-twin.ts)
          expect(b.values[i * 6 + a]).toBe(Math.floor(fakeImuValue(b.counter + i, a) * perUnit + 0.5) / perUnit);
        }
      }
      next = b.counter + b.frames;
      frames += b.frames;
      if (frames >= 100) break;
    }
    expect(client.streamStats.droppedFrames).toBe(0);
    await uploadSlotBytes(client, testModel(777), { sequence: 1, arenaSize: 10 });
    const got: number[] = [];
    const off = client.onInference((m) => {
      expect(m.timingUs).toBe(1777);
      expect(m.scores[m.labelIndex]).toBe(0.5);
      got.push(m.labelIndex);
    });
    await client.setInference(true);
    await new Promise((r) => setTimeout(r, 700));
    await client.setInference(false);
    off();
    expect(got.length).toBeGreaterThanOrEqual(2);
    await t.close();
  });

  it(`streams at the largest batch each axis count allows, as the firmware reports it, one past it NACKed, byte for byte ${asanSkip ? '(plain build: ' + asanSkip + ')' : 'under ASan/UBSan'}`, () => {
    const exe = asanSkip ? bin : buildHostProgram({ sanitize: true });
    const f = (t: number, q: number, p: Uint8Array = EMPTY) => encodeFrame(t, q, p);
    // every axis count the firmware accepts (the host program refuses --axes past its MAX_AXES)
    let axesTried = 0;
    for (let axes = 1; ; axes++) {
      const probeArgs = ['--flash', tmpFlash(), '--slot-size', String(SLOT_SIZE), '--script', '0,1000', '--axes', String(axes)];
      if (spawnSync(exe, probeArgs, { input: Buffer.from(f(MsgType.GET_INFO, 1)), timeout: 30_000 }).status !== 0) break;
      axesTried = axes;
      for (const format of [SampleFormat.INT16, SampleFormat.FLOAT32]) {
        // the firmware's own figures: INFO's largest payload, and the capacity a START_STREAM over 255
        // frames is NACKed with
        const probe = runScripted(exe, concat([
          f(MsgType.HELLO, 1, encodeHello({ protocolVersion: 1 })),
          f(MsgType.START_STREAM, 2, encodeStartStream({ sensor: 0, format, framesPerBatch: 255 })),
        ]), 0, 1000, { axes });
        expect(Buffer.from(probe.cpp).toString('hex')).toBe(Buffer.from(probe.ts).toString('hex'));
        const pf = new FrameDecoder().push(probe.cpp).frames;
        const info = decodeInfo(pf.find((x) => x.type === MsgType.INFO)!.payload);
        expect(info.sensors[0].axes.length).toBe(axes);
        const reply = pf.find((x) => x.type === MsgType.NACK || x.type === MsgType.ACK)!;
        const fpb = reply.type === MsgType.NACK ? decodeNack(reply.payload).value : 255;
        if (reply.type === MsgType.NACK) expect(decodeNack(reply.payload).code).toBe(NackCode.BAD_PAYLOAD);
        // that capacity is the most frames a SAMPLES payload of INFO's size carries (capped at the u8 count):
        // the device's batch buffer never refuses a batch the link could carry
        const head = 8 + (format === SampleFormat.INT16 ? 4 * axes : 0), per = (format === SampleFormat.INT16 ? 2 : 4) * axes;
        expect(fpb, `axes ${axes} format ${format}`).toBe(Math.min(255, Math.floor((info.maxPayload - head) / per)));
        expect(head + fpb * per).toBeLessThanOrEqual(info.maxPayload);

        const script = concat([
          f(MsgType.HELLO, 1, encodeHello({ protocolVersion: 1 })),
          f(MsgType.SET_RATE, 2, encodeSetRate({ sensor: 0, rateMilliHz: 200000 })),
          ...(fpb < 255 ? [f(MsgType.START_STREAM, 3, encodeStartStream({ sensor: 0, format, framesPerBatch: fpb + 1 }))] : []),
          f(MsgType.START_STREAM, 4, encodeStartStream({ sensor: 0, format, framesPerBatch: fpb })),
        ]);
        const runUs = Math.ceil(((2 * fpb + 1) / 200) * 1e6);
        const { cpp, ts } = runScripted(exe, script, runUs, 1000, { axes });
        expect(Buffer.from(cpp).toString('hex'), `axes ${axes} format ${format}`).toBe(Buffer.from(ts).toString('hex'));
        const frames = new FrameDecoder().push(cpp).frames;
        if (fpb < 255) {
          const nack = decodeNack(frames.find((x) => x.type === MsgType.NACK)!.payload);
          expect(nack).toMatchObject({ ackSeq: 3, code: NackCode.BAD_PAYLOAD, value: fpb });
        }
        expect(decodeAck(frames.find((x) => x.type === MsgType.ACK && x.payload[1] === 4)!.payload).value).toBe(0);
        const batches = frames.filter((x) => x.type === MsgType.SAMPLES).map((x) => decodeSamples(x.payload));
        expect(batches.length).toBe(2);
        batches.forEach((b, i) => {
          expect(b.counter).toBe(i * fpb);
          expect(b.values.length).toBe(fpb * axes);
          for (let k = 0; k < b.values.length; k++) {
            const v = fakeImuValue(b.counter + Math.floor(k / axes), k % axes);
            const perUnit = [4096, 16, 64][Math.floor((k % axes) / 3)];
            expect(b.values[k]).toBe(format === SampleFormat.INT16 ? Math.floor(v * perUnit + 0.5) / perUnit : v);
          }
        });
      }
    }
    expect(axesTried).toBeGreaterThanOrEqual(9); // the runtime's 9-axis IMUs (accelerometer, gyroscope, magnetometer)
  });

  it('samples at the impulse\'s rate once its model is active, says so in LOG and INFO, and refuses a rate the sensor lacks', () => {
    const model = testModel(3000, 4);
    const f = (t: number, q: number, p: Uint8Array = EMPTY) => encodeFrame(t, q, p);
    const script = concat([
      f(MsgType.HELLO, 1, encodeHello({ protocolVersion: 1 })),
      ...uploadScript(model, 10),
      f(MsgType.GET_INFO, 70),
      f(MsgType.SET_RATE, 71, encodeSetRate({ sensor: 0, rateMilliHz: 100000 })),
      f(MsgType.SET_INFERENCE, 72, encodeSetInference({ enable: true })),
    ]);
    const cases = [
      { rate: 62500, use: 62500, log: 'sampling at 62.5 Hz for the impulse (62.5 Hz)', inferences: 2 },
      { rate: 99500, use: 100000, log: 'sampling at 100 Hz for the impulse (99.5 Hz)', inferences: 4 },
      { rate: 104000, use: 0, log: 'the impulse was sampled at 104 Hz; the sensor offers 50, 62.5, 100, 200 Hz: inference refused (UNSUPPORTED_RATE)', inferences: 0 },
    ];
    for (const c of cases) {
      const run = runScripted(bin, script, 1_300_000, 1000, { impulseRateMilliHz: c.rate });
      expect(Buffer.from(run.cpp).toString('hex'), `rate ${c.rate}`).toBe(Buffer.from(run.ts).toString('hex'));
      const frames = new FrameDecoder().push(run.cpp).frames;
      const logs = frames.filter((x) => x.type === MsgType.LOG).map((x) => decodeLog(x.payload));
      expect(logs.map((l) => l.text)).toEqual(['model 5 committed, 3000 bytes', c.log]);
      expect(logs[1].level).toBe(c.use ? LogLevel.INFO : LogLevel.WARN);
      const info = decodeInfo(frames.filter((x) => x.type === MsgType.INFO)[1].payload);
      expect(info.sensors[0].currentRateMilliHz).toBe(c.use || 100000);
      const replyTo72 = frames.find((x) => (x.type === MsgType.ACK || x.type === MsgType.NACK) && x.payload[1] === 72)!;
      if (c.use) expect(decodeAck(replyTo72.payload).value).toBe(c.use); // SET_INFERENCE: ACK(rate in use)
      else expect(decodeNack(replyTo72.payload)).toMatchObject({ code: NackCode.UNSUPPORTED_RATE, value: 104000 });
      // the window (50 frames, stride 25) fills at the impulse's rate, not at the 100 Hz set before
      expect(frames.filter((x) => x.type === MsgType.INFERENCE).length).toBe(c.inferences);
      // power cycle: the model is loaded at boot and the rate applied again, before any command
      const again = runScripted(bin, f(MsgType.GET_INFO, 1), 0, 1000, { impulseRateMilliHz: c.rate }, run.flashPath);
      expect(Buffer.from(again.cpp).toString('hex')).toBe(Buffer.from(again.ts).toString('hex'));
      const boot = new FrameDecoder().push(again.cpp).frames;
      expect(decodeLog(boot[0].payload).text).toBe(c.log);
      expect(decodeInfo(boot[1].payload).sensors[0].currentRateMilliHz).toBe(c.use || 100000);
    }
  });

  it('erases the slot sector by sector as the data arrives: no command waits for more than one sector erase', () => {
    const model = testModel(40_000, 8);
    const flash = new MemoryFlash(SLOT_SIZE, 4096, 256);
    const core = createTwinCore(flash, () => undefined);
    let most = 0;
    for (const fr of uploadScript(model, 1)) {
      const before = flash.eraseCount;
      core.receive(fr);
      most = Math.max(most, flash.eraseCount - before);
    }
    expect(most).toBe(1);
    expect(flash.eraseCount).toBe(Math.ceil((SLOT.DATA_OFFSET + model.length) / 4096));
    expect(readSlot(flash).model).toEqual(model);
    // and the C++ device leaves the same bytes in flash for the same upload over stale data
    const path = tmpFlash();
    writeFileSync(path, new Uint8Array(SLOT_SIZE).fill(0x5a));
    const run = runScripted(bin, concat(uploadScript(model, 1)), 0, 1000, {}, path);
    expect(Buffer.from(run.cpp).toString('hex')).toBe(Buffer.from(run.ts).toString('hex'));
    expect(new Uint8Array(readFileSync(path))).toEqual(run.tsFlash.bytes);
    expect(readSlot(run.tsFlash).model).toEqual(model);
  });
});
