#!/usr/bin/env node
// Writes the build record of the prebuilt RP2040 image (called by build.sh after the build):
//   node firmware/pico/build-record.mjs --build BUILD_DIR --out public/firmware/tinyml-runtime-rp2040.json
// Everything in it is derived from the sources, the linked image and its map; no dates, so the same
// sources and toolchain give the same record.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { firmwareSourceFiles, firmwareSourcesSha256, repoRoot } from './sources.mjs';

const { values } = parseArgs({ options: { build: { type: 'string' }, out: { type: 'string' } } });
if (!values.build || !values.out) {
  console.error('usage: build-record.mjs --build BUILD_DIR --out RECORD.json');
  process.exit(2);
}
const build = values.build;
const elf = join(build, 'tinyml_runtime.elf');
const uf2Path = join(dirname(values.out), 'tinyml-runtime-rp2040.uf2');
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// text/data/bss as arm-none-eabi-size reports them (Berkeley format).
const sizeLine = execFileSync('arm-none-eabi-size', [elf], { encoding: 'utf8' }).trim().split('\n')[1].trim().split(/\s+/);
const sizes = { text: Number(sizeLine[0]), data: Number(sizeLine[1]), bss: Number(sizeLine[2]) };

// Flash bytes by origin, from the linker map: input sections placed in flash (XIP), plus .data
// (stored in flash, copied to RAM at start).
function classify(obj) {
  if (/libtflm\.a|tflite-micro|flatbuffers|gemmlowp|ruy/.test(obj)) return 'tflm';
  if (/firmware\/src\/|\/src\/[a-z_]+\.cpp\.o/.test(obj) && /(cobs|crc32|device_core|frame|impulse_descriptor|impulse_runner|model_slot)\.cpp\.o/.test(obj)) return 'runtimeCore';
  if (/(board_flash|board_imu|tflm_hook|main|arduino_shim)\.cpp\.o/.test(obj)) return 'sketchGlue';
  if (/tinyusb/.test(obj)) return 'tinyusb';
  if (/pico-sdk|pico_|hardware_|boot_stage2|bs2_default/.test(obj)) return 'picoSdk';
  if (/libc\.a|libm\.a|libg\.a|libnosys|libstdc\+\+|libsupc\+\+|libgcc|crt/.test(obj)) return 'libc';
  return 'other';
}
const map = readFileSync(join(build, 'tinyml_runtime.elf.map'), 'utf8');
const body = map.slice(map.indexOf('Linker script and memory map'));
const breakdown = { tflm: 0, runtimeCore: 0, sketchGlue: 0, tinyusb: 0, picoSdk: 0, libc: 0, other: 0 };
let out = '';
let pendingName = null;
for (const line of body.split('\n')) {
  const os = /^(\.[\w.]+)/.exec(line);
  if (os) out = os[1];
  let m = /^ (\.[^\s]+|COMMON)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.+)$/.exec(line);
  if (!m && pendingName) {
    const m2 = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.+)$/.exec(line);
    if (m2) m = [line, pendingName, m2[1], m2[2], m2[3]];
  }
  pendingName = /^ (\.[^\s]+)$/.exec(line)?.[1] ?? null;
  if (!m) continue;
  const addr = parseInt(m[2], 16), size = parseInt(m[3], 16);
  if (!size) continue;
  const inFlash = addr >= 0x10000000 && addr < 0x11000000;
  if (inFlash || out === '.data') breakdown[classify(m[4])] += size;
}
const totalFlash = Object.values(breakdown).reduce((a, b) => a + b, 0);

// The arena and the model slot compiled in.
const nmSizes = execFileSync('arm-none-eabi-nm', ['-S', '-C', elf], { encoding: 'utf8' });
const arenaBytes = parseInt(/^[0-9a-f]+ ([0-9a-f]+) [bB] \(anonymous namespace\)::g_arena$/m.exec(nmSizes)[1], 16);
const slots = readFileSync(join(repoRoot, 'firmware/tinyml_runtime/board_slots.h'), 'utf8');
const pico = slots.slice(slots.indexOf('"pico"'));
const slot = {
  address: parseInt(/TINYML_SLOT_ADDRESS (0x[0-9A-F]+)u/i.exec(pico)[1], 16),
  size: parseInt(/TINYML_SLOT_SIZE (0x[0-9A-F]+)u/i.exec(pico)[1], 16),
};

// Boot ROM functions the image looks up (rom_func_lookup), by the SDK function that needs them
// (pico-sdk 2.2.0 hardware_flash/flash.c); float/double/bit/memory/64-bit ops use the compiler's
// code, so no other ROM function is linked. Checked against the image's symbols.
const nm = execFileSync('arm-none-eabi-nm', [elf], { encoding: 'utf8' });
const has = (sym) => new RegExp(`\\s${sym}$`, 'm').test(nm);
const ROM_BY_SYMBOL = {
  flash_range_erase: ['connect_internal_flash', 'flash_exit_xip', 'flash_range_erase', 'flash_flush_cache'],
  flash_range_program: ['connect_internal_flash', 'flash_exit_xip', 'flash_range_program', 'flash_flush_cache'],
  flash_do_cmd: ['connect_internal_flash', 'flash_exit_xip', 'flash_flush_cache'],
};
const rom = new Set();
for (const [sym, fns] of Object.entries(ROM_BY_SYMBOL)) if (has(sym)) fns.forEach((f) => rom.add(f));
for (const sym of ['__aeabi_fadd_rom', 'sf_table', 'sd_table', 'rom_func_lookup_inline']) {
  if (has(sym)) throw new Error(`unexpected ROM dependency in the image: ${sym}`);
}
for (const wrapped of ['__wrap___aeabi_fadd', '__wrap___aeabi_dadd', '__wrap_memcpy', '__wrap___popcountsi2', '__wrap___aeabi_lmul']) {
  if (has(wrapped)) throw new Error(`ROM-backed SDK implementation linked: ${wrapped}`);
}

const gcc = execFileSync('arm-none-eabi-gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const ino = readFileSync(join(repoRoot, 'firmware/tinyml_runtime/tinyml_runtime.ino'), 'utf8');
const uf2 = readFileSync(uf2Path);
const deps = JSON.parse(readFileSync(join(repoRoot, 'firmware/pico/deps.json'), 'utf8'));
const record = {
  image: basename(uf2Path),
  board: 'pico',
  firmwareVersion: /firmwareVersion = "([^"]+)"/.exec(ino)[1],
  sourcesSha256: firmwareSourcesSha256(),
  sourceFiles: firmwareSourceFiles(),
  imageSha256: sha256(uf2),
  binSha256: sha256(readFileSync(join(build, 'tinyml_runtime.bin'))),
  binBytes: readFileSync(join(build, 'tinyml_runtime.bin')).length,
  imageBytes: uf2.length,
  toolchain: gcc,
  deps: Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.tag ? `${v.tag} (${v.commit})` : v.commit])),
  buildCommand: 'firmware/pico/build.sh (PICO_SDK_PATH, TFLM_PATH, FLATBUFFERS_PATH, GEMMLOWP_PATH, RUY_PATH)',
  sizes,
  runtimeFlashBytes: breakdown.tflm + breakdown.runtimeCore + breakdown.sketchGlue,
  flashBreakdown: { ...breakdown, total: totalFlash },
  ramBytes: sizes.data + sizes.bss,
  arenaBytes,
  slot,
  romFunctions: [...rom].sort(),
  flashCommands: 'through the ROM functions: 06 write enable, 20 sector erase (D8 64 KiB block erase when aligned), 02 page program, 05 read status; at start flash_get_unique_id sends 4B (read unique ID) through the SSI directly',
  usb: { vid: '0x2E8A', pid: '0x000A', class: 'CDC ACM (pico_stdio_usb, no reset interface)' },
  imu: {
    bus: 'I2C0 at 400 kHz, SDA GP4 (pin 6), SCL GP5 (pin 7), 3V3 (pin 36), GND (pin 38); internal pull-ups on',
    sensors: ['MPU6050 at 0x68 (WHO_AM_I 0x68)', 'LSM6DS3 / LSM6DS3TR-C / LSM6DSL at 0x6A or 0x6B (WHO_AM_I 0x69/0x6A)', 'LSM6DSOX at 0x6A or 0x6B (WHO_AM_I 0x6C)'],
    probeOrder: 'MPU6050 at 0x68 first, then LSM6DS3 family at 0x6A, 0x6B',
  },
  rates: [],
};
const imu = readFileSync(join(repoRoot, 'firmware/tinyml_runtime/board_imu.cpp'), 'utf8');
record.rates = /const uint32_t rates\[\] = \{([^}]+)\}/.exec(imu)[1].split(',').map((s) => Number(s.trim()));
writeFileSync(values.out, JSON.stringify(record, null, 2) + '\n');
console.log(`wrote ${values.out}: text ${sizes.text}, data ${sizes.data}, bss ${sizes.bss}, runtime flash ${record.runtimeFlashBytes}`);
