import { describe, it, expect } from 'vitest';
import { DfuSim } from './dfu-sim.ts';
import { DfuRuntimeSim } from './dfu-runtime-sim.ts';
import { DfuClient } from './dfu-client.ts';
import { flashDfu } from './dfu-flasher.ts';
import { DfuState } from './dfu-protocol.ts';
import { VirtualClock } from '../../core/clock.ts';
import type { FlashRegion } from '../flash-region.ts';
import type { UsbDevice } from '../usb/usb-device.ts';
import { MemoryFlash, buildModelSlotImage, readSlot } from '../../device/protocol/model-slot.ts';
import { isStudioError, type StudioError } from '../../core/errors.ts';

function rand(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 23;
  });
}
function diffAt(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const SLOT = 0x08180000;
const model = rand(30_000, 3);
const slot = buildModelSlotImage(model, { sequence: 3, arenaSize: 20_000 });
const slotRegions: FlashRegion[] = [
  { address: SLOT + 256, data: slot.subarray(256) },
  { address: SLOT, data: slot.subarray(0, 256) },
];
const slotOf = (sim: DfuSim) => new MemoryFlash(0x20000, 4096, 256, sim.memory.subarray(SLOT - sim.memoryBase, SLOT - sim.memoryBase + 0x20000));

describe('DfuSe flasher through the STM32H7 bootloader simulator', () => {
  it('erases only the needed sector, writes, verifies and leaves', async () => {
    const sim = new DfuSim({ variant: 'dfuse', vendorId: 0x2341, productId: 0x035b });
    sim.memory.fill(0x00, 0, 0x40000); // bootloader + an old sketch stay untouched
    sim.memory.fill(0x11, SLOT - sim.memoryBase, SLOT - sim.memoryBase + 0x20000); // old model
    const before = sim.memory.slice();
    const r = await flashDfu(sim, { regions: slotRegions }, { clock: sim.clock });
    expect(r).toMatchObject({ dfuse: true, sectorsErased: 1, bytesWritten: slot.length, verified: true, left: true });
    const want = before.slice();
    want.fill(0xff, SLOT - sim.memoryBase, SLOT - sim.memoryBase + 0x20000);
    want.set(slot, SLOT - sim.memoryBase);
    expect(diffAt(sim.memory, want)).toBe(-1);
    expect(sim.left && sim.disconnected).toBe(true);
    expect(sim.log.filter((l) => l.startsWith('DNLOAD 0 5')).length).toBe(1 + 2 + 2 + 1); // erase, 2+2 set-address, leave address
    const s = readSlot(slotOf(sim));
    expect(s.valid).toBe(true);
    expect(s.model).toEqual(model);
  });

  it('refuses an image that would touch the bootloader or leave the flash, before writing anything', async () => {
    const sim = new DfuSim({ variant: 'dfuse' });
    await expect(flashDfu(sim, { regions: [{ address: 0x08010000, data: new Uint8Array(64) }] }, { clock: sim.clock })).rejects.toMatchObject({ code: 'address-protected' });
    const sim2 = new DfuSim({ variant: 'dfuse' });
    await expect(flashDfu(sim2, { regions: [{ address: 0x081fff00, data: new Uint8Array(512) }] }, { clock: sim2.clock })).rejects.toMatchObject({ code: 'address-out-of-range' });
    expect(sim2.memory.every((b) => b === 0xff)).toBe(true);
  });

  it('surfaces stalls and DFU status codes, and recovers from dfuERROR', async () => {
    const sim = new DfuSim({ variant: 'dfuse' });
    const c = await DfuClient.open(sim, { clock: sim.clock });
    expect(c.info).toMatchObject({ dfuse: true, mode: 'dfu', alternate: 0, name: expect.stringMatching(/^@Internal Flash/) });
    expect(c.transferSize).toBe(2048);
    // Zero-length DNLOAD with no download in progress: stall, errSTALLEDPKT.
    await expect(c.dnload(2, new Uint8Array(0))).rejects.toMatchObject({ code: 'dfu-stalledpkt' });
    expect(await c.getState()).toBe(DfuState.dfuIDLE); // the client cleared the error
    // Programming a flash word twice without erase: errPROG (ECC flash).
    await c.erasePage(0x08020000);
    await c.setAddress(0x08020000);
    await c.dnload(2, new Uint8Array(64).fill(0x5a));
    await c.waitWhileBusy('w');
    await c.setAddress(0x08020000);
    await c.dnload(2, new Uint8Array(64).fill(0x00));
    await expect(c.waitWhileBusy('writing')).rejects.toMatchObject({ code: 'dfu-prog', message: expect.stringMatching(/errPROG/) });
    // Set address outside the memory: errTARGET.
    await c.ensureIdle();
    await expect(c.setAddress(0x30000000)).rejects.toMatchObject({ code: 'dfu-target', remedy: expect.stringMatching(/board/) });
    // Erasing a protected sector: errTARGET.
    await c.ensureIdle();
    await expect(c.erasePage(0x08000000)).rejects.toMatchObject({ code: 'dfu-target' });
    // A block bigger than wTransferSize stalls.
    await c.ensureIdle();
    await c.setAddress(0x08020000);
    await expect(c.dnload(2, new Uint8Array(4096))).rejects.toMatchObject({ code: 'dfu-stalledpkt' });
  });

  it('reports an unplug mid-way, leaves no valid model, and a re-run recovers', async () => {
    const sim = new DfuSim({ variant: 'dfuse' });
    sim.unplugAfterBusBytes(20_000);
    let err: unknown;
    await flashDfu(sim, { regions: slotRegions }, { clock: sim.clock }).catch((e) => (err = e));
    expect(isStudioError(err, 'device-disconnected')).toBe(true);
    expect((err as StudioError).message).toMatch(/stopped after \d+ of \d+ bytes/);
    expect(readSlot(slotOf(sim)).valid).toBe(false);
    const again = new DfuSim({ variant: 'dfuse', memory: sim.memory });
    await flashDfu(again, { regions: slotRegions }, { clock: again.clock });
    expect(readSlot(slotOf(again)).valid).toBe(true);
  });

  it('times out when the bootloader stops answering, and stops on abort', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    const sim = new DfuSim({ variant: 'dfuse', clock });
    const c = await DfuClient.open(sim, { clock });
    sim.hangNextTransfers(1);
    await expect(c.getStatus()).rejects.toMatchObject({ code: 'timeout' });
    const sim2 = new DfuSim({ variant: 'dfuse' });
    const ac = new AbortController();
    await expect(
      flashDfu(sim2, { regions: slotRegions }, { clock: sim2.clock, signal: ac.signal, onProgress: (p) => p.stage === 'write' && ac.abort() }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(readSlot(slotOf(sim2)).valid).toBe(false);
  });
});

describe('plain DFU flasher', () => {
  const image = rand(50_000, 9);

  it('downloads a whole image into a non-tolerant bootloader and manifests (UNO R4 style)', async () => {
    const sim = new DfuSim({ variant: 'dfu' });
    sim.memory.fill(0x33);
    const r = await flashDfu(sim, { regions: [{ address: 0x4000, data: image }] }, { clock: sim.clock });
    expect(r).toMatchObject({ dfuse: false, verified: false, left: true, bytesWritten: image.length });
    expect(diffAt(sim.memory.subarray(0x4000, 0x4000 + image.length), image)).toBe(-1);
    expect(sim.memory[0x3fff]).toBe(0x33); // bootloader untouched
    // Erased up to the end of the last 2 KB block, untouched after it.
    const end = 0x4000 + image.length;
    expect(sim.memory.subarray(end, Math.ceil(end / 2048) * 2048).every((b) => b === 0xff)).toBe(true);
    expect(sim.memory[Math.ceil(end / 2048) * 2048]).toBe(0x33);
    expect(sim.left).toBe(true);
    expect(sim.log.filter((l) => l.startsWith('DNLOAD')).map((l) => Number(l.split(' ')[1]))).toEqual([...Array(49).keys(), 49]) // 49 data blocks (50 000 / 1024), then the zero-length one;
  });

  it('verifies by read-back when the bootloader is manifestation tolerant', async () => {
    const sim = new DfuSim({ variant: 'dfu', manifestationTolerant: true });
    const r = await flashDfu(sim, { regions: [{ address: 0, data: image }] }, { clock: sim.clock });
    expect(r).toMatchObject({ verified: true, left: true });
    expect(diffAt(sim.memory.subarray(0x4000, 0x4000 + image.length), image)).toBe(-1);
  });

  it('detaches a board in runtime mode and flashes its bootloader', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    let plugged: (d: UsbDevice) => void = () => {};
    const boot = new Promise<UsbDevice>((r) => (plugged = r));
    const bootloader = new DfuSim({ variant: 'dfu', clock, manifestationTolerant: true });
    const runtime = new DfuRuntimeSim({ clock, onDetach: () => plugged(bootloader) });
    const r = await flashDfu(runtime, { regions: [{ address: 0, data: image }] }, { clock, reconnect: () => boot });
    expect(r).toMatchObject({ detached: true, verified: true });
    expect(runtime.disconnected).toBe(true);
    expect(diffAt(bootloader.memory.subarray(0x4000, 0x4000 + image.length), image)).toBe(-1);

    const runtime2 = new DfuRuntimeSim({ clock, willDetach: true, onDetach: () => {} });
    await expect(flashDfu(runtime2, { regions: [{ address: 0, data: image }] }, { clock })).rejects.toMatchObject({ code: 'reconnect-needed' });
  });

  it('refuses a device without a DFU interface and an image too big for the flash', async () => {
    const sim = new DfuSim({ variant: 'dfu', flashSize: 0x8000 });
    await expect(flashDfu(sim, { regions: [{ address: 0, data: image }] }, { clock: sim.clock })).rejects.toMatchObject({ code: 'dfu-address' });
    const { PicobootSim } = await import('../picoboot/picoboot-sim.ts');
    await expect(DfuClient.open(new PicobootSim())).rejects.toMatchObject({ code: 'no-dfu-interface' });
  });
});
