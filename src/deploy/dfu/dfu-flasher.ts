/**
 * Flashes a board through its USB DFU bootloader: detach from runtime mode if needed, download in
 * transfer-size blocks with status polling, read back when the bootloader allows it, then
 * manifestation / leave. DfuSe boards get set-address and erase of exactly the sectors the image
 * touches. DOM-free core module.
 */
import { isCancelled, StudioError, throwIfAborted } from '../../core/errors.ts';
import type { OpOptions } from '../../core/progress.ts';
import type { Clock } from '../../core/clock.ts';
import { realClock } from '../../core/clock.ts';
import type { UsbDevice } from '../usb/usb-device.ts';
import type { HostPlatform } from '../usb/webusb.ts';
import type { FlashRegion } from '../flash-region.ts';
import { hex } from '../flash-region.ts';
import { DfuClient } from './dfu-client.ts';
import { parseDfuseLayout, sectorsCovering } from './dfuse-layout.ts';

export interface DfuFlashRequest {
  /**
   * DfuSe: regions at absolute addresses, written in order (model-slot header last).
   * Plain DFU: exactly one region, the whole application image (its address is informational).
   */
  regions: FlashRegion[];
}

export interface DfuFlashOptions extends OpOptions {
  clock?: Clock;
  platform?: HostPlatform;
  alternate?: number;
  /** Read back and compare when the bootloader supports UPLOAD (default true). */
  verify?: boolean;
  /** Leave DFU mode / manifest at the end (default true). */
  leave?: boolean;
  /**
   * After DETACH the board re-enumerates as its bootloader (a new USB device). The UI passes a function
   * that finds it (navigator.usb.getDevices / a new requestDevice); without it the flasher stops with
   * `reconnect-needed`.
   */
  reconnect?: () => Promise<UsbDevice>;
}

export interface DfuFlashResult {
  dfuse: boolean;
  detached: boolean;
  sectorsErased: number;
  bytesWritten: number;
  verified: boolean;
  left: boolean;
}

export async function flashDfu(device: UsbDevice, request: DfuFlashRequest, options: DfuFlashOptions = {}): Promise<DfuFlashResult> {
  const clock = options.clock ?? realClock;
  const signal = options.signal;
  const progress = options.onProgress ?? (() => {});
  const copts = { clock, platform: options.platform, alternate: options.alternate };
  throwIfAborted(signal, 'flash');
  if (request.regions.length === 0 || request.regions.some((r) => r.data.length === 0)) {
    throw new StudioError({ family: 'flash', code: 'bad-flash-plan', message: 'There is nothing to write.', remedy: 'Export the model again.' });
  }

  let client = await DfuClient.open(device, copts);
  let detached = false;
  if (client.info.mode === 'runtime') {
    progress({ stage: 'detach', detail: 'Starting the board\'s bootloader' });
    await client.detach();
    if (!client.info.functional.willDetach) {
      try {
        await device.reset();
      } catch {
        // the board may already be re-enumerating
      }
    }
    await client.close();
    detached = true;
    if (!options.reconnect) {
      throw new StudioError({
        family: 'flash',
        code: 'reconnect-needed',
        message: 'The board restarted into its bootloader and shows up as a new USB device.',
        remedy: 'Choose the board again in the browser\'s list (it is now called "DFU"), then flash.',
      });
    }
    const next = await options.reconnect();
    client = await DfuClient.open(next, copts);
    if (client.info.mode !== 'dfu') {
      throw new StudioError({ family: 'flash', code: 'not-in-bootloader', message: 'The board did not start its DFU bootloader.', remedy: 'Double-tap the reset button and choose the board again.' });
    }
  }

  const xfer = client.transferSize;
  const total = request.regions.reduce((s, r) => s + r.data.length, 0);
  let written = 0;
  let sectorsErased = 0;
  try {
    await client.ensureIdle();
    if (client.info.dfuse) {
      const layout = parseDfuseLayout(client.info.name);
      const seen = new Set<number>();
      const sectors = request.regions.flatMap((r) => sectorsCovering(layout, r.address, r.data.length)).filter((s) => !seen.has(s.start) && seen.add(s.start));
      for (const s of sectors) {
        throwIfAborted(signal, 'flash');
        progress({ stage: 'erase', fraction: sectorsErased / sectors.length, detail: `Erasing ${hex(s.start)}` });
        await client.erasePage(s.start);
        sectorsErased++;
      }
      progress({ stage: 'erase', fraction: 1 });
      for (const r of request.regions) {
        await client.setAddress(r.address);
        for (let off = 0, block = 2; off < r.data.length; off += xfer, block++) {
          throwIfAborted(signal, 'flash');
          if (block > 0xffff) {
            throw new StudioError({ family: 'flash', code: 'bad-flash-plan', message: `Region at ${hex(r.address)} is too large for one DfuSe download.`, remedy: 'This is a bug in the flash plan; please report it.' });
          }
          const part = r.data.subarray(off, Math.min(off + xfer, r.data.length));
          await client.dnload(block, part, `writing ${hex(r.address + off)}`);
          await client.waitWhileBusy(`writing ${hex(r.address + off)}`);
          written += part.length;
          progress({ stage: 'write', fraction: written / total, detail: `${written} of ${total} bytes` });
        }
      }
    } else {
      if (request.regions.length !== 1) {
        throw new StudioError({ family: 'flash', code: 'bad-flash-plan', message: 'A plain DFU bootloader takes one whole image.', remedy: 'This is a bug in the flash plan; please report it.' });
      }
      const data = request.regions[0].data;
      for (let off = 0, block = 0; off < data.length; off += xfer, block++) {
        throwIfAborted(signal, 'flash');
        const part = data.subarray(off, Math.min(off + xfer, data.length));
        await client.dnload(block, part, `writing block ${block}`);
        await client.waitWhileBusy(`writing block ${block}`);
        written += part.length;
        progress({ stage: 'write', fraction: written / total, detail: `${written} of ${total} bytes` });
      }
    }

    const canVerify = options.verify !== false && client.info.functional.canUpload;
    const tolerant = client.info.functional.manifestationTolerant;
    const c = client;
    const verifyAll = async () => {
      let checked = 0;
      for (const r of request.regions) {
        await c.abort();
        if (c.info.dfuse) {
          await c.setAddress(r.address);
          await c.abort();
        }
        for (let off = 0, block = c.info.dfuse ? 2 : 0; off < r.data.length; off += xfer, block++) {
          throwIfAborted(signal, 'flash');
          const got = await c.upload(block, xfer);
          const want = r.data.subarray(off, Math.min(off + xfer, r.data.length));
          const bad = want.findIndex((b, i) => got[i] !== b);
          if (got.length < want.length || bad >= 0) {
            const at = bad >= 0 ? bad : got.length;
            throw new StudioError({
              family: 'flash',
              code: 'verify-failed',
              message: `The flash at ${c.info.dfuse ? hex(r.address + off + at) : `image offset ${off + at}`} does not hold what was written.`,
              remedy: 'Flash again; if it keeps failing the wrong board type may be selected.',
            });
          }
          checked += want.length;
          progress({ stage: 'verify', fraction: checked / total, detail: `${checked} of ${total} bytes` });
        }
      }
      await c.abort();
    };
    /** Zero-length DNLOAD from dfuDNLOAD-IDLE, then status polling; a non-tolerant device leaves the bus. */
    const manifest = async (block: number) => {
      progress({ stage: 'manifest', detail: 'Starting the new firmware' });
      await c.dnload(block, new Uint8Array(0), 'starting the new firmware');
      try {
        await c.waitWhileBusy('starting the new firmware');
      } catch (e) {
        if (!(e instanceof StudioError && e.code === 'device-disconnected')) throw e;
      }
    };

    let verified = false;
    let left = false;
    if (client.info.dfuse) {
      if (canVerify) {
        await verifyAll();
        verified = true;
      }
      if (options.leave !== false) {
        // DfuSe "leave": point at the image, then a zero-length download makes the bootloader jump to it.
        await client.ensureIdle();
        await client.setAddress(request.regions[0].address);
        await manifest(2);
        left = true;
      }
    } else if (tolerant) {
      // Manifestation must follow the download directly; a tolerant device stays in DFU mode after it.
      await manifest(Math.ceil(total / xfer));
      if (canVerify) {
        await verifyAll();
        verified = true;
      }
      if (options.leave !== false) {
        try {
          await client.device.reset();
        } catch {
          // already re-enumerating
        }
        left = true;
      }
    } else if (options.leave !== false) {
      // Not tolerant: the device leaves after manifestation, so there is no read-back.
      await manifest(Math.ceil(total / xfer));
      left = true;
    } else {
      await client.abort();
    }
    await client.close();
    return { dfuse: client.info.dfuse, detached, sectorsErased, bytesWritten: written, verified, left };
  } catch (e) {
    if (isCancelled(e)) await client.abort().catch(() => {});
    await client.close();
    if (e instanceof StudioError && (e.code === 'device-disconnected' || e.code === 'timeout')) {
      throw new StudioError({ family: 'flash', code: e.code, message: `${e.message} Flashing stopped after ${written} of ${total} bytes.`, remedy: e.remedy, cause: e });
    }
    throw e;
  }
}
