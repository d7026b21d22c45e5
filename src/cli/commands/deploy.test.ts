/**
 * `tinyml deploy` on a real `tinyml train` output: its file holds exactly the slot the app flashes for
 * the same model (same payload function, same plan), and the descriptor carries the impulse's window,
 * rate, DSP block and standardisation.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { FLASH_BOARDS, planFlash } from '../../deploy/flash-plan.ts';
import { makeSlotPayload } from '../../deploy/slot-payload.ts';
import { readUf2 } from '../../deploy/uf2/uf2.ts';
import { boardById } from '../../device/boards/index.ts';
import { MemoryFlash, readSlot } from '../../device/protocol/model-slot.ts';
import { decodeImpulseDescriptor } from '../../ml/export/impulse-descriptor.ts';
import { createRng } from '../../ml/train/rng.ts';
import { main } from '../main.ts';

/** 3 labels × 5 recordings of 3 s at 50 Hz, 3 axes. */
function makeDataset(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const rng = createRng(9);
  for (const label of ['idle', 'shake', 'wave']) {
    for (let r = 0; r < 5; r++) {
      const lines = ['timestamp_ms,accX,accY,accZ'];
      for (let i = 0; i < 150; i++) {
        const t = i / 50;
        let x = 0.05 * rng.normal();
        let y = 0.05 * rng.normal();
        let z = 1 + 0.05 * rng.normal();
        if (label === 'shake') x += 1.2 * Math.sin(2 * Math.PI * 6 * t + r);
        if (label === 'wave') {
          y += 0.8 * Math.sin(2 * Math.PI * 1.5 * t + r);
          z -= 0.5;
        }
        lines.push(`${i * 20},${x.toFixed(4)},${y.toFixed(4)},${z.toFixed(4)}`);
      }
      writeFileSync(join(dir, `${label}.r${r}.csv`), lines.join('\n') + '\n');
    }
  }
}

describe('tinyml deploy', () => {
  let tmp = '';
  let out = '';
  let impulse: ImpulseConfig;
  let int8: Uint8Array;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tinyml-deploy-'));
    makeDataset(join(tmp, 'data'));
    out = join(tmp, 'model');
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const code = await main(['train', '--data', join(tmp, 'data'), '--out', out, '--window-ms', '1000', '--stride-ms', '500', '--dsp', 'spectral', '--epochs', '3', '--seed', '2', '--quiet']);
    expect(code).toBe(0);
    impulse = JSON.parse(readFileSync(join(out, 'impulse.json'), 'utf8'));
    int8 = new Uint8Array(readFileSync(join(out, 'model.tflite')));
  }, 120_000);
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('writes a UF2 for the Pico whose slot is the one the app flashes over PICOBOOT', async () => {
    const file = join(tmp, 'pico.uf2');
    expect(await main(['deploy', '--model', out, '--board', 'pico', '--out', file, '--sequence', '5'])).toBe(0);
    const img = readUf2(new Uint8Array(readFileSync(file)));
    expect(img.familyId).toBe(FLASH_BOARDS.pico.uf2Family);
    expect(img.segments).toHaveLength(1);
    // The app: the same payload function on the same saved model, the same flash plan (PICOBOOT path).
    const payload = makeSlotPayload({ int8Tflite: int8, impulse, normalization: impulse.normalization ?? null });
    const plan = planFlash({ board: 'pico', method: 'picoboot', model: { payload, sequence: 5 } });
    expect(img.segments[0].address).toBe(FLASH_BOARDS.pico.modelSlot.address);
    expect(Buffer.compare(img.segments[0].data, plan.slotImage)).toBe(0);

    const slot = readSlot(new MemoryFlash(FLASH_BOARDS.pico.modelSlot.size, 4096, 256, img.segments[0].data));
    expect(slot).toMatchObject({ valid: true, header: { sequence: 5 } });
    expect(slot.model).toEqual(int8);
    const d = decodeImpulseDescriptor(slot.descriptor!);
    expect(d).toMatchObject({ block: 'spectral', windowFrames: 50, frequencyHz: 50, axes: ['accX', 'accY', 'accZ'], labels: impulse.labels, inputType: 'int8' });
    expect(d.spectral).toMatchObject({ fftLength: impulse.dsp.params['fft-length'] ?? expect.any(Number) });
    expect(d.input).toEqual({ scale: Math.fround(impulse.quantization!.input.scale), zeroPoint: impulse.quantization!.input.zeroPoint });
    expect(impulse.normalization, 'train saved a standardisation').toBeTruthy();
    const n = d.normalization!.mean.length;
    expect(d.normalization!.mean).toEqual(impulse.normalization!.mean.slice(0, n).map(Math.fround));
    expect(d.normalization!.std).toEqual(impulse.normalization!.std.slice(0, n).map(Math.fround));
  });

  it('writes the slot image for boards without UF2, and the bare payload on request', async () => {
    const slotFile = join(tmp, 'ble.bin');
    expect(await main(['deploy', '--model', out, '--board', 'nano33ble-sense', '--out', slotFile])).toBe(0);
    const b = boardById('nano33ble-sense')!;
    const slot = readSlot(new MemoryFlash(b.modelSlot!.size, 4096, 256, new Uint8Array(readFileSync(slotFile))));
    const payload = makeSlotPayload({ int8Tflite: int8, impulse, normalization: impulse.normalization ?? null });
    expect(slot).toMatchObject({ valid: true, header: { sequence: 1, arenaSize: payload.arenaSize } });
    expect(slot.payload).toEqual(payload.bytes);

    const payloadFile = join(tmp, 'p.bin');
    expect(await main(['deploy', '--model', out, '--board', 'pico', '--format', 'payload', '--out', payloadFile])).toBe(0);
    expect(new Uint8Array(readFileSync(payloadFile))).toEqual(payload.bytes);
  });

  it('answers misuse with 2 and bad input with 3, with a message', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['deploy', '--model', out])).toBe(2);
    expect(await main(['deploy', '--model', out, '--board', 'atari', '--out', join(tmp, 'x')])).toBe(2);
    expect(String(err.mock.calls.at(-1)?.[0])).toContain('nano33ble-sense');
    expect(await main(['deploy', '--model', out, '--board', 'nano33ble-sense', '--format', 'uf2', '--out', join(tmp, 'x')])).toBe(2);
    expect(await main(['deploy', '--bogus'])).toBe(2);
    expect(await main(['deploy', '--model', join(tmp, 'none'), '--board', 'pico', '--out', join(tmp, 'x')])).toBe(3);
    expect(String(err.mock.calls.at(-1)?.[0])).toContain('impulse.json');
    const broken = join(tmp, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'impulse.json'), JSON.stringify(impulse));
    writeFileSync(join(broken, 'model.tflite'), 'not a model');
    expect(await main(['deploy', '--model', broken, '--board', 'pico', '--out', join(tmp, 'x')])).toBe(3);
    expect(String(err.mock.calls.at(-1)?.[0])).toMatch(/not a valid TFLite model/);
    for (const c of err.mock.calls) expect(String(c[0])).not.toMatch(/\n\s+at /);
  });
});
