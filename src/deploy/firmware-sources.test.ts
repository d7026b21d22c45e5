import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOARDS } from '../device/boards/index.ts';
import { firmwareGeneratedFiles, makeBoardSlotsHeader } from './firmware-sources.ts';
import { DSP_CPP_KERNELS } from '../ml/export/templates/dsp-cpp.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('firmware sources generated from TypeScript', () => {
  it('are committed up to date (node firmware/tools/gen-firmware.mjs)', () => {
    for (const f of firmwareGeneratedFiles()) expect(readFileSync(join(root, f.path), 'utf8'), `${f.path} is stale: run node firmware/tools/gen-firmware.mjs`).toBe(f.text);
    const r = spawnSync(process.execPath, ['firmware/tools/gen-firmware.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('the firmware DSP is the Arduino export DSP, and no second hand-written copy exists', () => {
    const header = readFileSync(join(root, 'firmware/src/dsp_generated.h'), 'utf8');
    expect(header).toContain(DSP_CPP_KERNELS);
    const runner = readFileSync(join(root, 'firmware/src/impulse_runner.cpp'), 'utf8');
    expect(runner).toContain('#include "dsp_generated.h"');
    for (const f of ['firmware/src/impulse_runner.cpp', 'firmware/tinyml_runtime/tflm_hook.cpp', 'firmware/host/impulse_main.cpp']) {
      expect(readFileSync(join(root, f), 'utf8'), f).not.toMatch(/impulse_fft\(|impulse_moments\(/);
    }
  });

  it('board slots come from src/device/boards and the glue holds no address of its own', () => {
    const h = makeBoardSlotsHeader();
    for (const b of BOARDS.filter((x) => x.runtime)) {
      expect(h, b.id).toContain(`#define TINYML_BOARD_ID "${b.id}"`);
      const block = h.slice(h.indexOf(`"${b.id}"`));
      expect(block).toContain(`#define TINYML_SLOT_ADDRESS 0x${b.modelSlot!.address.toString(16).toUpperCase()}u`);
      expect(block).toContain(`#define TINYML_SLOT_SIZE 0x${b.modelSlot!.size.toString(16).toUpperCase()}u`);
    }
    expect(h).not.toContain('portenta');
    const glue = readFileSync(join(root, 'firmware/tinyml_runtime/board_flash.cpp'), 'utf8');
    expect(glue).toContain('#include "board_slots.h"');
    expect(glue.match(/0x[0-9a-fA-F]{5,}/g) ?? []).toEqual([]);
  });
});
