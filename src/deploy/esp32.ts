/**
 * ESP32-family flashing over WebSerial through esptool-js, behind a small interface so the plan
 * logic is tested without hardware. DOM-free core module (esptool-js is loaded on demand only when a
 * real port is used).
 */
import { StudioError, throwIfAborted } from '../core/errors.ts';
import type { OpOptions } from '../core/progress.ts';
import type { FlashPlan } from './flash-plan.ts';
import type { FlashRegion } from './flash-region.ts';
import { hex } from './flash-region.ts';

export interface EspFile {
  address: number;
  data: Uint8Array;
}

/** What the flasher needs from esptool: connect (sync + stub), write files, reset, disconnect. */
export interface EspFlashBackend {
  /** Returns the chip description (e.g. "ESP32-S3 (QFN56) (revision v0.2)"). */
  connect(): Promise<string>;
  writeFlash(files: EspFile[], onProgress: (fileIndex: number, written: number, total: number) => void): Promise<void>;
  hardReset(): Promise<void>;
  disconnect(): Promise<void>;
}

/** The esptool write list for a plan: runtime (when needed) then the model slot, 4 KB sector aligned. */
export function espWriteList(plan: FlashPlan): EspFile[] {
  if (plan.method !== 'esptool') {
    throw new StudioError({ family: 'flash', code: 'unsupported-method', message: `This plan is for ${plan.method}, not esptool.`, remedy: 'This is a bug in the caller.' });
  }
  const files = plan.regions.map((r: FlashRegion) => ({ address: r.address, data: r.data }));
  for (const f of files) {
    if (f.address % 4096) {
      throw new StudioError({ family: 'flash', code: 'bad-flash-plan', message: `esptool write at ${hex(f.address)} is not 4 KB aligned.`, remedy: 'This is a bug in the flash plan.' });
    }
  }
  return files;
}

export interface EspFlashResult {
  chip: string;
  bytesWritten: number;
}

export async function flashEsp32(backend: EspFlashBackend, files: EspFile[], options: OpOptions = {}): Promise<EspFlashResult> {
  const progress = options.onProgress ?? (() => {});
  throwIfAborted(options.signal, 'flash');
  const total = files.reduce((s, f) => s + f.data.length, 0);
  const before = files.map((_, i) => files.slice(0, i).reduce((s, f) => s + f.data.length, 0));
  let chip = '';
  try {
    progress({ stage: 'connect', detail: 'Connecting to the ESP32 bootloader' });
    chip = await backend.connect();
    throwIfAborted(options.signal, 'flash');
    await backend.writeFlash(files, (i, written, fileTotal) => {
      const done = before[i] + (fileTotal > 0 ? (written / fileTotal) * files[i].data.length : 0);
      progress({ stage: 'write', fraction: total ? done / total : 1, detail: `${Math.round(done)} of ${total} bytes` });
    });
    progress({ stage: 'reboot' });
    await backend.hardReset();
  } catch (e) {
    await backend.disconnect().catch(() => {});
    if (e instanceof StudioError) throw e;
    throw new StudioError({
      family: 'flash',
      code: 'esp-flash-failed',
      message: `Flashing the ESP32 failed: ${e instanceof Error ? e.message : String(e)}`,
      remedy: 'Hold the BOOT button while pressing RESET to start the ROM bootloader, close other programs using the port, then try again.',
      cause: e,
    });
  }
  await backend.disconnect().catch(() => {});
  return { chip, bytesWritten: total };
}

/** esptool-js over a WebSerial `SerialPort` (loaded lazily; the page passes navigator.serial's port). */
export async function createEsptoolBackend(port: unknown, options: { baudrate?: number } = {}): Promise<EspFlashBackend> {
  const esptool = await import('esptool-js');
  const transport = new esptool.Transport(port as never, false);
  const loader = new esptool.ESPLoader({ transport, baudrate: options.baudrate ?? 921600, romBaudrate: 115200 });
  return {
    connect: () => loader.main(),
    writeFlash: (files, onProgress) =>
      loader.writeFlash({
        fileArray: files.map((f) => ({ address: f.address, data: f.data })),
        flashMode: 'keep',
        flashFreq: 'keep',
        flashSize: 'keep',
        eraseAll: false,
        compress: true,
        reportProgress: onProgress,
      }),
    hardReset: () => loader.after('hard_reset'),
    disconnect: () => transport.disconnect(),
  };
}
