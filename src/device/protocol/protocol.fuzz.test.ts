/**
 * Property-based tests of the framed protocol (fixed seed, FUZZ_RUNS cases under `npm run fuzz`):
 * COBS round trips and never throws on arbitrary bytes; the frame decoder, fed random chunkings of a
 * stream of valid frames mixed with noise, overflowing blocks and frames damaged on the wire, yields
 * exactly the valid frames in order; the DeviceClient driving the simulated runtime firmware with
 * random command sequences always settles (no hang on the virtual clock) and fails only with
 * StudioErrors, and the board still answers afterwards.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { isStudioError } from '../../core/errors.ts';
import { fuzzParams } from '../../../tests/helpers/fuzz.ts';
import { SimulatedBoard } from '../sim/simulated-board.ts';
import { DeviceClient } from './client.ts';
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.ts';
import { FrameDecoder, MAX_ENCODED_FRAME, encodeFrame } from './frame.ts';
import { MAX_PAYLOAD, ModelState, SampleFormat } from './ids.ts';
import { uploadSlotBytes } from './model-upload.ts';

describe('COBS (property-based)', () => {
  it('round-trips any bytes, never emits 0x00 and stays within the size bound', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2100 }), fc.boolean(), (data, zeros) => {
      if (zeros) for (let i = 0; i < data.length; i += 5) data[i] = 0;
      const enc = cobsEncode(data);
      expect(enc.includes(0)).toBe(false);
      expect(enc.length).toBeLessThanOrEqual(cobsMaxEncodedLength(data.length));
      expect(cobsDecode(enc)).toEqual(data);
    }), fuzzParams('cobs_roundtrip'));
  });

  it('decodes arbitrary bytes to a block or null, never throwing', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (data) => {
      const out = cobsDecode(data);
      if (out !== null) {
        expect(out.length).toBeLessThanOrEqual(data.length);
        // a block that decodes is the encoding of what it decodes to (COBS is a bijection onto its image)
        if (!data.includes(0) && data.length > 0) expect(cobsDecode(cobsEncode(out))).toEqual(out);
      }
    }), fuzzParams('cobs_arbitrary_decode'));
  });
});

type Piece =
  | { kind: 'frame'; type: number; seq: number; payload: Uint8Array }
  | { kind: 'damaged'; type: number; seq: number; payload: Uint8Array; at: number; how: number }
  | { kind: 'noise'; bytes: Uint8Array }
  | { kind: 'overflow'; extra: number }
  | { kind: 'idle' };

const payloadArb = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 600 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: MAX_PAYLOAD - 8, maxLength: MAX_PAYLOAD }) },
);
const pieceArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('frame' as const), type: fc.nat(255), seq: fc.nat(255), payload: payloadArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('damaged' as const), type: fc.nat(255), seq: fc.nat(255), payload: payloadArb, at: fc.nat(), how: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('noise' as const), bytes: fc.uint8Array({ maxLength: 80 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('overflow' as const), extra: fc.integer({ min: 1, max: 700 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'idle' as const }) },
);

/** Wire damage that always leaves an invalid block ending in a delimiter. */
function damage(f: Uint8Array, at: number, how: number): Uint8Array {
  const i = at % (f.length - 1);
  const b = Array.from(f);
  if (how === 0) {
    const v = b[i] ^ (1 << (at % 8));
    b[i] = v === 0 ? b[i] ^ 0xff : v;
  } else if (how === 1) b.splice(i, 1);
  else if (how === 2) b.splice(i, 0, (at % 255) + 1);
  else return Uint8Array.from([...b.slice(0, Math.max(1, i)), 0]); // cut short (never to an empty block: that is idle fill)
  return Uint8Array.from(b);
}

describe('frame decoder (property-based)', () => {
  it('yields exactly the valid frames of a noisy stream, however it is chunked', () => {
    fc.assert(fc.property(fc.array(pieceArb, { maxLength: 25 }), fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 40 }), (pieces, cuts) => {
      const parts: Uint8Array[] = [];
      const want: string[] = [];
      let damaged = 0;
      for (const p of pieces) {
        if (p.kind === 'frame') {
          parts.push(encodeFrame(p.type, p.seq, p.payload));
          want.push(`${p.type}/${p.seq}/${Buffer.from(p.payload).toString('hex')}`);
        } else if (p.kind === 'damaged') {
          parts.push(damage(encodeFrame(p.type, p.seq, p.payload), p.at, p.how));
          damaged++;
        } else if (p.kind === 'noise') {
          parts.push(p.bytes, new Uint8Array([0])); // closed by a delimiter: the next frame starts clean
        } else if (p.kind === 'overflow') {
          parts.push(new Uint8Array(MAX_ENCODED_FRAME + p.extra).fill(0x55), new Uint8Array([0]));
        } else {
          parts.push(new Uint8Array([0, 0]));
        }
      }
      const stream = Buffer.concat(parts);
      const d = new FrameDecoder();
      const got: string[] = [];
      let pos = 0;
      for (let i = 0; pos < stream.length; i++) {
        const n = cuts[i % cuts.length];
        for (const f of d.push(new Uint8Array(stream.subarray(pos, pos + n))).frames) got.push(`${f.type}/${f.seq}/${Buffer.from(f.payload).toString('hex')}`);
        pos += n;
      }
      expect(got).toEqual(want);
      expect(d.stats.frames).toBe(want.length);
      expect(d.stats.errors).toBeGreaterThanOrEqual(damaged);
      expect(d.pending).toBe(0);
    }), fuzzParams('frame_decoder'));
  });
});

type Op =
  | { op: 'info' }
  | { op: 'status' }
  | { op: 'rate'; sensor: number; pick: number; raw: number; exact: boolean }
  | { op: 'inference'; on: boolean }
  | { op: 'stream'; format: number; fpb: number; batches: number }
  | { op: 'raw'; type: number; payload: Uint8Array }
  | { op: 'noise'; bytes: Uint8Array }
  | { op: 'upload'; size: number; arena: number; seed: number }
  | { op: 'wait'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ op: 'info' as const }),
  fc.constant({ op: 'status' as const }),
  fc.record({ op: fc.constant('rate' as const), sensor: fc.oneof(fc.constant(0), fc.nat(255)), pick: fc.nat(), raw: fc.nat(0xffffffff), exact: fc.boolean() }),
  fc.record({ op: fc.constant('inference' as const), on: fc.boolean() }),
  fc.record({ op: fc.constant('stream' as const), format: fc.oneof(fc.constantFrom(SampleFormat.FLOAT32, SampleFormat.INT16), fc.nat(255)), fpb: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.nat(300)), batches: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('raw' as const), type: fc.nat(255), payload: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ op: fc.constant('noise' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({ op: fc.constant('upload' as const), size: fc.integer({ min: 1, max: 3000 }), arena: fc.oneof(fc.nat(60000), fc.nat(0xffffffff)), seed: fc.nat() }),
  fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
);

/** Advances the virtual clock until `p` settles; fails the property if it is still pending after `limitMs`. */
async function settle<T>(clock: VirtualClock, p: Promise<T>, what: string, limitMs = 60_000): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let done: { ok: true; value: T } | { ok: false; error: unknown } | null = null;
  p.then((value) => (done = { ok: true, value }), (error: unknown) => (done = { ok: false, error }));
  for (let t = 0; done === null; t += 20) {
    if (t > limitMs) throw new Error(`${what} still pending after ${limitMs} ms of virtual time`);
    await clock.advance(20);
  }
  return done;
}

function expectTyped(r: { ok: boolean; error?: unknown }, what: string): void {
  if (!r.ok && !isStudioError(r.error)) throw new Error(`${what} threw an untyped error: ${String(r.error)}`);
}

describe('DeviceClient against the simulated runtime firmware (property-based)', () => {
  it('settles every command of a random sequence with a result or a StudioError, and the board still answers', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
      const clock = new VirtualClock();
      const board = new SimulatedBoard({ clock, mode: 'framed', seed: 3 });
      await board.transport.open({ baudRate: 115200 });
      const client = new DeviceClient(board.transport, { helloTimeoutMs: 300, commandTimeoutMs: 300, clock });
      const info = await settle(clock, client.connect(), 'connect');
      if (!info.ok) throw new Error(`connect failed: ${String(info.error)}`);
      const sensor = info.value.sensors[0];
      for (const o of ops) {
        const what = JSON.stringify(o, (_k, v: unknown) => (v instanceof Uint8Array ? `${v.length} bytes` : v));
        let r: { ok: boolean; error?: unknown };
        switch (o.op) {
          case 'info': r = await settle(clock, client.getInfo(), what); break;
          case 'status': r = await settle(clock, client.modelStatus(), what); break;
          case 'rate': {
            const rate = o.exact ? sensor.ratesMilliHz[o.pick % sensor.ratesMilliHz.length] : o.raw;
            r = await settle(clock, client.setRate(o.sensor, rate), what);
            break;
          }
          case 'inference': r = await settle(clock, client.setInference(o.on), what); break;
          case 'raw': r = await settle(clock, client.command(o.type, o.payload), what); break;
          case 'noise': r = await settle(clock, board.transport.write(o.bytes), what); break;
          case 'wait': await clock.advance(o.ms); r = { ok: true }; break;
          case 'upload': {
            const model = Uint8Array.from({ length: o.size }, (_, i) => (i * 31 + o.seed) & 0xff);
            r = await settle(clock, uploadSlotBytes(client, model, { sequence: o.seed % 1000, arenaSize: o.arena, retries: 2 }), what);
            if (r.ok) {
              const st = await settle(clock, client.modelStatus(), 'status after upload');
              expect(st.ok && st.value.state).toBe(ModelState.VALID);
            }
            break;
          }
          case 'stream': {
            const run = async () => {
              let n = 0;
              for await (const b of client.stream({ format: o.format as SampleFormat, framesPerBatch: o.fpb })) { // any byte, not only the known formats
                expect(b.values.length).toBe(b.frames * b.axes);
                if (++n >= o.batches) break;
              }
              return n;
            };
            r = await settle(clock, run(), what);
            break;
          }
        }
        expectTyped(r, what);
      }
      // whatever happened, the board answers the very next command (the client opens every frame with
      // a 0x00, which closes any noise the board still holds) and a stream can be started again
      const again = await settle(clock, client.getInfo(), 'final GET_INFO');
      if (!again.ok) throw new Error(`the board stopped answering: ${String(again.error)}`);
      const st = await settle(clock, (async () => {
        for await (const b of client.stream({ format: SampleFormat.INT16, framesPerBatch: 5 })) return b.frames;
        return 0;
      })(), 'final stream');
      if (!st.ok) {
        // refused only while inference is on at another rate (BUSY) is acceptable; anything else is not
        expectTyped(st, 'final stream');
      } else {
        expect(st.value).toBeGreaterThan(0);
      }
      await board.transport.close();
    }), fuzzParams('device_client', 40));
  }, 600_000);
});
