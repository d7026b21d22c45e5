#!/usr/bin/env node
// `node scripts/fuzz-firmware.mjs --seconds N [--seed S] [--steps K]`: builds the firmware core's
// structure-aware fuzz driver (firmware/host/fuzz_main.cpp with the core sources of firmware/src) under
// AddressSanitizer + UndefinedBehaviorSanitizer into a temp folder (reused while the sources are
// unchanged), runs it for N seconds over seeds S, S+1, ... and prints
//   BENCH fuzz.firmware_core_cases <n> cases
//   BENCH fuzz.firmware_core_s <s> s
// Exits 1 on a sanitizer report or an invariant failure (printing the seed and the command that
// reproduces it), 2 on bad usage or a failed build. Without --seed the first seed is random (printed).
// `npm run fuzz` (scripts/fuzz.mjs) runs it for 300 s; tests/unit/firmware-fuzz.test.ts for 10 s.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['firmware/host/fuzz_main.cpp', 'firmware/src/crc32.cpp', 'firmware/src/cobs.cpp', 'firmware/src/frame.cpp',
  'firmware/src/model_slot.cpp', 'firmware/src/device_core.cpp', 'firmware/src/impulse_descriptor.cpp', 'firmware/src/impulse_runner.cpp'];
const FLAGS = ['-std=c++17', '-O1', '-g', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined,float-cast-overflow',
  '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];

function usage(msg) {
  console.error(`${msg}\nusage: node scripts/fuzz-firmware.mjs --seconds N [--seed S] [--steps K] [--build-only]`);
  process.exit(2);
}

const opts = { seconds: 60, seed: null, steps: null, buildOnly: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const num = () => {
    const v = Number(argv[++i]);
    if (!Number.isFinite(v) || v < 0) usage(`${a} needs a non-negative number`);
    return v;
  };
  if (a === '--seconds') opts.seconds = num();
  else if (a === '--seed') opts.seed = Math.floor(num());
  else if (a === '--steps') opts.steps = Math.floor(num());
  else if (a === '--build-only') opts.buildOnly = true;
  else usage(`unknown argument ${a}`);
}

/** The C++ compiler: $CXX, else g++, else clang++. */
function compiler() {
  for (const c of [process.env.CXX, 'g++', 'clang++']) {
    if (c && spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0) return c;
  }
  return null;
}

/** Builds the driver (cached by a hash of compiler, flags and sources); returns its path. */
function buildDriver(cxx) {
  const h = createHash('sha256').update(cxx).update(FLAGS.join(' '));
  const headers = ['cobs.h', 'crc32.h', 'device_core.h', 'dsp_generated.h', 'flash.h', 'frame.h', 'impulse_descriptor.h',
    'impulse_runner.h', 'model_slot.h', 'protocol_ids.h', 'wire.h'].map((f) => `firmware/src/${f}`);
  for (const f of [...SOURCES, ...headers]) {
    const p = join(root, f);
    h.update(f).update(existsSync(p) ? readFileSync(p) : '');
  }
  const dir = join(tmpdir(), `tinyml-fuzz-${h.digest('hex').slice(0, 16)}`);
  const bin = join(dir, 'tinyml_fuzz');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}`;
  const r = spawnSync(cxx, [...FLAGS, '-o', tmp, ...SOURCES.map((s) => join(root, s))], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`fuzz-firmware: building the sanitizer driver failed:\n${r.stderr}`);
    process.exit(2);
  }
  renameSync(tmp, bin);
  return bin;
}

const cxx = compiler();
if (!cxx) {
  console.log('fuzz-firmware: skipped, no C++ compiler (g++ or clang++) found');
  process.exit(0);
}
const t0 = Date.now();
const bin = buildDriver(cxx);
console.log(`fuzz-firmware: driver ${bin} (${cxx}, ASan + UBSan), built or reused in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (opts.buildOnly) process.exit(0);

const seed = opts.seed ?? Math.floor(Math.random() * 1e9);
const args = ['--seed', String(seed), '--seconds', String(opts.seconds)];
if (opts.steps !== null) args.push('--steps', String(opts.steps));
console.log(`fuzz-firmware: ${bin} ${args.join(' ')}`);
const start = Date.now();
const r = spawnSync(bin, args, {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
  timeout: (opts.seconds + 120) * 1000,
});
const secs = (Date.now() - start) / 1000;
process.stdout.write(r.stdout ?? '');
const m = /^cases (\d+) seeds (\d+)\.\.(\d+)/m.exec(r.stdout ?? '');
const stderr = r.stderr ?? '';
if (r.status !== 0 || !m || stderr.includes('runtime error') || stderr.includes('ERROR: AddressSanitizer')) {
  process.stderr.write(stderr.length > 20000 ? stderr.slice(0, 20000) + '\n…\n' : stderr);
  const failed = /FAIL seed (\d+)/.exec(r.stdout ?? '') ?? /FUZZ-SEED (\d+)/.exec(stderr);
  const at = failed ? failed[1] : 'unknown';
  console.error(`fuzz-firmware: FAILED (${r.signal ? `signal ${r.signal}` : `exit ${r.status}`}) at seed ${at}; reproduce with\n  ${bin} --seed ${at} --cases 1 --verbose${opts.steps !== null ? ` --steps ${opts.steps}` : ''}`);
  process.exit(1);
}
console.log(`BENCH fuzz.firmware_core_cases ${m[1]} cases`);
console.log(`BENCH fuzz.firmware_core_s ${secs.toFixed(1)} s`);
process.exit(0);
