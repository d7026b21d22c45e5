import { describe, it, expect } from 'vitest';
import { PicobootSim } from './picoboot-sim.ts';
import { PicobootClient } from './picoboot-client.ts';
import { flashPico } from './pico-flasher.ts';
import { encodeCommand, PicobootCmd, wordsArgs, FLASH_BASE } from './picoboot-protocol.ts';
import { VirtualClock } from '../../core/clock.ts';
import { isStudioError, StudioError } from '../../core/errors.ts';
import { MemoryFlash, buildModelSlotImage, readSlot } from '../../device/protocol/model-slot.ts';
import type { FlashRegion } from '../flash-region.ts';

function rand(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s >>> 24;
  });
}

const SLOT_ADDR = 0x10180000;
const runtime: FlashRegion = { address: FLASH_BASE, data: rand(70_000, 1), label: 'runtime firmware' };
const model = rand(20_000, 2);
const slot = buildModelSlotImage(model, { sequence: 7, arenaSize: 16_384 });
const slotRegions: FlashRegion[] = [
  { address: SLOT_ADDR + 256, data: slot.subarray(256), label: 'model' },
  { address: SLOT_ADDR, data: slot.subarray(0, 256), label: 'model slot header' },
];

/** What the flash must hold after flashing `regions` onto `before` (erase whole sectors, then program). */
function expectedFlash(before: Uint8Array, regions: FlashRegion[]): Uint8Array {
  const out = before.slice();
  for (const r of regions) {
    const off = r.address - FLASH_BASE;
    const first = Math.floor(off / 4096) * 4096;
    const end = Math.ceil((off + r.data.length) / 4096) * 4096;
    out.fill(0xff, first, end);
  }
  for (const r of regions) out.set(r.data, r.address - FLASH_BASE);
  return out;
}

/** First differing index or -1 (vitest's deep equality is slow on megabytes). */
function diffAt(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const slotView = (sim: PicobootSim) => new MemoryFlash(0x80000, 4096, 256, sim.flashBytes.subarray(SLOT_ADDR - FLASH_BASE, SLOT_ADDR - FLASH_BASE + 0x80000));

describe('PICOBOOT flasher through the boot ROM simulator', () => {
  it('writes runtime + model slot into an empty RP2040, verifies and reboots', async () => {
    const sim = new PicobootSim({ chip: 'rp2040' });
    const before = sim.flashBytes.slice();
    const stages = new Set<string>();
    const r = await flashPico(sim, { runtime, regions: slotRegions }, { clock: sim.clock, onProgress: (p) => stages.add(p.stage) });
    expect(r).toMatchObject({ chip: 'rp2040', wroteRuntime: true, verified: true, rebooted: true });
    expect(diffAt(sim.flashBytes, expectedFlash(before, [runtime, ...slotRegions]))).toBe(-1);
    expect(sim.rebooted?.args.slice(0, 3)).toEqual([0, 0x20042000, 500]);
    expect(sim.disconnected).toBe(true);
    expect([...stages]).toEqual(['check', 'erase', 'write', 'verify', 'reboot']);
    const s = readSlot(slotView(sim));
    expect(s.valid).toBe(true);
    expect(s.header?.sequence).toBe(7);
    expect(s.model).toEqual(model);
  });

  it('writes only the model sectors when the runtime firmware is already there (RP2350, REBOOT2)', async () => {
    const sim = new PicobootSim({ chip: 'rp2350' });
    sim.flashBytes.set(runtime.data, 0);
    // An old model elsewhere in the slot must be replaced entirely.
    sim.flashBytes.fill(0x00, SLOT_ADDR - FLASH_BASE, SLOT_ADDR - FLASH_BASE + 0x8000);
    const before = sim.flashBytes.slice();
    const erasesBefore = sim.flash.eraseCount;
    const r = await flashPico(sim, { runtime, regions: slotRegions }, { clock: sim.clock });
    expect(r.wroteRuntime).toBe(false);
    expect(r.sectorsErased).toBe(slot.length / 4096);
    expect(sim.flash.eraseCount - erasesBefore).toBe(slot.length / 4096);
    expect(diffAt(sim.flashBytes, expectedFlash(before, slotRegions))).toBe(-1);
    expect(sim.commandLog).toContain(PicobootCmd.REBOOT2);
    expect(sim.commandLog).not.toContain(PicobootCmd.REBOOT);
  });

  it('trusts the caller flag instead of reading flash', async () => {
    const sim = new PicobootSim();
    const r = await flashPico(sim, { runtime, regions: slotRegions, firmwarePresent: true }, { clock: sim.clock, reboot: false });
    expect(r.wroteRuntime).toBe(false);
    expect(sim.flashBytes.subarray(0, 16).every((b) => b === 0xff)).toBe(true);
    expect(sim.exclusive).toBe(0);
  });

  it('reports an unplug mid-way, never activates the half-written model, and a re-run recovers', async () => {
    const sim = new PicobootSim();
    sim.flashBytes.set(runtime.data, 0);
    const before = sim.flashBytes.slice();
    sim.unplugAfterBusBytes(12_000);
    let err: unknown;
    await flashPico(sim, { runtime, regions: slotRegions }, { clock: sim.clock }).catch((e) => (err = e));
    expect(isStudioError(err, 'device-disconnected')).toBe(true);
    expect((err as StudioError).message).toMatch(/stopped after \d+ of \d+ bytes/);
    expect((err as StudioError).remedy).toMatch(/BOOTSEL/);
    expect(readSlot(slotView(sim)).valid).toBe(false);
    // Plugged in again: a new USB device over the same flash.
    const again = new PicobootSim({ flash: sim.flash });
    await flashPico(again, { runtime, regions: slotRegions }, { clock: again.clock });
    expect(diffAt(again.flashBytes, expectedFlash(before, slotRegions))).toBe(-1);
    expect(readSlot(slotView(again)).valid).toBe(true);
  });

  it('catches a flash that does not hold the data on read-back', async () => {
    class WeakFlash extends MemoryFlash {
      override program(addr: number, data: Uint8Array): void {
        super.program(addr, data);
        if (addr <= 0x180123 && 0x180123 < addr + data.length) this.bytes[0x180123] &= 0x7f;
      }
    }
    const sim = new PicobootSim({ flash: new WeakFlash(2 << 20, 4096, 256) });
    const data = new Uint8Array(4096).fill(0xa5);
    await expect(flashPico(sim, { regions: [{ address: SLOT_ADDR, data }] }, { clock: sim.clock })).rejects.toMatchObject({ code: 'verify-failed', message: expect.stringContaining('0x10180123') });
  });

  it('surfaces the ROM status codes of refused commands and keeps working after them', async () => {
    const sim = new PicobootSim();
    const c = await PicobootClient.open(sim, { clock: sim.clock });
    await expect(c.flashErase(0x10000100, 4096)).rejects.toMatchObject({ code: 'picoboot-bad-alignment', family: 'flash' });
    await expect(c.flashErase(0x10000000 + (2 << 20), 4096)).rejects.toMatchObject({ code: 'picoboot-invalid-address', remedy: expect.stringMatching(/flash/) });
    await expect(c.write(0x10000010, new Uint8Array(256))).rejects.toMatchObject({ code: 'picoboot-bad-alignment' });
    await expect(c.read(0x30000000, 16)).rejects.toMatchObject({ code: 'picoboot-invalid-address' });
    await expect(c.reboot2()).rejects.toMatchObject({ code: 'picoboot-unknown-cmd' });
    // After each refusal the interface was reset: normal commands go through.
    await c.flashErase(0x10000000, 4096);
    await c.write(0x10000000, Uint8Array.of(1, 2, 3));
    expect([...(await c.read(0x10000000, 260)).subarray(0, 5)]).toEqual([1, 2, 3, 0, 0]); // last page zero-filled
    expect((await c.read(0x10000000, 260))[259]).toBe(0xff);
    // RAM write/read round trip.
    await c.write(0x20001000, Uint8Array.of(9, 8, 7));
    expect([...(await c.read(0x20001000, 3))]).toEqual([9, 8, 7]);
  });

  it('stalls a READ whose transfer length differs from its size (raw bytes)', async () => {
    const sim = new PicobootSim();
    const c = await PicobootClient.open(sim, { clock: sim.clock });
    const cmd = encodeCommand({ token: 0x55, cmdId: PicobootCmd.READ, cmdSize: 8, transferLength: 8, args: wordsArgs(FLASH_BASE, 16) });
    expect((await sim.transferOut(3, cmd)).status).toBe('stall');
    expect((await sim.transferIn(4, 64)).status).toBe('stall');
    const st = await c.commandStatus();
    expect(st).toMatchObject({ token: 0x55, statusCode: 3, cmdId: PicobootCmd.READ });
    const bad = encodeCommand({ token: 1, cmdId: PicobootCmd.EXIT_XIP, cmdSize: 0, transferLength: 0, args: new Uint8Array(16) });
    bad[0] ^= 1; // wrong magic
    await c.resetInterface();
    expect((await sim.transferOut(3, bad)).status).toBe('stall');
    expect((await c.commandStatus()).statusCode).toBe(1);
  });

  it('refuses interleaved writes while a drag-and-drop copy runs, unless exclusive access was taken', async () => {
    const sim = new PicobootSim();
    sim.mscDownloadInProgress = true;
    const c = await PicobootClient.open(sim, { clock: sim.clock });
    await expect(c.flashErase(0x10000000, 4096)).rejects.toMatchObject({ code: 'picoboot-interleaved-write', remedy: expect.stringMatching(/copied/) });
    await c.close();
    await flashPico(sim, { regions: slotRegions }, { clock: sim.clock, reboot: false });
    expect(readSlot(slotView(sim)).valid).toBe(true);
  });

  it('times out on a board that stops answering', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    const sim = new PicobootSim({ clock });
    const c = await PicobootClient.open(sim, { clock });
    sim.hangNextTransfers(1);
    const t0 = clock.now();
    await expect(c.exitXip()).rejects.toMatchObject({ code: 'timeout', message: expect.stringMatching(/stopped answering/) });
    expect(clock.now() - t0).toBeGreaterThanOrEqual(3000);
  });

  it('stops on abort and releases exclusive access', async () => {
    const sim = new PicobootSim();
    const ac = new AbortController();
    const p = flashPico(sim, { regions: slotRegions }, {
      clock: sim.clock,
      signal: ac.signal,
      onProgress: (pr) => pr.stage === 'write' && ac.abort(),
    });
    await expect(p).rejects.toMatchObject({ code: 'cancelled', family: 'flash' });
    expect(sim.exclusive).toBe(0);
    expect(readSlot(slotView(sim)).valid).toBe(false);
  });

  it('says so when the device is not a boot ROM', async () => {
    const sim = new PicobootSim();
    const fake = Object.create(sim) as PicobootSim;
    Object.defineProperty(fake, 'configurations', { value: [{ configurationValue: 1, interfaces: [] }] });
    await expect(PicobootClient.open(fake)).rejects.toMatchObject({ code: 'not-in-bootsel' });
  });
});
