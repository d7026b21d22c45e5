import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isCancelled, isStudioError } from '../../core/errors.ts';
import { DeviceClient, NackError } from './client.ts';
import { crc32 } from '../../core/crc.ts';
import { createTwinCore, fakeImuValue } from './test-support/host-twin.ts';
import { ModelState, MsgType, NackCode, SampleFormat } from './ids.ts';
import { SLOT } from '../../core/slot-layout.ts';
import * as M from './messages.ts';
import { MemoryFlash, buildModelSlotImage, readSlot, slotCapacity } from './model-slot.ts';
import { uploadSlotBytes } from './model-upload.ts';
import { CoreTransport } from './test-support/core-transport.ts';
import { repoRoot } from './test-support/host-program.ts';
import { prng, randomBytes } from './test-support/prng.ts';

function twin(flash = new MemoryFlash(128 * 1024, 4096, 256)) {
  const t = new CoreTransport((send) => createTwinCore(flash, send));
  return { t, flash };
}

describe('generated protocol ids', () => {
  it('are up to date with firmware/protocol/spec.json', () => {
    const r = spawnSync(process.execPath, ['firmware/tools/gen-protocol.mjs', '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('message codecs', () => {
  it('round-trip every message', () => {
    const info: M.InfoMsg = {
      protocolVersion: 1, firmwareVersion: '0.1.0', board: 'Nano 33 BLE Sense Rev2',
      sensors: [{ name: 'imu', axes: [{ name: 'accX', units: 'g' }], ratesMilliHz: [100000], currentRateMilliHz: 100000 }],
      modelCapacity: 1000, arenaCapacity: 2000, model: { state: ModelState.VALID, sequence: 3, crc32: 0xdeadbeef, length: 10, arenaSize: 5 }, maxPayload: 1024,
    };
    expect(M.decodeInfo(M.encodeInfo(info))).toEqual(info);
    expect(M.decodeModelBegin(M.encodeModelBegin({ length: 1, crc32: 0xffffffff, sequence: 2, arenaSize: 3 }))).toEqual({ length: 1, crc32: 0xffffffff, sequence: 2, arenaSize: 3 });
    expect(M.decodeNack(M.encodeNack({ ackType: 1, ackSeq: 2, code: 3, value: 4 }))).toEqual({ ackType: 1, ackSeq: 2, code: 3, value: 4 });
    expect(M.decodeLog(M.encodeLog({ level: 2, text: 'hé' }))).toEqual({ level: 2, text: 'hé' });
    const s = M.decodeSamples(M.encodeSamples({ counter: 7, axes: 2, format: SampleFormat.INT16, scales: [0.5, 0.25], values: [2, -4, 6, 8] }));
    expect([...s.values]).toEqual([1, -1, 3, 2]);
    const inf = M.decodeInference(M.encodeInference({ timingUs: 9, labelIndex: 1, format: SampleFormat.INT8, scores: [0, 0.5, 0.25] }));
    expect(inf.scores).toEqual([0, 0.5, 0.25]);
    expect(() => M.decodeAck(new Uint8Array(3))).toThrow(/too short/);
    expect(() => M.decodeSamples(M.encodeSamples({ counter: 0, axes: 3, format: SampleFormat.FLOAT32, values: [1, 2, 3] }).subarray(0, 12))).toThrow();
    expect(M.maxFramesPerBatch(6, SampleFormat.FLOAT32)).toBe(42);
  });
});

describe('model slot', () => {
  it('builds a slot image the firmware boots as valid', () => {
    const model = randomBytes(prng(3), 5000);
    const img = buildModelSlotImage(model, { sequence: 5, arenaSize: 100 });
    expect(img.length % SLOT.SECTOR_SIZE).toBe(0);
    const flash = new MemoryFlash(64 * 1024, 4096, 256, img);
    const slot = readSlot(flash);
    expect(slot).toMatchObject({ valid: true, header: { sequence: 5, length: 5000, crc32: crc32(model) } });
    flash.bytes[SLOT.DATA_OFFSET + 10] ^= 1;
    expect(readSlot(flash).valid).toBe(false);
    expect(() => buildModelSlotImage(model, { sequence: 1, arenaSize: 1, slotSize: 8192 })).toThrow(/does not fit/);
    expect(slotCapacity(8192)).toBe(4096);
  });
});

describe('DeviceClient + uploadModel against the TypeScript device core', () => {
  it('handshakes, streams with exact values and reports dropped samples', async () => {
    const { t } = twin();
    let dropNext = 0;
    await t.open({ baudRate: 115200 });
    const c = new DeviceClient(t);
    const info = await c.connect();
    expect(info.sensors[0].axes.map((a) => a.name)).toEqual(['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ']);
    // drop the 3rd SAMPLES frame on the way to the host
    let samplesSeen = 0;
    t.hooks.toHost = (b) => {
      const f = new Uint8Array(b);
      // SAMPLES frames are large; count them by size (ACKs are small)
      if (f.length > 60 && ++samplesSeen === 3) { dropNext++; return new Uint8Array(0); }
      return b;
    };
    const batches = [];
    for await (const b of c.stream({ framesPerBatch: 5 })) {
      batches.push(b);
      for (let i = 0; i < b.frames; i++) expect(b.values[i * 6 + 2]).toBe(fakeImuValue(b.counter + i, 2));
      if (batches.length >= 6) break;
    }
    expect(dropNext).toBe(1);
    expect(batches[2].dropped).toBe(5);
    expect(c.streamStats).toMatchObject({ droppedFrames: 5, gaps: 1 });
    await t.close();
  });

  it('turns NACKs and silence into StudioErrors', async () => {
    const { t } = twin();
    await t.open({ baudRate: 115200 });
    const c = new DeviceClient(t, { commandTimeoutMs: 100 });
    await c.connect();
    const e = await c.setRate(0, 12345).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NackError);
    expect((e as NackError).nackCode).toBe(NackCode.UNSUPPORTED_RATE);
    expect((e as NackError).nackValue).toBe(50000);
    t.hooks.toDevice = () => new Uint8Array(0);
    await expect(c.getInfo()).rejects.toSatisfy((x: unknown) => isStudioError(x, 'timeout'));
    t.unplug();
    await expect(c.command(MsgType.GET_INFO)).rejects.toSatisfy((x: unknown) => isStudioError(x, 'disconnected'));
  });

  it('uploads with lost ACKs and corrupted chunks, resumes after an unplug, reports progress', async () => {
    const flash = new MemoryFlash(128 * 1024, 4096, 256);
    let { t } = twin(flash);
    await t.open({ baudRate: 115200 });
    let c = new DeviceClient(t, { commandTimeoutMs: 60 });
    await c.connect();
    const model = randomBytes(prng(8), 9000);
    const ctrl = new AbortController();
    const fr: number[] = [];
    const p1 = uploadSlotBytes(c, model, { sequence: 2, arenaSize: 10, signal: ctrl.signal, onProgress: (p) => { fr.push(p.fraction ?? 0); if ((p.fraction ?? 0) > 0.5) ctrl.abort(); } });
    await expect(p1).rejects.toSatisfy((x: unknown) => isCancelled(x));
    expect(readSlot(flash).valid).toBe(false);
    t.unplug();
    // power cycle: a new core on the same flash; lossy link both ways
    ({ t } = twin(flash));
    const rand = prng(4);
    t.hooks.toDevice = (b) => { if (rand() < 0.1) { const x = b.slice(); x[2] ^= 4; return x; } return b; };
    t.hooks.toHost = (b) => (rand() < 0.06 ? new Uint8Array(0) : b);
    await t.open({ baudRate: 115200 });
    c = new DeviceClient(t, { commandTimeoutMs: 60, helloTimeoutMs: 60 });
    for (let i = 0; i < 5 && !c.info; i++) await c.connect().catch(() => undefined);
    const res = await uploadSlotBytes(c, model, { sequence: 2, arenaSize: 10, retries: 10 });
    expect(res.resumedFrom).toBeGreaterThanOrEqual(4096);
    expect(res.retries).toBeGreaterThan(0);
    expect(fr[0]).toBe(0);
    const slot = readSlot(flash);
    expect(slot.valid).toBe(true);
    expect(slot.model).toEqual(model);
    expect(t.core.state.modelState).toBe(ModelState.VALID);
    await t.close();
  });

  it('refuses a model that does not fit and keeps the board busy-safe', async () => {
    const { t } = twin(new MemoryFlash(16 * 1024, 4096, 256));
    await t.open({ baudRate: 115200 });
    const c = new DeviceClient(t);
    await c.connect();
    await expect(uploadSlotBytes(c, new Uint8Array(20000), { sequence: 1, arenaSize: 1 })).rejects.toSatisfy((x: unknown) => isStudioError(x, 'model-too-large'));
    await expect(uploadSlotBytes(c, new Uint8Array(100), { sequence: 1, arenaSize: 1 << 20 })).rejects.toSatisfy((x: unknown) => isStudioError(x, 'model-too-large'));
    await t.close();
  });
});
