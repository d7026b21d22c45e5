/**
 * The committed RP2040 runtime image (public/firmware/tinyml-runtime-rp2040.uf2) running in rp2040js
 * on the test boot ROM, with a NOR flash behind the SSI, an MPU6050 fed with a recording, and the
 * studio's own DeviceClient / uploadModel over the emulated USB CDC. Nothing here knows the
 * firmware's internals: the board is driven through its protocol only.
 *
 * Timers: the client's timeouts run on fake timers advanced by emulated time, so "1000 ms" means
 * 1000 ms on the board and a run is deterministic. The harness yields to Node with setImmediate.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeviceClient, NackError, type SampleBatch } from '../../src/device/protocol/client.ts';
import { encodeFrame } from '../../src/device/protocol/frame.ts';
import { MsgType, NackCode, SampleFormat, ModelState } from '../../src/device/protocol/ids.ts';
import { encodeModelBegin, encodeModelData, encodeSetRate, encodeStartStream, maxFramesPerBatch, type InferenceMsg } from '../../src/device/protocol/messages.ts';
import { uploadModel } from '../../src/device/protocol/model-upload.ts';
import { SlotInference } from '../../src/device/sim/sim-inference.ts';
import { IMU_AXES } from '../../src/device/sim/motion-model.ts';
import { crc32 } from '../../src/core/crc.ts';
import { createEmulatedBoard, type EmulatedBoard } from '../support/rp2040/board.ts';
import { NorFlash } from '../support/rp2040/nor-flash.ts';
import { ACCEL_LSB_PER_G, GYRO_LSB_PER_DPS, quantiseAccel, quantiseGyro, STANDARD_GRAVITY } from '../support/rp2040/imu.ts';
import { buildFlatten, buildImpulses, makeRecording, type BuiltImpulse } from '../support/rp2040/impulses.ts';
import { bootromSourcesHash, loadBootrom, loadBootromRecord, loadFirmware, sha256 } from '../support/rp2040/node-loader.ts';

describe('test boot ROM', () => {
  it('the committed bootrom.bin was built from the sources in tests/support/rp2040/bootrom/', () => {
    const rec = loadBootromRecord();
    const bin = loadBootrom();
    expect(bootromSourcesHash(rec.sources), 'boot ROM sources changed: run sh tests/support/rp2040/bootrom/build.sh and commit bootrom.bin + bootrom.json').toBe(rec.sourcesSha256);
    expect(sha256(bin)).toBe(rec.binSha256);
    expect(bin.length).toBe(rec.binBytes);
    expect(bin.length).toBeLessThanOrEqual(16 * 1024);
    // ROM header as pico-sdk reads it: 'M' 'u' 1, version, three 16-bit pointers (lookup is Thumb).
    expect([bin[0x10], bin[0x11], bin[0x12]]).toEqual([0x4d, 0x75, 0x01]);
    expect((bin[0x18] | (bin[0x19] << 8)) & 1).toBe(1);
  });
});

/** pico-sdk's names of RP2040 boot ROM functions → their two-character lookup codes. */
const ROM_CODES: Record<string, string> = {
  connect_internal_flash: 'IF', flash_exit_xip: 'EX', flash_range_erase: 'RE', flash_range_program: 'RP',
  flash_flush_cache: 'FC', flash_enter_cmd_xip: 'CX', memcpy: 'MC', memset: 'MS', memcpy44: 'M4', memset4: 'S4',
  popcount32: 'P3', clz32: 'L3', ctz32: 'T3', reverse32: 'R3', reset_usb_boot: 'UB', reset_to_usb_boot: 'UB', wait_for_vector: 'WV',
};

function romFunctionCodes(bin: Uint8Array): string[] {
  const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const codes: string[] = [];
  for (let p = dv.getUint16(0x14, true); dv.getUint32(p, true) !== 0; p += 8) {
    const c = dv.getUint32(p, true);
    expect(dv.getUint32(p + 4, true) & 1, 'function pointers are Thumb addresses').toBe(1);
    codes.push(String.fromCharCode(c & 0xff, c >> 8));
  }
  return codes;
}

describe('NOR flash model', () => {
  const make = () => {
    let now = 0;
    const mem = new Uint8Array(1 << 16).fill(0xff);
    const nor = new NorFlash(() => mem, () => now);
    const tx = (...bytes: number[]) => {
      nor.select();
      const out = bytes.map((b) => nor.transfer(b));
      nor.deselect();
      return out;
    };
    return { mem, nor, tx, advance: (us: number) => (now += us * 1000) };
  };

  it('erases and programs only after WRITE ENABLE, and is busy for the modelled time', () => {
    const { mem, tx, advance } = make();
    mem.fill(0x12, 0x1000, 0x2000);
    tx(0x20, 0x00, 0x10, 0x00); // no WEL: ignored
    expect(mem[0x1000]).toBe(0x12);
    tx(0x06);
    expect(tx(0x05, 0)[1] & 2).toBe(2);
    tx(0x20, 0x00, 0x10, 0x00);
    expect(mem[0x1000]).toBe(0xff);
    expect(mem[0x1fff]).toBe(0xff);
    expect(mem[0x2000]).toBe(0xff);
    expect(tx(0x05, 0)[1] & 3).toBe(1); // WIP set, WEL cleared
    tx(0x06); // ignored while busy
    advance(44_000);
    expect(tx(0x05, 0)[1] & 1).toBe(1);
    advance(2_000);
    expect(tx(0x05, 0)[1] & 1).toBe(0);
    expect(tx(0x05, 0)[1] & 2).toBe(0);
  });

  it('page program ANDs bits and wraps inside the 256-byte page', () => {
    const { mem, tx, advance } = make();
    tx(0x06);
    tx(0x02, 0x00, 0x01, 0xfe, 0x0f, 0xf0, 0x3c); // 3 bytes from 0x1fe: 0x1fe, 0x1ff, then wraps to 0x100
    advance(1000);
    expect([mem[0x1fe], mem[0x1ff], mem[0x100], mem[0x200]]).toEqual([0x0f, 0xf0, 0x3c, 0xff]);
    tx(0x06);
    tx(0x02, 0x00, 0x01, 0xfe, 0xf1);
    expect(mem[0x1fe]).toBe(0x01); // 0x0f & 0xf1: programming never sets bits
    expect(tx(0x03, 0x00, 0x01, 0xfe, 0, 0)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]); // busy: ignored
    advance(1000);
    expect(tx(0x03, 0x00, 0x01, 0xfe, 0, 0)).toEqual([0xff, 0xff, 0xff, 0xff, 0x01, 0xf0]);
  });
});

const fw = loadFirmware();
const missing = 'missing' in fw ? fw.missing : '';
const record = 'missing' in fw ? {} : (fw.record as { firmwareVersion?: string; arenaBytes?: number; slot?: { size: number }; rates?: number[] });

const RATE_HZ = 50;
const recording = makeRecording(RATE_HZ * 40, RATE_HZ);

/**
 * The firmware's float for a raw MPU6050 reading, in float32 as board_imu.cpp computes it:
 * acceleration raw / LSB_per_g × 9.80665 (m/s²), rotation raw / LSB_per_dps (deg/s).
 */
function expectedFrame(i: number, afs: number, fs: number): number[] {
  const out: number[] = [];
  const g = Math.fround(STANDARD_GRAVITY);
  for (let a = 0; a < 3; a++) out.push(Math.fround(Math.fround(quantiseAccel(recording[i * 6 + a], afs) / ACCEL_LSB_PER_G[afs]) * g));
  for (let a = 0; a < 3; a++) out.push(Math.fround(quantiseGyro(recording[i * 6 + 3 + a], fs) / Math.fround(GYRO_LSB_PER_DPS[fs])));
  return out;
}

describe.skipIf(!!missing)(`emulated RP2040 running the committed runtime image${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let board: EmulatedBoard;
  let client: DeviceClient;
  const wallStart = Date.now();
  let impulses: BuiltImpulse[] = [];
  const run = <T,>(p: Promise<T>, maxMs = 20_000) => board.runUntil(p, maxMs);
  const connect = async () => {
    await board.transport.open({ baudRate: 115200 });
    client = new DeviceClient(board.transport);
    return run(client.connect());
  };
  const nack = async (p: Promise<unknown>): Promise<NackError> => {
    const e = await run(p.then(() => null, (x: unknown) => x));
    expect(e, 'expected a NACK').toBeInstanceOf(NackError);
    return e as NackError;
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    board = createEmulatedBoard({
      image: (fw as { image: Uint8Array }).image,
      bootrom: loadBootrom(),
      imu: { frames: recording, rateHz: RATE_HZ },
      onAdvance: (ms) => vi.advanceTimersByTime(ms),
      yieldToHost: () => new Promise((r) => setImmediate(r)),
    });
    board.runFor(250);
    impulses = buildImpulses(recording, RATE_HZ);
  });

  afterAll(() => {
    vi.useRealTimers();
    if (!board) return;
    const emu = board.nowMs / 1000;
    console.log(`emulated board: ${emu.toFixed(2)} s emulated in ${(board.wallMs / 1000).toFixed(1)} s of emulator wall time ` +
      `(${(board.wallMs / 1000 / emu).toFixed(1)}× slower than real time; ${((Date.now() - wallStart) / 1000).toFixed(1)} s for the whole file)`);
    board.stop();
  });

  it('the test boot ROM provides every ROM function the image\'s build record lists', () => {
    const have = romFunctionCodes(loadBootrom());
    const listed = (record as { romFunctions?: string[] }).romFunctions ?? [];
    expect(listed.length).toBeGreaterThan(0);
    for (const name of listed) {
      expect(ROM_CODES[name], `unknown ROM function ${name}: add it to the test boot ROM`).toBeDefined();
      expect(have, `the test boot ROM lacks ${name}`).toContain(ROM_CODES[name]);
    }
  });

  it('boots from the test boot ROM and answers HELLO with INFO: board, version, arena and slot of the build', async () => {
    expect(board.events.breakpoints).toEqual([]);
    expect(board.events.usbConnected.length).toBe(1);
    const info = await connect();
    expect(info.firmwareVersion).toBe(record.firmwareVersion);
    expect(info.board).toMatch(/MPU6050/);
    expect(info.arenaCapacity).toBe(record.arenaBytes);
    expect(info.modelCapacity).toBe(record.slot!.size - 4096);
    expect(info.sensors[0].axes.map((a) => a.name)).toEqual(['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ']);
    // the studio's units, named as the simulated board names them (a model trained there reads the same scale)
    expect(info.sensors[0].axes.map((a) => a.units)).toEqual(IMU_AXES.map((a) => a.units));
    expect(info.sensors[0].ratesMilliHz).toEqual(record.rates);
    expect(info.sensors[0].currentRateMilliHz).toBe(RATE_HZ * 1000);
    expect(info.model.state).toBe(ModelState.EMPTY);
    // The firmware probed and configured the chip over I2C: ±4 g, ±2000 dps.
    expect(board.imu.regs[0x1c] >> 3 & 3).toBe(1);
    expect(board.imu.regs[0x1b] >> 3 & 3).toBe(3);
  });

  it('streams the fed recording at its own rate: counters contiguous, values = the chip\'s quantised samples', async () => {
    const afs = board.imu.regs[0x1c] >> 3 & 3, fs = board.imu.regs[0x1b] >> 3 & 3;
    const index = new Map<string, number>();
    for (let i = 0; i < recording.length / 6; i++) index.set(expectedFrame(i, afs, fs).join(','), i);
    const batches: SampleBatch[] = [];
    const t0 = board.nowMs;
    let frames = 0;
    await run((async () => {
      for await (const b of client.stream({ format: SampleFormat.FLOAT32, framesPerBatch: 5 })) {
        batches.push(b);
        frames += b.frames;
        if (frames >= 75) break;
      }
    })());
    const elapsedS = (board.nowMs - t0) / 1000;
    expect(client.streamStats.droppedFrames).toBe(0);
    expect(client.streamStats.gaps).toBe(0);
    expect(batches[0].counter).toBe(0);
    batches.forEach((b, k) => k > 0 && expect(b.counter).toBe(batches[k - 1].counter + batches[k - 1].frames));
    // frames arrive at the board's rate of emulated time (75 frames at 50 Hz = 1.5 s, plus a batch of latency)
    expect(elapsedS).toBeGreaterThan(75 / RATE_HZ - 0.05);
    expect(elapsedS).toBeLessThan(75 / RATE_HZ + 0.3);
    const idx: number[] = [];
    for (const b of batches) {
      for (let f = 0; f < b.frames; f++) {
        const v = Array.from(b.values.subarray(f * 6, f * 6 + 6));
        const i = index.get(v.join(','));
        expect(i, `frame ${b.counter + f} (${v.join(', ')}) is not a quantised frame of the recording`).toBeDefined();
        idx.push(i!);
      }
    }
    const steps = idx.slice(1).map((v, k) => v - idx[k]);
    expect(steps.every((s) => s >= 0)).toBe(true);
    expect(steps.filter((s) => s === 1).length).toBeGreaterThanOrEqual(steps.length - 2);
  });

  it('NACKs what PROTOCOL.md says it refuses', async () => {
    const info = client.info!;
    const cap = info.modelCapacity;
    expect((await nack(client.setInference(true))).nackCode).toBe(NackCode.NO_MODEL);
    expect((await nack(client.command(0x7e))).nackCode).toBe(NackCode.UNKNOWN_TYPE);
    expect((await nack(client.command(MsgType.SET_RATE, Uint8Array.of(0, 1, 2)))).nackCode).toBe(NackCode.BAD_PAYLOAD);
    const r = await nack(client.setRate(0, 33_000));
    expect(r.nackCode).toBe(NackCode.UNSUPPORTED_RATE);
    expect(r.nackValue).toBe(25_000);
    expect((await nack(client.setRate(3, 50_000))).nackCode).toBe(NackCode.NO_SENSOR);
    expect((await nack(client.command(MsgType.START_STREAM, encodeStartStream({ sensor: 2, format: SampleFormat.FLOAT32, framesPerBatch: 1 })))).nackCode).toBe(NackCode.NO_SENSOR);
    expect((await nack(client.command(MsgType.START_STREAM, encodeStartStream({ sensor: 0, format: SampleFormat.FLOAT32, framesPerBatch: 0 })))).nackCode).toBe(NackCode.BAD_PAYLOAD);
    // streaming: SET_RATE and MODEL_BEGIN are BUSY
    await run(client.command(MsgType.START_STREAM, encodeStartStream({ sensor: 0, format: SampleFormat.INT16, framesPerBatch: 4 })));
    expect((await nack(client.command(MsgType.SET_RATE, encodeSetRate({ sensor: 0, rateMilliHz: 25_000 })))).nackCode).toBe(NackCode.BUSY);
    expect((await nack(client.command(MsgType.MODEL_BEGIN, encodeModelBegin({ length: 100, crc32: 1, sequence: 1, arenaSize: 1000 })))).nackCode).toBe(NackCode.BUSY);
    await run(client.stopStream());
    // upload state machine
    const tooLarge = await nack(client.command(MsgType.MODEL_BEGIN, encodeModelBegin({ length: cap + 1, crc32: 1, sequence: 1, arenaSize: 1000 })));
    expect(tooLarge.nackCode).toBe(NackCode.TOO_LARGE);
    expect(tooLarge.nackValue).toBe(cap);
    expect((await nack(client.command(MsgType.MODEL_BEGIN, encodeModelBegin({ length: 100, crc32: 1, sequence: 1, arenaSize: info.arenaCapacity + 1 })))).nackCode).toBe(NackCode.TOO_LARGE);
    expect((await nack(client.command(MsgType.MODEL_DATA, encodeModelData({ offset: 0, data: new Uint8Array(8) })))).nackCode).toBe(NackCode.BAD_STATE);
    expect((await nack(client.command(MsgType.MODEL_END))).nackCode).toBe(NackCode.BAD_STATE);
    const bytes = Uint8Array.from({ length: 1500 }, (_, i) => (i * 37) & 0xff);
    const begin = client.command(MsgType.MODEL_BEGIN, encodeModelBegin({ length: bytes.length, crc32: crc32(bytes) ^ 1, sequence: 77, arenaSize: 2048 }), 5000);
    expect((await run(begin)).value).toBe(0);
    const gap = await nack(client.command(MsgType.MODEL_DATA, encodeModelData({ offset: 512, data: bytes.subarray(512, 1024) })));
    expect([gap.nackCode, gap.nackValue]).toEqual([NackCode.OUT_OF_ORDER, 0]);
    expect((await nack(client.command(MsgType.MODEL_DATA, new Uint8Array(4)))).nackCode).toBe(NackCode.BAD_PAYLOAD); // offset, no data
    expect((await run(client.command(MsgType.MODEL_DATA, encodeModelData({ offset: 0, data: bytes.subarray(0, 512) })))).value).toBe(512);
    const early = await nack(client.command(MsgType.MODEL_END));
    expect([early.nackCode, early.nackValue]).toEqual([NackCode.INCOMPLETE, 512]);
    for (let off = 512; off < bytes.length; off += 512) await run(client.command(MsgType.MODEL_DATA, encodeModelData({ offset: off, data: bytes.subarray(off, off + 512) })));
    const bad = await nack(client.command(MsgType.MODEL_END, undefined, 5000));
    expect([bad.nackCode, bad.nackValue]).toEqual([NackCode.CRC_MISMATCH, crc32(bytes)]);
    expect((await run(client.modelStatus())).state).toBe(ModelState.EMPTY);
  });

  it('survives hostile input: garbage, oversized blocks, bad CRC, huge frames-per-batch', async () => {
    const rnd = (n: number, seed: number) => {
      let s = seed;
      return Uint8Array.from({ length: n }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 0xff);
    };
    const before = (await run(client.getInfo())).firmwareVersion;
    await board.transport.write(rnd(4000, 1).map((b) => b || 1)); // 4000 bytes without a delimiter
    await board.transport.write(Uint8Array.of(0));
    await board.transport.write(rnd(4000, 2)); // random blocks
    await board.transport.write(Uint8Array.of(0, 0, 0));
    const hello = encodeFrame(MsgType.GET_INFO, 9, new Uint8Array(0));
    const broken = hello.slice();
    broken[2] ^= 0x20;
    await board.transport.write(broken);
    board.runFor(100);
    expect((await run(client.getInfo())).firmwareVersion).toBe(before);
    const huge = await nack(client.command(MsgType.START_STREAM, encodeStartStream({ sensor: 0, format: SampleFormat.FLOAT32, framesPerBatch: 255 })));
    expect(huge.nackCode).toBe(NackCode.BAD_PAYLOAD);
    expect(huge.nackValue).toBe(maxFramesPerBatch(6, SampleFormat.FLOAT32)); // the largest count it takes
    const tooLong = await nack(client.command(MsgType.MODEL_DATA, Uint8Array.from({ length: 4 + 600 })));
    expect([NackCode.BAD_PAYLOAD, NackCode.BAD_STATE]).toContain(tooLong.nackCode);
    expect(board.events.breakpoints).toEqual([]);
  });

  it('takes a slot payload (model + descriptor) with uploadModel, keeps it over a power cycle and classifies', async () => {
    const imp = impulses[0];
    const programs0 = board.nor.stats.pagePrograms;
    const res = await run(uploadModel(client, imp.slot, { sequence: 1 }), 30_000);
    expect(res.resumedFrom).toBe(0);
    // the firmware's real flash path ran: page programs through the SSI into the chip's array
    expect(board.nor.stats.pagePrograms - programs0).toBeGreaterThanOrEqual(Math.ceil(imp.payload.length / 256));
    const slotAddr = (record as { slot?: { address: number } }).slot!.address - 0x10000000;
    expect(Array.from(board.flash.subarray(slotAddr + 4096, slotAddr + 4096 + imp.payload.length))).toEqual(Array.from(imp.payload));
    const st = await run(client.modelStatus());
    expect([st.state, st.length, st.crc32, st.sequence]).toEqual([ModelState.VALID, imp.payload.length, crc32(imp.payload), 1]);
    board.powerCycle();
    board.runFor(250);
    const info = await connect();
    expect(info.model).toMatchObject({ state: ModelState.VALID, sequence: 1, crc32: crc32(imp.payload), length: imp.payload.length });
    const got: InferenceMsg[] = [];
    const off = client.onInference((m) => got.push(m));
    await run(client.setInference(true));
    await run(new Promise<void>((r) => { const t = client.onInference(() => { t(); r(); }); }), 3000);
    off();
    expect(got[0].scores.length).toBe(4);
    await run(client.setInference(false));
  });

  it('resumes an upload cut by a power cycle where the board left off', async () => {
    const imp = impulses[1];
    let cut = false;
    const first = uploadModel(client, imp.slot, {
      sequence: 2, chunkSize: 256,
      onProgress: (p) => {
        if (!cut && (p.fraction ?? 0) > 0.6) {
          cut = true;
          board.powerCycle();
        }
      },
    });
    await expect(run(first, 30_000)).rejects.toMatchObject({ code: 'disconnected' });
    board.runFor(250);
    const info = await connect();
    expect(info.model.state).toBe(ModelState.RECEIVING);
    const res = await run(uploadModel(client, imp.slot, { sequence: 2 }), 30_000);
    expect(res.resumedFrom).toBeGreaterThan(0);
    expect(res.resumedFrom % 1024).toBe(0);
    const st = await run(client.modelStatus());
    expect([st.state, st.crc32, st.sequence]).toEqual([ModelState.VALID, crc32(imp.payload), 2]);
    // every flash command of the boot ROM and pico-sdk reached the chip in a state it accepts
    expect(board.nor.stats.continuousModeConfusions).toBe(0);
    expect(board.ssi.rxOverflows).toBe(0);
  });

  it('samples at the impulse\'s rate from the descriptor, or refuses inference when no sensor rate matches', async () => {
    const odd = buildFlatten(recording, 33, 'flatten-33Hz');
    await run(uploadModel(client, odd.slot, { sequence: 5 }), 30_000);
    const refused = await nack(client.setInference(true));
    expect([refused.nackCode, refused.nackValue]).toEqual([NackCode.UNSUPPORTED_RATE, 33_000]);
    const fast = buildFlatten(recording, 62.5, 'flatten-62.5Hz');
    await run(uploadModel(client, fast.slot, { sequence: 6 }), 30_000);
    expect((await run(client.getInfo())).sensors[0].currentRateMilliHz).toBe(62_500);
    expect((await run(client.command(MsgType.SET_INFERENCE, Uint8Array.of(1)))).value).toBe(62_500);
    expect((await nack(client.setRate(0, 50_000))).nackCode).toBe(NackCode.BUSY);
    await run(client.setInference(false));
    await run(client.setRate(0, 50_000));
    await run(client.command(MsgType.START_STREAM, encodeStartStream({ sensor: 0, format: SampleFormat.INT16, framesPerBatch: 4 })));
    const busy = await nack(client.setInference(true));
    expect([busy.nackCode, busy.nackValue]).toEqual([NackCode.BUSY, 62_500]);
    await run(client.stopStream());
  });

  describe('on-device int8 scores equal the app\'s int8 interpreter on the windows the board sampled', () => {
    for (const which of [0, 1, 2]) {
      it(`impulse ${['flatten', 'spectral with low-pass', '1-D conv'][which]}`, async () => {
        const imp = impulses[which];
        const seq = 10 + which;
        const st0 = await run(client.modelStatus());
        if (!(st0.state === ModelState.VALID && st0.crc32 === crc32(imp.payload))) {
          await run(uploadModel(client, imp.slot, { sequence: seq }), 30_000);
        }
        const frames: number[][] = [];
        const base = client.streamStats.frames;
        const events: { at: number; m: InferenceMsg }[] = [];
        const off = client.onInference((m) => events.push({ at: client.streamStats.frames, m }));
        const want = 3;
        await run((async () => {
          let started = false;
          for await (const b of client.stream({ format: SampleFormat.FLOAT32, framesPerBatch: 1 })) {
            for (let f = 0; f < b.frames; f++) frames.push(Array.from(b.values.subarray(f * 6, f * 6 + 6)));
            if (!started) {
              started = true;
              await client.setInference(true);
            }
            if (events.filter((e) => e.at - base >= imp.windowFrames + 1).length >= want) break;
          }
        })(), 20_000);
        off();
        await run(client.setInference(false));
        const checked = events.filter((e) => e.at - base >= imp.windowFrames + 1);
        expect(checked.length).toBeGreaterThanOrEqual(want);
        for (const { at, m } of checked) {
          const end = at - base;
          const window = Float32Array.from(frames.slice(end - imp.windowFrames, end).flat());
          const app = Array.from(imp.appScores(window));
          const board = m.format === SampleFormat.INT8
            ? m.scores.map((s) => Math.round(s * 256 - 128))
            : m.scores.map((s) => Math.round(s / imp.output.scale + imp.output.zeroPoint));
          if (m.format !== SampleFormat.INT8) expect(m.scores).toEqual(app.map((q) => Math.fround((q - imp.output.zeroPoint) * imp.output.scale)));
          expect(board, `window ending at frame ${end}`).toEqual(app);
        }
        // consecutive inferences are one stride apart
        checked.slice(1).forEach((e, k) => expect(e.at - checked[k].at).toBe(imp.strideFrames));
        // The strict simulated board, given only the same slot bytes and the same sampled stream, decides
        // the same: same window, same stride, same label and scores on every checked window.
        const info = client.info!;
        const sim = new SlotInference({ sensorAxes: info.sensors[0].axes.map((a) => a.name), arenaCapacity: info.arenaCapacity });
        expect(sim.load(imp.payload), sim.problem ?? '').toBe(true);
        expect([sim.windowFrames, sim.strideFrames]).toEqual([imp.windowFrames, imp.strideFrames]);
        for (const { at, m } of checked) {
          const end = at - base;
          const r = sim.run(Float32Array.from(frames.slice(end - imp.windowFrames, end).flat()), 6);
          expect(r.labelIndex, `strict simulated board, window ending at frame ${end}`).toBe(m.labelIndex);
          if (m.format !== SampleFormat.INT8) expect(r.scores.map((x) => Math.fround(x))).toEqual(m.scores);
        }
      });
    }
  });
});
