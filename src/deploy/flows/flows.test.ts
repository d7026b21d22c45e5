/**
 * Deploy flows without a device: the tables driven by events, then the deploy session running each
 * flow against the simulators (PICOBOOT boot ROM, the simulated runtime board) with a virtual clock.
 */
import { describe, it, expect } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { ConnectionManager } from '../../device/connection-manager.ts';
import { MemoryFlash, readSlot } from '../../device/protocol/model-slot.ts';
import { FLASH_BOARDS, buildSlotImage } from '../flash-plan.ts';
import { PicobootSim } from '../picoboot/picoboot-sim.ts';
import { DfuSim } from '../dfu/dfu-sim.ts';
import { RUNTIME_IMAGE_PATH, RUNTIME_RECORD_PATH, sha256Hex } from '../runtime-image.ts';
import { DeploySession, type DeployEnv, type DeployView } from '../session.ts';
import { payloadFixture } from '../test-support/payload-fixture.ts';
import { UF2_FAMILIES, readUf2, writeUf2 } from '../uf2/uf2.ts';
import type { UsbLike } from '../usb/webusb.ts';
import { FlowRunner, checkTable, nextStep, type FlowTable } from './flow.ts';
import { DEPLOY_FLOWS, installRuntimeFlow, picobootFlow, serialFlow } from './tables.ts';

const fx = payloadFixture();
const model = { int8Tflite: fx.int8Tflite, impulse: { ...fx.impulse, normalization: fx.normalization }, labels: fx.impulse.labels };
const PICO_SLOT = FLASH_BOARDS.pico.modelSlot;

function drive(table: FlowTable, events: string[]): string[] {
  let step = table.initial;
  const seen = [step];
  for (const type of events) {
    const to = nextStep(table, step, { type });
    if (to === null) throw new Error(`${table.id}: ${step} ignores ${type}`);
    step = to;
    seen.push(step);
  }
  return seen;
}

describe('flow tables', () => {
  it('are well formed: every target exists, no dead ends', () => {
    for (const t of Object.values(DEPLOY_FLOWS)) expect(() => checkTable(t as FlowTable)).not.toThrow();
    expect(() => checkTable({ id: 'bad', initial: 'a', steps: { a: { on: { ok: 'b' } } } } as FlowTable)).toThrow(/leads nowhere/);
  });

  it('PICOBOOT: choose → flash → reconnect → confirm → live → done; a closed chooser goes back to idle', () => {
    expect(drive(picobootFlow, ['ok', 'ok', 'ok', 'ok', 'ok'])).toEqual(['choose', 'flash', 'reconnect', 'confirm', 'live', 'done']);
    expect(drive(picobootFlow, ['none'])).toEqual(['choose', 'idle']);
    expect(drive(picobootFlow, ['ok', 'error'])).toEqual(['choose', 'flash', 'failed']);
    expect(drive(picobootFlow, ['ok', 'ok', 'not-found'])).toEqual(['choose', 'flash', 'reconnect', 'need-port']);
    expect(drive(picobootFlow, ['ok', 'cancel'])).toEqual(['choose', 'flash', 'cancelled']);
    expect(nextStep(picobootFlow, 'done', { type: 'cancel' }), 'ended flows ignore cancel').toBeNull();
    expect(nextStep(picobootFlow, 'flash', { type: 'copied' })).toBeNull();
  });

  it('serial upload: a board running another model ends without starting classification', () => {
    expect(drive(serialFlow, ['ok', 'ok', 'mismatch'])).toEqual(['prepare', 'upload', 'confirm', 'done']);
  });

  it('runtime install: both routes meet at the serial upload; the file route waits for the person', () => {
    expect(drive(installRuntimeFlow, ['usb', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'])).toEqual(['fetch', 'choose', 'flash', 'reconnect', 'upload', 'confirm', 'live', 'done']);
    expect(drive(installRuntimeFlow, ['download', 'ok', 'copied', 'ok'])).toEqual(['fetch', 'save', 'bootsel', 'reconnect', 'upload']);
    expect(nextStep(installRuntimeFlow, 'bootsel', { type: 'ok' }), 'only the person moves on from bootsel').toBeNull();
  });

  it('the runner feeds effect outcomes back and drops a stale outcome after cancel', async () => {
    let release!: () => void;
    const steps: string[] = [];
    const r = new FlowRunner(picobootFlow, {}, {
      requestUsb: async () => ({ type: 'ok' }),
      flashPicoboot: () => new Promise((res) => (release = () => res({ type: 'ok' }))),
    } as never, (s) => steps.push(s.step));
    const end = r.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(r.step).toBe('flash');
    expect(r.dispatch({ type: 'cancel' })).toBe(true);
    release();
    expect(await end).toBe('cancelled');
    await Promise.resolve();
    expect(steps).toEqual(['choose', 'flash', 'cancelled']);
  });
});

interface Harness {
  session: DeploySession;
  saved: { name: string; bytes: Uint8Array }[];
  views: DeployView[];
  seq: number;
}

function harness(over: Partial<DeployEnv> & { device?: PicobootSim | null; files?: Record<string, Uint8Array> } = {}): Harness {
  const h = { saved: [], views: [], seq: 40 } as unknown as Harness;
  const usb: UsbLike = {
    requestDevice: async () => {
      if (!over.device) throw Object.assign(new Error('No device selected.'), { name: 'NotFoundError' });
      return over.device;
    },
    getDevices: async () => [],
  };
  const env: DeployEnv = {
    clock: over.device?.clock ?? new VirtualClock({ autoAdvance: true }),
    usb: () => usb,
    serial: () => null,
    platform: () => 'linux',
    save: (name, bytes) => h.saved.push({ name, bytes }),
    fetchBytes: async (p) => {
      const f = over.files?.[p];
      if (!f) throw new Error(`404 ${p}`);
      return f;
    },
    nextSequence: async (atLeast) => (h.seq = Math.max(h.seq, atLeast) + 1),
    connection: new ConnectionManager(),
    notify: () => {},
    pollMs: 5,
    ...over,
  };
  h.session = new DeploySession(env, (v) => h.views.push(v));
  return h;
}

function slotOf(sim: PicobootSim) {
  const off = PICO_SLOT.address - 0x10000000;
  return readSlot(new MemoryFlash(PICO_SLOT.size, 4096, 256, sim.flashBytes.subarray(off, off + PICO_SLOT.size)));
}

describe('the deploy session runs the flows against simulators', () => {
  it('PICOBOOT: writes the slot payload with the project\'s next sequence; without a serial port it asks for a pick', async () => {
    const sim = new PicobootSim();
    const h = harness({ device: sim });
    expect(await h.session.start('picoboot', { model, boardId: 'pico' })).toBe('need-port');
    const slot = slotOf(sim);
    expect(slot).toMatchObject({ valid: true, header: { sequence: 41 } });
    expect(slot.payload).toEqual(fx.payload.bytes);
    const v = h.session.view;
    expect(v.done).toMatch(/verified, rebooted\. Model sequence 41/);
    expect(v).toMatchObject({ needPortPick: true, op: null, opError: null, expected: { sequence: 41, length: fx.payload.bytes.length } });
    expect(h.views.map((x) => x.flow?.step)).toEqual(expect.arrayContaining(['choose', 'flash', 'reconnect', 'need-port']));
    expect(h.views.some((x) => x.op?.stage === 'write' && (x.op.fraction ?? 0) > 0)).toBe(true);
  });

  it('a closed device chooser changes nothing; a cancel mid-flash leaves no valid header', async () => {
    const h = harness({ device: null });
    expect(await h.session.start('picoboot', { model, boardId: 'pico' })).toBe('idle');
    expect(h.session.view).toMatchObject({ op: null, opError: null, done: null });

    const sim = new PicobootSim();
    const h2 = harness({ device: sim });
    let cancelled = false;
    h2.views.push = (v: DeployView) => {
      if (!cancelled && v.op?.stage === 'write') {
        cancelled = true;
        queueMicrotask(() => h2.session.dispatch({ type: 'cancel' }));
      }
      return 0;
    };
    expect(await h2.session.start('picoboot', { model, boardId: 'pico' })).toBe('cancelled');
    expect(cancelled).toBe(true);
    expect(h2.session.view.opError?.message).toBe('Flashing was cancelled.');
    expect(slotOf(sim).valid).toBe(false);
  });

  it('DfuSe: the STM32 bootloader simulator\'s memory holds the slot payload', async () => {
    const sim = new DfuSim({ variant: 'dfuse' });
    const h = harness({ device: sim as unknown as PicobootSim, clock: sim.clock });
    expect(await h.session.start('dfu', { model, boardId: 'portenta-h7' })).toBe('need-port');
    const s = FLASH_BOARDS['portenta-h7'].modelSlot;
    const off = s.address - sim.memoryBase;
    const slot = readSlot(new MemoryFlash(s.size, 4096, 256, sim.memory.subarray(off, off + s.size)));
    expect(slot).toMatchObject({ valid: true, header: { sequence: 41 } });
    expect(slot.payload).toEqual(fx.payload.bytes);
    expect(h.session.view.done).toMatch(/over DfuSe, verified\. Model sequence 41/);
  });

  it('UF2 download: the saved file holds the same slot payload', async () => {
    const h = harness();
    expect(await h.session.start('uf2', { model, boardId: 'pico' })).toBe('bootsel');
    expect(h.saved).toHaveLength(1);
    expect(h.saved[0].name).toBe('model-pico.uf2');
    const seg = readUf2(h.saved[0].bytes).segments[0];
    const slot = readSlot(new MemoryFlash(PICO_SLOT.size, 4096, 256, seg.data));
    expect(slot.payload).toEqual(fx.payload.bytes);
    expect(h.session.view.done).toMatch(/BOOTSEL/);
  });

  it('serial upload without a board fails with a remedy', async () => {
    const h = harness();
    expect(await h.session.start('serial', { model, boardId: 'pico' })).toBe('failed');
    expect(h.session.view.opError).toMatchObject({ kind: 'serial', message: 'No board is connected.' });
  });
});

describe('installing the runtime firmware', () => {
  const image = Uint8Array.from({ length: 9000 }, (_, i) => (i * 13 + 7) & 0xff);
  const uf2 = writeUf2({ address: 0x10000000, data: image }, { familyId: UF2_FAMILIES.rp2040 });

  async function files(sha?: string) {
    const record = { firmwareVersion: '0.9.0-test', arenaBytes: 65536, sizes: { text: 9000 }, runtimeFlashBytes: 9000, imageSha256: sha ?? (await sha256Hex(uf2)), slot: {} };
    return { [RUNTIME_IMAGE_PATH]: uf2, [RUNTIME_RECORD_PATH]: new TextEncoder().encode(JSON.stringify(record)) };
  }

  it('over PICOBOOT: the flashed bytes equal the image; a model already in the slot survives', async () => {
    const sim = new PicobootSim();
    sim.flashBytes.set(buildSlotImage({ payload: fx.payload, sequence: 3 }), PICO_SLOT.address - 0x10000000);
    const h = harness({ device: sim, files: await files() });
    expect(await h.session.start('install-runtime', { model, boardId: 'pico', route: 'usb' })).toBe('need-port');
    expect(Buffer.compare(sim.flashBytes.subarray(0, image.length), image)).toBe(0);
    expect(slotOf(sim).valid).toBe(true);
    expect(h.session.view.done).toMatch(/Installed the runtime firmware 0\.9\.0-test/);
    expect(h.session.view.runtimeImage).toEqual({ version: '0.9.0-test', bytes: 9216 });
  });

  it('refuses an image that does not match its build record, before touching the board', async () => {
    const sim = new PicobootSim();
    const h = harness({ device: sim, files: await files('0'.repeat(64)) });
    expect(await h.session.start('install-runtime', { model, boardId: 'pico', route: 'usb' })).toBe('failed');
    expect(h.session.view.opError).toMatchObject({ kind: 'install', message: expect.stringMatching(/does not match its build record/) });
    expect(sim.flashBytes.subarray(0, 16).every((b) => b === 0xff)).toBe(true);
    const missing = harness({ device: sim });
    expect(await missing.session.start('install-runtime', { model, boardId: 'pico', route: 'usb' })).toBe('failed');
    expect(missing.session.view.opError?.message).toMatch(/could not be loaded/);
  });

  it('as a download: saves the .uf2, waits for "copied", then looks for the board', async () => {
    const h = harness({ files: await files() });
    const end = h.session.start('install-runtime', { model, boardId: 'pico', route: 'download' });
    for (let i = 0; i < 50 && !h.session.view.awaitingCopy; i++) await new Promise((r) => setTimeout(r, 0));
    expect(h.session.view.awaitingCopy).toBe(true);
    expect(h.saved[0]).toMatchObject({ name: 'tinyml-runtime-rp2040.uf2' });
    expect(h.saved[0].bytes).toEqual(uf2);
    expect(h.session.dispatch({ type: 'copied' })).toBe(true);
    expect(await end).toBe('need-port');
    expect(h.session.view.awaitingCopy).toBe(false);
  });
});
