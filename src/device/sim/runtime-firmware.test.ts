/**
 * The strict simulated board copies three facts from the runtime firmware build; this test reads them
 * from the firmware sources (and the prebuilt image's build record once committed) so they cannot
 * drift apart silently.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIRMWARE_DEFAULT_RATE_MILLIHZ, FIRMWARE_RATES_MILLIHZ, RUNTIME_ARENA_BYTES } from './runtime-firmware.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

describe('simulated runtime firmware = the firmware build', () => {
  it('IMU rates and boot rate as firmware/tinyml_runtime/board_imu.cpp', () => {
    const src = read('firmware/tinyml_runtime/board_imu.cpp');
    const rates = /const uint32_t rates\[\]\s*=\s*\{([^}]*)\}/.exec(src);
    expect(rates, 'rates[] in board_imu.cpp').not.toBeNull();
    expect(rates![1].split(',').map((s) => Number(s.trim()))).toEqual([...FIRMWARE_RATES_MILLIHZ]);
    const boot = [...src.matchAll(/fill_desc\(d_,\s*(\d+)/g)].map((m) => Number(m[1]));
    expect(boot.length).toBeGreaterThan(0);
    for (const r of boot) expect(r).toBe(FIRMWARE_DEFAULT_RATE_MILLIHZ);
  });

  it('tensor arena as the build record of the prebuilt image, else TINYML_ARENA_BYTES in tflm_hook.cpp', () => {
    const record = 'public/firmware/tinyml-runtime-rp2040.json';
    if (existsSync(join(root, record))) {
      expect(RUNTIME_ARENA_BYTES).toBe((JSON.parse(read(record)) as { arenaBytes: number }).arenaBytes);
      return;
    }
    const m = /#define TINYML_ARENA_BYTES \((\d+) \* 1024\)/.exec(read('firmware/tinyml_runtime/tflm_hook.cpp'));
    expect(m, 'TINYML_ARENA_BYTES default in tflm_hook.cpp').not.toBeNull();
    expect(RUNTIME_ARENA_BYTES).toBe(Number(m![1]) * 1024);
  });
});
