/**
 * The firmware core's structure-aware fuzz driver (firmware/host/fuzz_main.cpp) built under
 * AddressSanitizer + UndefinedBehaviorSanitizer by scripts/fuzz-firmware.mjs: a short fixed run
 * (10 s from seed 1) must finish clean, its checks must catch a damaged frame (self-test), and the
 * fixed regression scenarios of what it found must pass (a flash fault in MODEL_BEGIN left the slot
 * VALID over an erased header; a NaN sample in an int16 stream was an undefined conversion).
 * `npm run fuzz` runs the same driver for 300 s.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sanitizerSkipReason } from '../../src/device/protocol/test-support/host-program.ts';

const skip = sanitizerSkipReason();
const script = join(repoRoot, 'scripts/fuzz-firmware.mjs');

function driverPath(): string {
  const r = spawnSync(process.execPath, [script, '--build-only'], { encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  const m = /driver (\S+)/.exec(r.stdout);
  if (!m) throw new Error(`no driver path in: ${r.stdout}`);
  return m[1];
}

describe.skipIf(skip !== null)(`firmware core fuzz driver (ASan/UBSan) ${skip ?? ''}`, () => {
  it('runs 10 s of random frames, chunkings, clock jumps, flash faults and reboots without a finding', () => {
    const r = spawnSync(process.execPath, [script, '--seconds', '10', '--seed', '1'], { encoding: 'utf8', timeout: 400_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const cases = Number(/BENCH fuzz\.firmware_core_cases (\d+) cases/.exec(r.stdout)?.[1]);
    expect(cases).toBeGreaterThanOrEqual(5);
    expect(r.stdout).toMatch(/BENCH fuzz\.firmware_core_s [\d.]+ s/);
    // it exercised what it claims: streams, inference, commits, power losses, reboots
    const ex = /exercised: (\d+) replies, (\d+) SAMPLES, (\d+) INFERENCE, (\d+) commits, (\d+) model loads, (\d+) power losses, (\d+) reboots/.exec(r.stdout);
    expect(ex).not.toBeNull();
    for (const n of ex!.slice(1)) expect(Number(n)).toBeGreaterThan(0);
  }, 420_000);

  it('its checks fail on a damaged frame and name the seed to reproduce', () => {
    const r = spawnSync(driverPath(), ['--seed', '7', '--cases', '1', '--break-output'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL seed 7 step \d+: the device sent bytes that are not a valid frame/m);
    expect(r.stdout).toMatch(/reproduce: tinyml_fuzz --seed 7 --cases 1 --verbose/);
  }, 320_000);

  it.each(['begin-flash-fault', 'nan-int16'])('regression scenario %s', (name) => {
    const r = spawnSync(driverPath(), ['--scenario', name], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr, 'sanitizer finding').toBe('');
    expect(r.stdout.trim()).toBe(`scenario ${name} passed`);
    expect(r.status).toBe(0);
  }, 320_000);
});
