/**
 * The strict simulated board copies its facts from the runtime firmware build; this test reads them
 * from the firmware sources so they cannot drift apart silently (the build record's own freshness is
 * tests/unit/firmware-image.test.ts's job).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIRMWARE_DEFAULT_RATE_MILLIHZ, FIRMWARE_RATES_MILLIHZ, RUNTIME_ARENA_BYTES, RUNTIME_FIRMWARE_VERSION } from './runtime-firmware.ts';

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

  it('tensor arena and version as the prebuilt image was built (CMake setting, sketch version)', () => {
    const m = /set\(TINYML_ARENA_BYTES (\d+)\)/.exec(read('firmware/pico/CMakeLists.txt'));
    expect(m, 'TINYML_ARENA_BYTES in firmware/pico/CMakeLists.txt').not.toBeNull();
    expect(RUNTIME_ARENA_BYTES).toBe(Number(m![1]));
    expect(read('firmware/tinyml_runtime/tinyml_runtime.ino')).toContain(`cfg.firmwareVersion = "${RUNTIME_FIRMWARE_VERSION}"`);
  });
});
