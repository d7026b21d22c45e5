/**
 * Flashes an RP2040/RP2350 in BOOTSEL mode over PICOBOOT: exclusive access, exit XIP, erase the 4 KB
 * sectors the image touches, program pages, read back to verify, reboot. DOM-free core module.
 *
 * When the caller passes the runtime firmware too, the flasher first compares the start of that
 * image with what is in flash (or takes the caller's `firmwarePresent` flag) and writes only the
 * model slot when the firmware is already there. Regions are written in the order given, so a plan
 * that lists the model-slot header page last never leaves a half-written model marked valid.
 */
import { isCancelled, StudioError, throwIfAborted } from '../../core/errors.ts';
import type { OpOptions } from '../../core/progress.ts';
import type { Clock } from '../../core/clock.ts';
import { realClock } from '../../core/clock.ts';
import type { UsbDevice } from '../usb/usb-device.ts';
import type { HostPlatform } from '../usb/webusb.ts';
import type { FlashRegion } from '../flash-region.ts';
import { hex, padTo, sectorRuns, sectorsOf } from '../flash-region.ts';
import { PicobootClient } from './picoboot-client.ts';
import { Exclusive, FLASH_BASE, FLASH_PAGE_SIZE, FLASH_SECTOR_SIZE } from './picoboot-protocol.ts';

export interface PicoFlashRequest {
  /** Regions to write, in write order (model-slot header page last). Page-aligned addresses. */
  regions: FlashRegion[];
  /** The full runtime firmware image; written only when it is not already in flash. */
  runtime?: FlashRegion;
  /** true/false from the caller; undefined = compare the first bytes of `runtime` with flash. */
  firmwarePresent?: boolean;
}

export interface PicoFlashOptions extends OpOptions {
  clock?: Clock;
  platform?: HostPlatform;
  /** Read back and compare (default true). */
  verify?: boolean;
  /** Reboot into the new image at the end (default true). */
  reboot?: boolean;
  /** Bytes per WRITE command, a multiple of 256 (default 4096 = 16 pages). */
  writeChunk?: number;
  /** Bytes of the runtime image compared to detect it in flash (default 4096). */
  compareBytes?: number;
}

export interface PicoFlashResult {
  chip: 'rp2040' | 'rp2350';
  wroteRuntime: boolean;
  sectorsErased: number;
  bytesWritten: number;
  verified: boolean;
  rebooted: boolean;
}

const READ_CHUNK = 4096;

function badPlan(message: string): StudioError {
  return new StudioError({ family: 'flash', code: 'bad-flash-plan', message, remedy: 'This is a bug in the flash plan; please report it.' });
}

export async function flashPico(device: UsbDevice, request: PicoFlashRequest, options: PicoFlashOptions = {}): Promise<PicoFlashResult> {
  const clock = options.clock ?? realClock;
  const chunk = options.writeChunk ?? 4096;
  if (chunk <= 0 || chunk % FLASH_PAGE_SIZE) throw badPlan(`Write chunk ${chunk} is not a multiple of ${FLASH_PAGE_SIZE}.`);
  const signal = options.signal;
  const progress = options.onProgress ?? (() => {});
  throwIfAborted(signal, 'flash');

  const client = await PicobootClient.open(device, { clock, platform: options.platform });
  let written = 0;
  let totalToWrite = 0;
  try {
    await client.exclusiveAccess(Exclusive.EXCLUSIVE);
    await client.exitXip();

    let wroteRuntime = false;
    const regions: FlashRegion[] = [];
    if (request.runtime) {
      let present = request.firmwarePresent;
      if (present === undefined) {
        const n = Math.min(options.compareBytes ?? 4096, request.runtime.data.length);
        progress({ stage: 'check', detail: 'Looking for the runtime firmware on the board' });
        const head = await client.read(request.runtime.address, n);
        present = head.every((b, i) => b === request.runtime!.data[i]);
      }
      if (!present) {
        regions.push(request.runtime);
        wroteRuntime = true;
      }
    }
    regions.push(...request.regions);
    for (const r of regions) {
      if (r.address < FLASH_BASE || r.address % FLASH_PAGE_SIZE) throw badPlan(`Region ${r.label ?? ''} at ${hex(r.address)} is not a page-aligned flash address.`);
    }
    const padded = regions.map((r) => ({ ...r, data: padTo(r.data, FLASH_PAGE_SIZE) }));
    totalToWrite = padded.reduce((s, r) => s + r.data.length, 0);

    // Erase every sector the image touches.
    const sectors = sectorsOf(padded, FLASH_SECTOR_SIZE);
    let erased = 0;
    for (const [start, len] of sectorRuns(sectors, FLASH_SECTOR_SIZE)) {
      throwIfAborted(signal, 'flash');
      progress({ stage: 'erase', fraction: erased / sectors.length, detail: `Erasing ${hex(start)}` });
      await client.flashErase(start, len);
      erased += len / FLASH_SECTOR_SIZE;
    }
    progress({ stage: 'erase', fraction: 1 });

    // Program, in the given order.
    for (const r of padded) {
      for (let off = 0; off < r.data.length; off += chunk) {
        throwIfAborted(signal, 'flash');
        const part = r.data.subarray(off, Math.min(off + chunk, r.data.length));
        await client.write(r.address + off, part);
        written += part.length;
        progress({ stage: 'write', fraction: written / totalToWrite, detail: `${written} of ${totalToWrite} bytes` });
      }
    }

    let verified = false;
    if (options.verify !== false) {
      let checked = 0;
      for (const r of padded) {
        for (let off = 0; off < r.data.length; off += READ_CHUNK) {
          throwIfAborted(signal, 'flash');
          const want = r.data.subarray(off, Math.min(off + READ_CHUNK, r.data.length));
          const got = await client.read(r.address + off, want.length);
          const bad = want.findIndex((b, i) => got[i] !== b);
          if (bad >= 0) {
            throw new StudioError({
              family: 'flash',
              code: 'verify-failed',
              message: `The flash at ${hex(r.address + off + bad)} does not hold what was written (read 0x${got[bad].toString(16)}, expected 0x${want[bad].toString(16)}).`,
              remedy: 'Flash again; if it keeps failing the board\'s flash may be worn or the wrong board type is selected.',
            });
          }
          checked += want.length;
          progress({ stage: 'verify', fraction: checked / totalToWrite, detail: `${checked} of ${totalToWrite} bytes` });
        }
      }
      verified = true;
    }

    let rebooted = false;
    if (options.reboot !== false) {
      progress({ stage: 'reboot' });
      await client.rebootToFlash();
      rebooted = true;
    } else {
      await client.exclusiveAccess(Exclusive.NOT_EXCLUSIVE);
    }
    await client.close();
    return { chip: client.chip, wroteRuntime, sectorsErased: sectors.length, bytesWritten: written, verified, rebooted };
  } catch (e) {
    if (isCancelled(e)) {
      try {
        await client.resetInterface();
      } catch {
        // the board may be gone; the cancel is what matters
      }
    }
    await client.close();
    if (e instanceof StudioError && (e.code === 'device-disconnected' || e.code === 'timeout')) {
      throw new StudioError({
        family: 'flash',
        code: e.code,
        message: `${e.message} Flashing stopped after ${written} of ${totalToWrite} bytes.`,
        remedy: e.remedy,
        cause: e,
      });
    }
    throw e;
  }
}
