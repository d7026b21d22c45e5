/**
 * USB DFU 1.1 and ST DfuSe wire format: requests, states, status codes, descriptors. DOM-free core module.
 *
 * Facts from the USB Device Firmware Upgrade specification 1.1 and ST's DfuSe extension (AN3156):
 * class requests DETACH 0, DNLOAD 1, UPLOAD 2, GETSTATUS 3, CLRSTATUS 4, GETSTATE 5, ABORT 6 on the
 * DFU interface; GETSTATUS answers 6 bytes {bStatus, bwPollTimeout (24-bit LE ms), bState, iString}.
 * The DFU functional descriptor (type 0x21) gives bmAttributes (bitCanDnload 0, bitCanUpload 1,
 * bitManifestationTolerant 2, bitWillDetach 3), wDetachTimeOut, wTransferSize and bcdDFUVersion
 * (0x011a for DfuSe). DfuSe puts commands in DNLOAD block 0 (0x21 set address pointer, 0x41 erase page
 * or mass erase, 0x92 read unprotect) and data in blocks >= 2 at pointer + (block - 2) * transfer size.
 */
import type { ErrorCode } from '../../core/errors.ts';
export const DfuRequest = { DETACH: 0, DNLOAD: 1, UPLOAD: 2, GETSTATUS: 3, CLRSTATUS: 4, GETSTATE: 5, ABORT: 6 } as const;

export const DfuState = {
  appIDLE: 0,
  appDETACH: 1,
  dfuIDLE: 2,
  dfuDNLOAD_SYNC: 3,
  dfuDNBUSY: 4,
  dfuDNLOAD_IDLE: 5,
  dfuMANIFEST_SYNC: 6,
  dfuMANIFEST: 7,
  dfuMANIFEST_WAIT_RESET: 8,
  dfuUPLOAD_IDLE: 9,
  dfuERROR: 10,
} as const;

export const DfuStatus = {
  OK: 0x00,
  errTARGET: 0x01,
  errFILE: 0x02,
  errWRITE: 0x03,
  errERASE: 0x04,
  errCHECK_ERASED: 0x05,
  errPROG: 0x06,
  errVERIFY: 0x07,
  errADDRESS: 0x08,
  errNOTDONE: 0x09,
  errFIRMWARE: 0x0a,
  errVENDOR: 0x0b,
  errUSBR: 0x0c,
  errPOR: 0x0d,
  errUNKNOWN: 0x0e,
  errSTALLEDPKT: 0x0f,
} as const;

export const DFU_STATUS_TEXT: Record<number, string> = {
  0x00: 'no error',
  0x01: 'the file is not targeted for this device or the address is not allowed',
  0x02: 'the file failed a vendor-specific verification',
  0x03: 'the device cannot write memory',
  0x04: 'memory erase failed',
  0x05: 'memory erase check failed',
  0x06: 'program memory failed',
  0x07: 'programmed memory failed verification',
  0x08: 'the address is out of range',
  0x09: 'the download ended before all data was received',
  0x0a: 'the firmware is corrupt and cannot be run',
  0x0b: 'vendor-specific error',
  0x0c: 'unexpected USB reset',
  0x0d: 'unexpected power-on reset',
  0x0e: 'unknown error',
  0x0f: 'the device stalled an unexpected request',
};

export function dfuStateName(s: number): string {
  for (const [k, v] of Object.entries(DfuState)) if (v === s) return k.replace('_', '-');
  return `state ${s}`;
}

/** The error code for a DFU status (`dfu-<name>` without `err`, lower case; `dfu-unknown` for any other value). */
export function dfuStatusCode(s: number): ErrorCode<'flash'> {
  switch (s) {
    case DfuStatus.errTARGET: return 'dfu-target';
    case DfuStatus.errFILE: return 'dfu-file';
    case DfuStatus.errWRITE: return 'dfu-write';
    case DfuStatus.errERASE: return 'dfu-erase';
    case DfuStatus.errCHECK_ERASED: return 'dfu-check_erased';
    case DfuStatus.errPROG: return 'dfu-prog';
    case DfuStatus.errVERIFY: return 'dfu-verify';
    case DfuStatus.errADDRESS: return 'dfu-address';
    case DfuStatus.errNOTDONE: return 'dfu-notdone';
    case DfuStatus.errFIRMWARE: return 'dfu-firmware';
    case DfuStatus.errVENDOR: return 'dfu-vendor';
    case DfuStatus.errUSBR: return 'dfu-usbr';
    case DfuStatus.errPOR: return 'dfu-por';
    case DfuStatus.errSTALLEDPKT: return 'dfu-stalledpkt';
    default: return 'dfu-unknown';
  }
}

export function dfuStatusName(s: number): string {
  for (const [k, v] of Object.entries(DfuStatus)) if (v === s) return k;
  return `status ${s}`;
}

export const DFU_CLASS = 0xfe;
export const DFU_SUBCLASS = 0x01;
export const DFU_PROTOCOL_RUNTIME = 0x01;
export const DFU_PROTOCOL_DFU_MODE = 0x02;
export const DFU_FUNCTIONAL_DESCRIPTOR = 0x21;
export const DFUSE_VERSION = 0x011a;

export const DfuseCommand = { GET_COMMANDS: 0x00, SET_ADDRESS: 0x21, ERASE: 0x41, READ_UNPROTECT: 0x92 } as const;

export interface DfuStatusReport {
  status: number;
  pollTimeoutMs: number;
  state: number;
  iString: number;
}

export function encodeStatusReport(s: DfuStatusReport): Uint8Array {
  const t = s.pollTimeoutMs & 0xffffff;
  return Uint8Array.of(s.status, t & 0xff, (t >> 8) & 0xff, (t >> 16) & 0xff, s.state, s.iString);
}

export function decodeStatusReport(b: Uint8Array): DfuStatusReport | null {
  if (b.length < 6) return null;
  return { status: b[0], pollTimeoutMs: b[1] | (b[2] << 8) | (b[3] << 16), state: b[4], iString: b[5] };
}

export interface DfuFunctionalDescriptor {
  canDownload: boolean;
  canUpload: boolean;
  manifestationTolerant: boolean;
  willDetach: boolean;
  detachTimeoutMs: number;
  transferSize: number;
  dfuVersion: number;
}

export function encodeFunctionalDescriptor(d: DfuFunctionalDescriptor): Uint8Array {
  const attrs = (d.canDownload ? 1 : 0) | (d.canUpload ? 2 : 0) | (d.manifestationTolerant ? 4 : 0) | (d.willDetach ? 8 : 0);
  return Uint8Array.of(9, DFU_FUNCTIONAL_DESCRIPTOR, attrs, d.detachTimeoutMs & 0xff, d.detachTimeoutMs >> 8, d.transferSize & 0xff, d.transferSize >> 8, d.dfuVersion & 0xff, d.dfuVersion >> 8);
}

export interface DescriptorInterface {
  number: number;
  alternate: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  iInterface: number;
  functional?: DfuFunctionalDescriptor;
}

/**
 * Walks a configuration descriptor (as returned by GET_DESCRIPTOR) and returns its interfaces with
 * the DFU functional descriptor attached to the interface it follows. Truncated or garbled input
 * ends the walk instead of throwing.
 */
export function parseConfigurationDescriptor(b: Uint8Array): DescriptorInterface[] {
  const out: DescriptorInterface[] = [];
  let at = 0;
  let current: DescriptorInterface | undefined;
  while (at + 2 <= b.length) {
    const len = b[at];
    const type = b[at + 1];
    if (len < 2 || at + len > b.length) break;
    if (type === 4 && len >= 9) {
      current = { number: b[at + 2], alternate: b[at + 3], interfaceClass: b[at + 5], interfaceSubclass: b[at + 6], interfaceProtocol: b[at + 7], iInterface: b[at + 8] };
      out.push(current);
    } else if (type === DFU_FUNCTIONAL_DESCRIPTOR && len >= 7 && current) {
      const attrs = b[at + 2];
      current.functional = {
        canDownload: (attrs & 1) !== 0,
        canUpload: (attrs & 2) !== 0,
        manifestationTolerant: (attrs & 4) !== 0,
        willDetach: (attrs & 8) !== 0,
        detachTimeoutMs: b[at + 3] | (b[at + 4] << 8),
        transferSize: b[at + 5] | (b[at + 6] << 8),
        // DFU 1.0 descriptors are 7 bytes long and have no version field.
        dfuVersion: len >= 9 ? b[at + 7] | (b[at + 8] << 8) : 0x0100,
      };
    }
    at += len;
  }
  return out;
}

/** Decodes a UTF-16LE string descriptor. */
export function parseStringDescriptor(b: Uint8Array): string {
  if (b.length < 2 || b[1] !== 3) return '';
  const n = Math.min(b[0], b.length);
  let s = '';
  for (let i = 2; i + 1 < n; i += 2) s += String.fromCharCode(b[i] | (b[i + 1] << 8));
  return s;
}
