import { describe, it, expect } from 'vitest';
import type { ImpulseConfig, InputNormalization, ParamValue } from '../../core/impulse.ts';
import { DEFAULT_TRAINING } from '../../ml/defaults.ts';
import type { FloatModel } from '../../ml/float-model.ts';
import { quantizeModel } from '../../ml/quantize/quantize.ts';
import { exportTflite } from '../../ml/train/int8-export.ts';
import { Int8Interpreter } from '../../ml/tflite/interpreter.ts';
import { readTflite } from '../../ml/tflite/reader.ts';
import { estimateDeployment } from '../../ml/export/estimate.ts';
import { describeImpulse, encodeImpulseDescriptor, makeImpulseDescriptor } from '../../ml/export/impulse-descriptor.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import { DeviceClient, NackError } from '../protocol/client.ts';
import { LogLevel, MsgType, NackCode } from '../protocol/ids.ts';
import { uploadSlotBytes } from '../protocol/model-upload.ts';
import { buildSlotPayload, MemoryFlash } from '../protocol/model-slot.ts';
import { VirtualClock } from '../../core/clock.ts';
import { IMU_AXES } from './motion-model.ts';
import { FIRMWARE_DEFAULT_RATE_MILLIHZ, FIRMWARE_RATES_MILLIHZ, RUNTIME_ARENA_BYTES, runtimeInvokeMicros } from './runtime-firmware.ts';
import { SLOT_REFUSALS, SlotInference } from './sim-inference.ts';
import { SimulatedBoard } from './simulated-board.ts';

// The impulse reads accZ then accX (not the board's order), so a wrong axis pick changes the answer.
const impulse: ImpulseConfig = {
  version: 1,
  windowing: { windowMs: 1000, strideMs: 500, zeroPad: false, frequencyHz: 50, axes: ['accZ', 'accX'] },
  dsp: { block: 'flatten', params: {} },
  learn: { block: 'dense', params: {} },
  training: DEFAULT_TRAINING,
  labels: ['neg', 'pos'],
};
const sensorAxes = IMU_AXES.map((a) => a.name);
const names = getDspBlock('flatten').featureNames(dspContext(impulse));
const accXAverage = names.indexOf('accX: Average');

/** A dense model with logits (−w·x[i], +w·x[i]) over n inputs: class "pos" when input i is positive. */
function signModel(n: number, i: number, weight = 1): FloatModel {
  const kernel = new Float32Array(2 * n);
  kernel[i] = -weight;
  kernel[n + i] = weight;
  return { inputShape: [n], labels: ['neg', 'pos'], layers: [{ kind: 'dense', units: 2, inUnits: n, kernel, bias: new Float32Array(2), activation: 'none' }, { kind: 'softmax' }] };
}

/** 50 frames × 6 sensor axes with constant accX and accZ (others zero). */
function window(accX: number, accZ: number, frames = 50): Float32Array {
  const w = new Float32Array(frames * 6);
  const ix = sensorAxes.indexOf('accX');
  const iz = sensorAxes.indexOf('accZ');
  for (let t = 0; t < frames; t++) {
    w[t * 6 + ix] = accX + 0.01 * Math.sin(t);
    w[t * 6 + iz] = accZ + 0.01 * Math.cos(t);
  }
  return w;
}

function representative(cfg: ImpulseConfig = impulse): Float32Array[] {
  const run = getDspBlock(cfg.dsp.block).createRunner(dspContext(cfg));
  const pick = cfg.windowing.axes.map((a) => sensorAxes.indexOf(a));
  const rows: Float32Array[] = [];
  for (let k = -8; k <= 8; k++) {
    const w = window(k, -k * 2);
    const sel = new Float32Array(50 * pick.length);
    for (let t = 0; t < 50; t++) pick.forEach((p, j) => (sel[t * pick.length + j] = w[t * 6 + p]));
    rows.push(run.run(sel));
  }
  return rows;
}

/** Model + descriptor as every deploy path writes it. */
function slotPayload(tflite: Uint8Array, cfg: ImpulseConfig = impulse, normalization: InputNormalization | null = null): Uint8Array {
  const it = Int8Interpreter.load(tflite);
  const d = makeImpulseDescriptor(cfg, { input: { scale: it.input.scale, zeroPoint: it.input.zeroPoint }, output: { scale: it.output.scale, zeroPoint: it.output.zeroPoint }, normalization });
  return buildSlotPayload(tflite, d);
}

const hookFor = (arenaCapacity = RUNTIME_ARENA_BYTES) => {
  const logs: string[] = [];
  const hook = new SlotInference({ sensorAxes, arenaCapacity, log: (t) => logs.push(t), timingUs: 1234 });
  return { hook, logs };
};

const load = (hook: SlotInference, payload: Uint8Array, arena = 4096) => hook.loadSlot(payload, arena);

describe('SlotInference: the strict simulated board knows only its slot bytes', () => {
  const tflite = quantizeModel(signModel(names.length, accXAverage), representative()).tflite;

  it('reads axes, window, DSP and quantization from the descriptor and classifies', () => {
    const { hook, logs } = hookFor();
    expect(load(hook, slotPayload(tflite))).toBe(true);
    expect(logs).toEqual([]);
    expect(hook.impulse).toMatchObject({ described: true, block: 'flatten', axes: ['accZ', 'accX'], windowFrames: 50, strideFrames: 25, featureCount: 14, sampleRateHz: 50, labels: ['neg', 'pos'] });
    const pos = hook.run(window(4, -9), 6);
    const neg = hook.run(window(-4, 9), 6);
    expect([pos.labelIndex, neg.labelIndex]).toEqual([1, 0]);
    expect(pos.scores[1]).toBeGreaterThan(0.9);
    expect(pos.timingUs).toBe(1234);
    expect(hook.runs).toBe(2);
  });

  it('reports the Invoke time of the RP2040 runtime image for the loaded model (its emulator-measured cycle model)', () => {
    const hook = new SlotInference({ sensorAxes, arenaCapacity: RUNTIME_ARENA_BYTES });
    expect(load(hook, slotPayload(tflite))).toBe(true);
    const t = hook.run(window(4, -9), 6).timingUs;
    const pico = estimateDeployment(tflite).targets.find((x) => x.target.id === 'rp2040')!;
    expect(pico.sources.inference).toBe('emulator');
    expect(t).toBe(Math.max(1, Math.round(pico.inferenceMs * 1000)));
    expect(t).toBe(runtimeInvokeMicros(readTflite(tflite)));
  });

  it('standardises with the descriptor, not with anything the app knows', () => {
    const n = names.length;
    const mean = new Array<number>(n).fill(0);
    const std = new Array<number>(n).fill(1);
    mean[accXAverage] = 3;
    std[accXAverage] = 2;
    const normalization = { mean, std };
    const rows = representative();
    const x = new Float32Array(rows.length * n);
    rows.forEach((r, i) => x.set(r, i * n));
    // a model over standardised features z = (accX − 3) / 2: "pos" when z > −1.5, i.e. raw accX > 0
    const fm = signModel(n, accXAverage);
    const dense = fm.layers[0];
    if (dense.kind !== 'dense') throw new Error('dense first');
    const stdModel: FloatModel = { ...fm, layers: [{ ...dense, bias: Float32Array.of(-1.5, 1.5) }, ...fm.layers.slice(1)] };
    const std8 = exportTflite(stdModel, x, normalization).int8Tflite;
    const { hook } = hookFor();
    expect(load(hook, slotPayload(std8, impulse, normalization))).toBe(true);
    // standardised as the descriptor says, the board gets raw accX signs right
    expect(hook.run(window(-1, 0), 6).labelIndex).toBe(0);
    expect(hook.run(window(1, 0), 6).labelIndex).toBe(1);
    // the same model behind a descriptor without standardisation takes raw accX = −1 as z = −1 > −1.5: "pos"
    expect(load(hook, slotPayload(std8, impulse, null))).toBe(true);
    expect(hook.run(window(-1, 0), 6).labelIndex).toBe(1);
  });

  it('a bare model (no descriptor) runs the firmware raw-window fallback, not the app impulse', () => {
    // 12 features: flatten average + maximum of 6 axes. Bare, the model sees 2 raw frames × 6 axes instead.
    const cfg: ImpulseConfig = {
      ...impulse,
      windowing: { ...impulse.windowing, axes: sensorAxes },
      dsp: { block: 'flatten', params: { minimum: false, rms: false, stdev: false, skewness: false, kurtosis: false } as Record<string, ParamValue> },
    };
    const n = getDspBlock('flatten').createRunner(dspContext(cfg)).dim;
    expect(n).toBe(12);
    const fNames = getDspBlock('flatten').featureNames(dspContext(cfg));
    const model = quantizeModel(signModel(n, fNames.indexOf('accX: Average')), representative(cfg)).tflite;
    const { hook } = hookFor();
    expect(load(hook, model)).toBe(true);
    expect(hook.impulse).toMatchObject({ described: false, block: 'raw', axes: sensorAxes, windowFrames: 2, strideFrames: 1, featureCount: 12, sampleRateHz: null });
    const w = window(4, -9, 2);
    expect(Array.from(hook.features(w, 6)!)).toEqual(Array.from(w));
    // with the descriptor it is the flatten impulse again
    expect(load(hook, slotPayload(model, cfg))).toBe(true);
    expect(hook.impulse).toMatchObject({ described: true, block: 'flatten', windowFrames: 50 });
  });

  describe('refuses what the firmware refuses (LOG text = firmware text)', () => {
    const cases: { name: string; why: string | RegExp; arena?: number; capacity?: number; payload: () => Uint8Array }[] = [
      { name: 'declared arena above the build', why: SLOT_REFUSALS.arena, arena: RUNTIME_ARENA_BYTES + 1, payload: () => slotPayload(tflite) },
      { name: 'planned arena above the build (AllocateTensors)', why: SLOT_REFUSALS.allocate, capacity: 64, arena: 16, payload: () => slotPayload(tflite) },
      { name: 'bare model whose input is no whole window of the sensor', why: SLOT_REFUSALS.featureCount, payload: () => tflite },
      {
        name: 'damaged descriptor (no fallback when a trailer is there)', why: /CRC/, payload: () => {
          const p = slotPayload(tflite);
          p[p.length - 40] ^= 0x40;
          return p;
        },
      },
      { name: 'axis the sensor lacks', why: SLOT_REFUSALS.missingAxis, payload: () => slotPayload(tflite, { ...impulse, windowing: { ...impulse.windowing, axes: ['accZ', 'magX'] } }) },
      {
        name: 'window longer than the device ring', why: SLOT_REFUSALS.ring, payload: () => {
          const d = describeImpulse(impulse, { input: { scale: 0.1, zeroPoint: 0 } });
          return buildSlotPayload(tflite, encodeImpulseDescriptor({ ...d, windowFrames: 700 }));
        },
      },
      {
        name: 'feature count not matching the DSP settings', why: SLOT_REFUSALS.featureCount, payload: () => {
          const d = describeImpulse(impulse, { input: { scale: 0.1, zeroPoint: 0 } });
          return buildSlotPayload(tflite, encodeImpulseDescriptor({ ...d, featureCount: 13, normalization: null }));
        },
      },
      { name: 'not a TFLite model', why: SLOT_REFUSALS.schema, payload: () => buildSlotPayload(new Uint8Array(300).fill(7), makeImpulseDescriptor(impulse, { input: { scale: 0.1, zeroPoint: 0 } })) },
      {
        name: 'model input of another size than the descriptor', why: SLOT_REFUSALS.modelInput, payload: () => {
          const it = Int8Interpreter.load(tflite);
          const cfg: ImpulseConfig = { ...impulse, dsp: { block: 'flatten', params: { kurtosis: false } } };
          return buildSlotPayload(tflite, makeImpulseDescriptor(cfg, { input: { scale: it.input.scale, zeroPoint: it.input.zeroPoint } }));
        },
      },
      {
        name: 'input quantization differing from the model', why: SLOT_REFUSALS.quantization, payload: () => {
          const it = Int8Interpreter.load(tflite);
          return buildSlotPayload(tflite, makeImpulseDescriptor(impulse, { input: { scale: it.input.scale * 1.01, zeroPoint: it.input.zeroPoint } }));
        },
      },
      {
        name: 'float input descriptor for an int8 model', why: SLOT_REFUSALS.quantization, payload: () => {
          const it = Int8Interpreter.load(tflite);
          const d = describeImpulse(impulse, { input: { scale: it.input.scale, zeroPoint: it.input.zeroPoint } });
          return buildSlotPayload(tflite, encodeImpulseDescriptor({ ...d, inputType: 'float32' }));
        },
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { hook, logs } = hookFor(c.capacity);
        expect(hook.loadSlot(c.payload(), c.arena ?? 4096)).toBe(false);
        expect(hook.loaded).toBe(false);
        expect(logs).toHaveLength(1);
        if (typeof c.why === 'string') expect(logs[0]).toBe(c.why);
        else expect(logs[0]).toMatch(c.why);
        expect(hook.problem).toBe(logs[0]);
      });
    }
  });
});

/** Runs the virtual clock until `cond` or `ms` of board time passed. */
async function until(clock: VirtualClock, cond: () => boolean, ms: number): Promise<void> {
  for (let t = 0; t < ms && !cond(); t += 20) await clock.advance(20);
}

describe('the strict simulated board over the protocol (virtual clock)', () => {
  const tflite = quantizeModel(signModel(names.length, accXAverage), representative()).tflite;

  async function boot(clock: VirtualClock, flash = new MemoryFlash(64 * 1024)) {
    const board = new SimulatedBoard({ clock, mode: 'framed', rateHz: 100, flash, seed: 3, tickMs: 5 });
    board.setActivity('idle');
    await board.transport.open({ baudRate: 115200 });
    const client = new DeviceClient(board.transport, { helloTimeoutMs: 200, commandTimeoutMs: 200 });
    const logs: string[] = [];
    client.onLog((m) => logs.push(`${m.level}:${m.text}`));
    const info = await client.connect();
    return { board, client, info, logs };
  }

  it('reports the firmware rates, boot rate and the runtime build arena — never the app impulse rate', async () => {
    const { board, info } = await boot(new VirtualClock());
    expect(info.sensors[0].ratesMilliHz).toEqual([...FIRMWARE_RATES_MILLIHZ]);
    expect(info.sensors[0].currentRateMilliHz).toBe(FIRMWARE_DEFAULT_RATE_MILLIHZ);
    expect(board.model.rateHz).toBe(FIRMWARE_DEFAULT_RATE_MILLIHZ / 1000);
    expect(info.arenaCapacity).toBe(RUNTIME_ARENA_BYTES);
    await board.transport.close();
  });

  it('classifies with the uploaded slot payload; the model stays over a power cycle', async () => {
    const clock = new VirtualClock();
    const flash = new MemoryFlash(64 * 1024);
    const { board, client } = await boot(clock, flash);
    await uploadSlotBytes(client, slotPayload(tflite), { sequence: 7, arenaSize: 4096 });
    const got: number[] = [];
    client.onInference((m) => got.push(m.labelIndex));
    await client.setInference(true);
    await until(clock, () => got.length >= 4, 5000);
    await client.setInference(false);
    // 50-frame window, 25-frame stride at 50 Hz: one result every 0.5 s
    expect(got.length).toBeGreaterThanOrEqual(4);
    for (const g of got) expect([0, 1]).toContain(g);
    expect(board.inference?.impulse?.windowFrames).toBe(50);
    await board.transport.close();
    // power cycle: the firmware reads the slot at boot and runs it again
    const again = await boot(clock, flash);
    expect(again.info.model.sequence).toBe(7);
    expect(again.board.inference?.loaded).toBe(true);
    await again.client.setInference(true);
    await again.board.transport.close();
  });

  it('a bare model runs the raw fallback on the board: a result on every frame, not every 25', async () => {
    // 6 inputs: one raw frame of all axes; the app impulse (flatten, 50 frames) is nowhere.
    const model = quantizeModel(signModel(6, 0), [Float32Array.from([1, 0, 0, 0, 0, 0]), Float32Array.from([-1, 2, 9, 50, -50, 3])]).tflite;
    const clock = new VirtualClock();
    const { board, client } = await boot(clock);
    await uploadSlotBytes(client, model, { sequence: 8, arenaSize: 1024 });
    let n = 0;
    client.onInference(() => n++);
    await client.setInference(true);
    await clock.advance(1000);
    await client.setInference(false);
    expect(board.inference?.impulse).toMatchObject({ described: false, windowFrames: 1, strideFrames: 1 });
    expect(n).toBeGreaterThanOrEqual(45); // 50 Hz, one result per frame
    await board.transport.close();
  });

  it('samples at the rate of the impulse in its slot (descriptor), refuses one the IMU does not offer', async () => {
    const clock = new VirtualClock();
    const { board, client, logs } = await boot(clock);
    const at = (hz: number): ImpulseConfig => ({ ...impulse, windowing: { ...impulse.windowing, frequencyHz: hz } });
    await uploadSlotBytes(client, slotPayload(tflite, at(62.5)), { sequence: 20, arenaSize: 4096 });
    expect((await client.getInfo()).sensors[0].currentRateMilliHz).toBe(62500);
    expect(board.model.rateHz).toBe(62.5);
    await client.setInference(true);
    const before = board.stats.frames;
    await clock.advance(2000);
    await client.setInference(false);
    expect(board.stats.frames - before).toBeGreaterThanOrEqual(124);
    expect(board.stats.frames - before).toBeLessThanOrEqual(126);
    // 119 Hz (Nano 33 BLE's LSM9DS1 rate) is not offered by the runtime's sampler: logged, inference refused
    await uploadSlotBytes(client, slotPayload(tflite, at(119)), { sequence: 21, arenaSize: 4096 });
    expect(logs.some((l) => l.startsWith(`${LogLevel.WARN}:`) && l.includes('119 Hz'))).toBe(true);
    await expect(client.setInference(true)).rejects.toMatchObject({ nackCode: NackCode.UNSUPPORTED_RATE });
    await board.transport.close();
  });

  it('input quantization mismatch: LOG WARN with the reason, SET_INFERENCE → NACK NO_MODEL, also after a power cycle', async () => {
    const clock = new VirtualClock();
    const flash = new MemoryFlash(64 * 1024);
    const { board, client, logs } = await boot(clock, flash);
    const it = Int8Interpreter.load(tflite);
    const bad = buildSlotPayload(tflite, makeImpulseDescriptor(impulse, { input: { scale: it.input.scale * 2, zeroPoint: it.input.zeroPoint } }));
    await uploadSlotBytes(client, bad, { sequence: 9, arenaSize: 4096 });
    expect(logs).toContain(`${LogLevel.WARN}:${SLOT_REFUSALS.quantization}`);
    const err = await client.setInference(true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NackError);
    expect((err as NackError).nackCode).toBe(NackCode.NO_MODEL);
    expect((err as NackError).ackType).toBe(MsgType.SET_INFERENCE);
    await board.transport.close();
    // after a power cycle the firmware reads the slot again at boot and says the same
    const again = await boot(clock, flash);
    expect(again.logs).toContain(`${LogLevel.WARN}:${SLOT_REFUSALS.quantization}`);
    await expect(again.client.setInference(true)).rejects.toMatchObject({ nackCode: NackCode.NO_MODEL });
    await again.board.transport.close();
  });

  it('missing axis: LOG WARN; arena above the build: MODEL_BEGIN → NACK TOO_LARGE', async () => {
    const { board, client, logs } = await boot(new VirtualClock());
    await uploadSlotBytes(client, slotPayload(tflite, { ...impulse, windowing: { ...impulse.windowing, axes: ['accZ', 'magX'] } }), { sequence: 10, arenaSize: 4096 });
    expect(logs).toContain(`${LogLevel.WARN}:${SLOT_REFUSALS.missingAxis}`);
    await expect(client.setInference(true)).rejects.toMatchObject({ nackCode: NackCode.NO_MODEL });
    const err = await uploadSlotBytes(client, slotPayload(tflite), { sequence: 11, arenaSize: RUNTIME_ARENA_BYTES + 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: expect.stringMatching(/does not fit/) });
    await board.transport.close();
  });
});
