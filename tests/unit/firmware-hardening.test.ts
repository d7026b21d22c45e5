/**
 * Hostile numbers into the firmware's impulse pipeline (firmware/src/impulse_runner.cpp,
 * impulse_descriptor.cpp), built with g++ under AddressSanitizer + UndefinedBehaviorSanitizer as
 * firmware/host/impulse_main.cpp: the int8 quantizer saturates on NaN, infinities and huge features
 * (equal to the studio's quantizeFeatures), and a descriptor whose zero points leave the int8 range is
 * refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImpulseConfig } from '../../src/core/impulse.ts';
import { buildModelSlotImage } from '../../src/device/protocol/model-slot.ts';
import { hostBuildSkipReason, repoRoot, sanitizerSkipReason } from '../../src/device/protocol/test-support/host-program.ts';
import { makeImpulseDescriptor, quantizeFeatures } from '../../src/ml/export/impulse-descriptor.ts';

const skip = hostBuildSkipReason();
const asan = skip === null && sanitizerSkipReason() === null;

function build(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'tinyml-impulse-asan-')), 'tinyml_impulse');
  const src = ['firmware/host/impulse_main.cpp', 'firmware/src/crc32.cpp', 'firmware/src/cobs.cpp', 'firmware/src/frame.cpp',
    'firmware/src/model_slot.cpp', 'firmware/src/device_core.cpp', 'firmware/src/impulse_descriptor.cpp', 'firmware/src/impulse_runner.cpp'];
  const san = asan ? ['-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fsanitize=float-cast-overflow'] : [];
  const r = spawnSync('g++', ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', ...san, '-o', out, ...src.map((s) => join(repoRoot, s))], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`g++ failed:\n${r.stderr}`);
  return out;
}

function run(bin: string, args: string[], input = ''): { out: string; err: string; status: number | null } {
  const r = spawnSync(bin, args, { input, encoding: 'utf8', timeout: 20_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

const impulse: ImpulseConfig = {
  version: 1,
  windowing: { windowMs: 1000, strideMs: 250, zeroPad: false, frequencyHz: 50, axes: ['accX', 'accY', 'accZ'] },
  dsp: { block: 'flatten', params: {} },
  learn: { block: 'dense', params: {} },
  training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
  labels: ['a', 'b'],
};
const MODEL = Uint8Array.from({ length: 1500 }, (_, i) => (i * 29 + 3) & 0xff);

describe.skipIf(skip !== null)(`firmware impulse pipeline under hostile numbers ${skip ?? (asan ? '(ASan/UBSan)' : '(plain build: no sanitizer runtime)')}`, () => {
  const bin = skip ? '' : build();

  it('quantizes NaN, infinities and huge features without overflow, like the studio', () => {
    const values = [NaN, Infinity, -Infinity, 1e30, -1e30, 3.4e38, -3.4e38, 2e9, -2e9, 0.5, -0.5, 1.49, -1.5, 127.6, -300, 0];
    const text = values.map((v) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v))).join(' ');
    for (const [scale, zp] of [[1, 0], [0.01, -128], [1e-30, 127], [3e38, 5], [0.5, -7]] as const) {
      const r = run(bin, ['--quantize', String(scale), String(zp)], text);
      expect(r.err, 'sanitizer finding').toBe('');
      expect(r.status).toBe(0);
      const got = r.out.trim().split(' ').slice(1).map(Number);
      expect(got, `scale ${scale} zero point ${zp}`).toEqual(Array.from(quantizeFeatures(values, { scale, zeroPoint: zp })));
    }
    // the saturation itself, spelled out: NaN → 0, +huge → 127, −huge → −128
    const r = run(bin, ['--quantize', '0.1', '3'], 'nan 1e30 -1e30');
    expect(r.out.trim()).toBe('Q 0 127 -128');
  });

  it('refuses a descriptor whose zero points leave the int8 range', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-desc-'));
    const window = Array.from({ length: 50 * 6 }, (_, i) => String(((i * 7) % 13) / 10)).join(' ') + '\n';
    const cases: [number, number, string | null][] = [
      [-128, 0, null], [127, -128, null], [128, 0, 'input zero point'], [-129, 0, 'input zero point'],
      [1_000_000, 0, 'input zero point'], [0, 300, 'output zero point'], [0, -(2 ** 31), 'output zero point'],
    ];
    for (const [inZp, outZp, refused] of cases) {
      const descriptor = makeImpulseDescriptor(impulse, { input: { scale: 0.05, zeroPoint: inZp }, output: { scale: 1 / 256, zeroPoint: outZp } });
      const path = join(dir, `slot-${inZp}-${outZp}.bin`);
      writeFileSync(path, buildModelSlotImage(MODEL, { sequence: 1, arenaSize: 1000, descriptor }));
      const r = run(bin, [path], window);
      expect(r.err, 'sanitizer finding').toBe('');
      if (refused) {
        expect(r.out.trim()).toBe(`E ${refused}`);
        expect(r.status).toBe(3);
      } else {
        expect(r.status, r.out).toBe(0);
        expect(r.out).toMatch(/^D 1 3 50 /);
        expect(r.out).toMatch(/\nQ( -?\d+){3}/);
      }
    }
  });
});
