import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';
import { conv1dFixture, denseFixture, fixtureInputs } from '../quantize/test-support/fixtures.ts';
import { quantizeModel, toFloatTflite } from '../quantize/quantize.ts';
import { readTflite } from '../tflite/reader.ts';
import { TARGETS, estimateDeployment, planArena } from './estimate.ts';

describe('estimateDeployment', () => {
  it('counts MACs of a dense model by hand: 39·20 + 20·10 + 10·4 (+ softmax)', () => {
    const fm = denseFixture();
    const q = quantizeModel(fm, fixtureInputs(fm, 16));
    const e = estimateDeployment(q.tflite);
    const fc = e.ops.filter((o) => o.op === 'FULLY_CONNECTED').reduce((s, o) => s + o.macs, 0);
    expect(fc).toBe(39 * 20 + 20 * 10 + 10 * 4);
    expect(e.modelBytes).toBe(q.tflite.length);
    expect(e.flashBytes).toBeGreaterThan(e.modelBytes);
    expect(e.targets.map((t) => t.target.id)).toEqual(['nrf52840', 'rp2040', 'esp32s3', 'cortex-m7']);
    // faster clocks and cheaper MACs give shorter times
    const ms = Object.fromEntries(e.targets.map((t) => [t.target.id, t.inferenceMs]));
    expect(ms['cortex-m7']).toBeLessThan(ms['esp32s3']);
    expect(ms['esp32s3']).toBeLessThan(ms['nrf52840']);
    // with many MACs the M0+ (no SIMD) falls behind the M4F despite its clock
    const big = estimateDeployment(quantizeModel(conv1dFixture(), fixtureInputs(conv1dFixture(), 8)).tflite);
    expect(big.targets[1].inferenceMs).toBeGreaterThan(big.targets[0].inferenceMs);
    // the float model costs more cycles per MAC
    const f = estimateDeployment(toFloatTflite(fm).tflite);
    expect(f.targets[0].inferenceMs).toBeGreaterThan(e.targets[0].inferenceMs);
  });

  it('conv1d MACs: 100·8·5·3 + 48·16·3·8 + 24·16·4 plus pooling reads', () => {
    const fm = conv1dFixture();
    const e = estimateDeployment(quantizeModel(fm, fixtureInputs(fm, 8)).model);
    const by = (op: string) => e.ops.filter((o) => o.op === op).reduce((s, o) => s + o.macs, 0);
    expect(by('CONV_2D')).toBe(100 * 8 * 5 * 3 + 48 * 16 * 3 * 8);
    expect(by('FULLY_CONNECTED')).toBe(24 * 16 * 4);
    expect(by('MAX_POOL_2D')).toBe(50 * 8 * 2);
  });

  it('the arena plan never overlaps two buffers that are alive at the same time', () => {
    const fm = conv1dFixture();
    const plan = planArena(quantizeModel(fm, fixtureInputs(fm, 8)).model);
    for (const a of plan.buffers)
      for (const b of plan.buffers) {
        if (a === b) continue;
        const liveTogether = a.firstOp <= b.lastOp && b.firstOp <= a.lastOp;
        const overlap = a.offset < b.offset + b.size && b.offset < a.offset + a.size;
        expect(liveTogether && overlap, `${a.name} / ${b.name}`).toBe(false);
      }
    expect(plan.buffers.every((b) => b.offset % 16 === 0)).toBe(true);
    // reuse: the plan is smaller than all activations side by side
    expect(plan.activationBytes).toBeLessThan(plan.buffers.reduce((s, b) => s + b.size, 0));
  });

  it('all targets are listed with clock and cycle figures', () => {
    expect(TARGETS.map((t) => t.clockHz)).toEqual([64e6, 125e6, 240e6, 480e6]);
  });
});

const ref = sharedPath('reference/tflite');
describe.skipIf(!ref)(`arena estimate vs TFLite Micro's measured arena (${ref ? 'shared/reference/tflite' : skipReason('reference/tflite')})`, () => {
  it('is within 10 % of arena_used_bytes for every reference model', () => {
    const rows: string[] = [];
    for (const name of ['hello_world_int8', 'micro_speech_int8', 'magic_wand_int8', 'person_detect_int8']) {
      const dir = join(ref!, name);
      if (!existsSync(join(dir, 'meta.json'))) continue;
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { arena_used_bytes: number };
      const plan = planArena(readTflite(new Uint8Array(readFileSync(join(dir, 'model.tflite')))));
      const diff = (plan.totalBytes - meta.arena_used_bytes) / meta.arena_used_bytes;
      rows.push(`${name}: estimate ${plan.totalBytes} B (activations ${plan.activationBytes}), TFLM measured ${meta.arena_used_bytes} B, ${(diff * 100).toFixed(1)} %`);
      expect(Math.abs(diff), name).toBeLessThan(0.1);
    }
    console.log(rows.join('\n'));
  });
});

describe('RP2040 figures come from the prebuilt image and the emulator', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const record = JSON.parse(readFileSync(join(root, 'public/firmware/tinyml-runtime-rp2040.json'), 'utf8')) as { imageSha256: string; binBytes: number; sizes: { data: number; bss: number }; arenaBytes: number; runtimeFlashBytes: number };

  it('flash = linked image + model, RAM = image data + bss, fit = planned arena within the image arena; other targets are planning figures', () => {
    const fm = denseFixture();
    const q = quantizeModel(fm, fixtureInputs(fm, 16));
    const e = estimateDeployment(q.tflite);
    const pico = e.targets.find((t) => t.target.id === 'rp2040')!;
    expect(pico.flashBytes).toBe(record.binBytes + q.tflite.length);
    expect(pico.ramBytes).toBe(record.sizes.data + record.sizes.bss);
    expect(pico.fitsRam).toBe(e.arena.totalBytes <= record.arenaBytes);
    expect(pico.sources).toEqual({ flash: 'linked-image', ram: 'linked-image', inference: 'emulator', dsp: 'planning' });
    expect(pico.notes[0]).toContain('measured, linked image');
    expect(pico.target.clockHz).toBe(125e6);
    for (const t of e.targets.filter((x) => x.target.id !== 'rp2040')) {
      expect(t.sources).toEqual({ flash: 'planning', ram: 'planning', inference: 'planning', dsp: 'planning' });
      expect(t.flashBytes).toBe(record.runtimeFlashBytes + q.tflite.length);
    }
    // the float model is not measured on the board: a planning figure even for RP2040
    expect(estimateDeployment(toFloatTflite(fm).tflite).targets.find((t) => t.target.id === 'rp2040')!.sources.inference).toBe('planning');
  });
});

describe('RP2040 latency model vs the emulator (bench/rp2040-invoke-cycles.json)', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const measured = JSON.parse(readFileSync(join(root, 'bench/rp2040-invoke-cycles.json'), 'utf8')) as { imageSha256: string; invokeCycles: Record<string, number> };
  const record = JSON.parse(readFileSync(join(root, 'public/firmware/tinyml-runtime-rp2040.json'), 'utf8')) as { imageSha256: string };

  it('the measurements belong to the committed image (re-run bench/rp2040-ops.bench.ts after rebuilding it)', () => {
    expect(measured.imageSha256).toBe(record.imageSha256);
  });

  // Measured errors: flatten −4 %, spectral −4 %, 1-D conv +7 % (figures from single-op probes, not from
  // these models); the tolerance is ±15 %.
  it('estimates the Invoke cycles of the three test impulses within ±15 %', async () => {
    const { buildImpulses, makeRecording } = await import('../../../tests/support/rp2040/impulses.ts');
    const rows: string[] = [];
    for (const imp of buildImpulses(makeRecording(50 * 60, 50), 50)) {
      const est = estimateDeployment(imp.tflite).targets.find((t) => t.target.id === 'rp2040')!;
      const m = measured.invokeCycles[imp.name];
      const err = (est.inferenceCycles - m) / m;
      rows.push(`${imp.name}: estimate ${Math.round(est.inferenceCycles)} cycles, emulator ${m}, ${(err * 100).toFixed(1)} %`);
      expect(Math.abs(err), rows.at(-1)).toBeLessThan(0.15);
      expect(est.inferenceMs).toBeCloseTo(est.inferenceCycles / 125e3, 6);
    }
    console.log(rows.join('\n'));
  });
});
