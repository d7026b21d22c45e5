/**
 * Differential fuzzing of the device core's two implementations: random command scripts (every host
 * message type, valid and mutated payloads, uploads with good and bad CRCs, garbage between frames)
 * go to the C++ core (the g++ host build, --script mode) and to its TypeScript twin; both must answer
 * byte for byte the same and leave the same flash. Needs g++ (skips with a reason otherwise).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../core/crc.ts';
import { fuzzParams } from '../../../tests/helpers/fuzz.ts';
import { encodeFrame } from './frame.ts';
import { MsgType, SampleFormat } from './ids.ts';
import { encodeModelBegin, encodeModelData } from './messages.ts';
import { MemoryFlash } from './model-slot.ts';
import { buildHostProgram, hostBuildSkipReason } from './test-support/host-program.ts';
import { createTwinCore } from './test-support/host-twin.ts';
import { concat } from './test-support/prng.ts';

const skip = hostBuildSkipReason();
const SLOT_SIZE = 32 * 1024;

const u32 = (v: number) => new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);

/** A payload for a host message type: mostly well-formed with edge values, sometimes any bytes. */
function payloadArb(t: number): fc.Arbitrary<Uint8Array> {
  const wellFormed: Record<number, fc.Arbitrary<Uint8Array>> = {
    [MsgType.HELLO]: fc.nat(3).map((v) => new Uint8Array([v])),
    [MsgType.SET_RATE]: fc.tuple(fc.nat(2), fc.constantFrom(50000, 62500, 100000, 200000, 61000, 0, 0xffffffff))
      .map(([s, r]) => concat([new Uint8Array([s]), u32(r)])),
    [MsgType.START_STREAM]: fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(3) }),
      fc.oneof({ weight: 5, arbitrary: fc.constantFrom(SampleFormat.FLOAT32, SampleFormat.INT16) }, { weight: 1, arbitrary: fc.nat(255) }),
      fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 36, max: 130 }), fc.constantFrom(0, 254, 255)))
      .map(([s, f, n]) => new Uint8Array([s, f, n])),
    [MsgType.SET_INFERENCE]: fc.nat(2).map((v) => new Uint8Array([v])),
    [MsgType.MODEL_BEGIN]: fc.tuple(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(0xffffffff)), fc.nat(0xffffffff), fc.nat(9), fc.constantFrom(0, 100, 70000))
      .map(([l, c, q, a]) => concat([u32(l), u32(c), u32(q), u32(a)])),
    [MsgType.MODEL_DATA]: fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.uint8Array({ minLength: 1, maxLength: 513 }))
      .map(([o, d]) => concat([u32(o), d])),
  };
  const good = wellFormed[t] ?? fc.constant(new Uint8Array(0));
  return fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }) });
}

/** One step of a script: a frame, a whole upload, or line garbage. */
const stepArb: fc.Arbitrary<Uint8Array[]> = fc.oneof(
  // a host command, payload shaped for its type
  fc.tuple(fc.constantFrom(MsgType.HELLO, MsgType.SET_RATE, MsgType.START_STREAM, MsgType.STOP_STREAM, MsgType.SET_INFERENCE,
    MsgType.GET_INFO, MsgType.MODEL_BEGIN, MsgType.MODEL_DATA, MsgType.MODEL_END, MsgType.MODEL_QUERY), fc.nat(255))
    .chain(([t, seq]) => payloadArb(t).map((p) => [encodeFrame(t, seq, p)])),
  // any type byte, any payload
  fc.tuple(fc.nat(255), fc.nat(255), fc.uint8Array({ maxLength: 40 })).map(([t, q, p]) => [encodeFrame(t, q, p)]),
  // an upload: good or wrong CRC, maybe cut short, maybe without END
  fc.record({ size: fc.integer({ min: 1, max: 5000 }), seed: fc.nat(255), badCrc: fc.boolean(), cut: fc.option(fc.nat()), end: fc.boolean(), arena: fc.constantFrom(10, 70000) })
    .map(({ size, seed, badCrc, cut, end, arena }) => {
      const model = Uint8Array.from({ length: size }, (_, i) => (i * 13 + seed) & 0xff);
      const crc = crc32(model) ^ (badCrc ? 1 : 0);
      const out = [encodeFrame(MsgType.MODEL_BEGIN, 1, encodeModelBegin({ length: size, crc32: crc >>> 0, sequence: seed, arenaSize: arena }))];
      const stop = cut === null ? size : cut % size;
      for (let o = 0, i = 2; o < stop; o += 512, i++) out.push(encodeFrame(MsgType.MODEL_DATA, i & 0xff, encodeModelData({ offset: o, data: model.subarray(o, Math.min(stop, o + 512)) })));
      if (end) out.push(encodeFrame(MsgType.MODEL_END, 200));
      return out;
    }),
  // garbage, closed by a delimiter
  fc.uint8Array({ maxLength: 60 }).map((g) => [g, new Uint8Array([0])]),
);

describe.skipIf(skip !== null)(`C++ core vs TypeScript twin on random scripts ${skip ?? ''}`, () => {
  const bin = skip ? '' : buildHostProgram();

  it('answers random command scripts byte for byte alike and leaves the same flash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-diff-'));
    let n = 0;
    fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 14 }), fc.integer({ min: 0, max: 400_000 }), fc.integer({ min: 1, max: 6 }), (steps, runUs, axes) => {
      const input = concat(steps.flat());
      const flashPath = join(dir, `flash-${n++}.bin`);
      const stepUs = 1000;
      const r = spawnSync(bin, ['--flash', flashPath, '--slot-size', String(SLOT_SIZE), '--script', `${runUs},${stepUs}`, '--axes', String(axes)],
        { input: Buffer.from(input), timeout: 30_000, maxBuffer: 1 << 26 });
      expect(r.status, r.stderr.toString()).toBe(0);
      const flash = new MemoryFlash(SLOT_SIZE, 4096, 256);
      const parts: Uint8Array[] = [];
      const core = createTwinCore(flash, (b) => parts.push(b), { axes });
      core.receive(input);
      for (let t = 0; t <= runUs; t += stepUs) core.tick(t);
      expect(Buffer.from(r.stdout).toString('hex')).toBe(Buffer.from(concat(parts)).toString('hex'));
      expect(Buffer.from(readFileSync(flashPath)).equals(Buffer.from(flash.bytes))).toBe(true);
    }), fuzzParams('host_twin_differential', 100));
  }, 3_600_000);
});
