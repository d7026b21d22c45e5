/**
 * PICOBOOT wire format: the vendor interface of the RP2040/RP2350 boot ROM (BOOTSEL mode).
 * DOM-free core module.
 *
 * Facts from the RP2040/RP2350 datasheets ("USB PICOBOOT interface") and the SDK's boot/picoboot.h:
 * a 32-byte little-endian command goes to the bulk OUT endpoint (magic 0x431fd10b, token, command id
 * whose top bit means data IN, args size, 2 reserved bytes, transfer length, 16 argument bytes);
 * `transferLength` bytes follow on the bulk pipe, and success is a zero-length packet in the opposite
 * direction (an empty IN packet when there is no data). Errors stall the bulk endpoints; the vendor
 * control request GET_COMMAND_STATUS (0x42) then returns {token, status code, command id, in progress}
 * and INTERFACE_RESET (0x41) clears the halt, aborts and drops exclusive access.
 */
import type { ErrorCode } from '../../core/errors.ts';
export const PICOBOOT_MAGIC = 0x431fd10b;
export const PICOBOOT_INTERFACE = { interfaceClass: 0xff, interfaceSubclass: 0x00, interfaceProtocol: 0x00 } as const;

export const PicobootCmd = {
  EXCLUSIVE_ACCESS: 0x01,
  REBOOT: 0x02,
  FLASH_ERASE: 0x03,
  READ: 0x84,
  WRITE: 0x05,
  EXIT_XIP: 0x06,
  ENTER_CMD_XIP: 0x07,
  EXEC: 0x08,
  VECTORIZE_FLASH: 0x09,
  REBOOT2: 0x0a,
  GET_INFO: 0x8b,
  OTP_READ: 0x8c,
  OTP_WRITE: 0x0d,
} as const;

export const PICOBOOT_IF_RESET = 0x41;
export const PICOBOOT_IF_CMD_STATUS = 0x42;

export const PicobootStatus = {
  OK: 0,
  UNKNOWN_CMD: 1,
  INVALID_CMD_LENGTH: 2,
  INVALID_TRANSFER_LENGTH: 3,
  INVALID_ADDRESS: 4,
  BAD_ALIGNMENT: 5,
  INTERLEAVED_WRITE: 6,
  REBOOTING: 7,
  UNKNOWN_ERROR: 8,
  INVALID_STATE: 9,
  NOT_PERMITTED: 10,
  INVALID_ARG: 11,
  BUFFER_TOO_SMALL: 12,
  PRECONDITION_NOT_MET: 13,
  MODIFIED_DATA: 14,
  INVALID_DATA: 15,
  NOT_FOUND: 16,
  UNSUPPORTED_MODIFICATION: 17,
} as const;

const PICOBOOT_STATUS_CODES: Record<number, ErrorCode<'flash'>> = {
  [PicobootStatus.UNKNOWN_CMD]: 'picoboot-unknown-cmd',
  [PicobootStatus.INVALID_CMD_LENGTH]: 'picoboot-invalid-cmd-length',
  [PicobootStatus.INVALID_TRANSFER_LENGTH]: 'picoboot-invalid-transfer-length',
  [PicobootStatus.INVALID_ADDRESS]: 'picoboot-invalid-address',
  [PicobootStatus.BAD_ALIGNMENT]: 'picoboot-bad-alignment',
  [PicobootStatus.INTERLEAVED_WRITE]: 'picoboot-interleaved-write',
  [PicobootStatus.REBOOTING]: 'picoboot-rebooting',
  [PicobootStatus.INVALID_STATE]: 'picoboot-invalid-state',
  [PicobootStatus.NOT_PERMITTED]: 'picoboot-not-permitted',
  [PicobootStatus.INVALID_ARG]: 'picoboot-invalid-arg',
  [PicobootStatus.BUFFER_TOO_SMALL]: 'picoboot-buffer-too-small',
  [PicobootStatus.PRECONDITION_NOT_MET]: 'picoboot-precondition-not-met',
  [PicobootStatus.MODIFIED_DATA]: 'picoboot-modified-data',
  [PicobootStatus.INVALID_DATA]: 'picoboot-invalid-data',
  [PicobootStatus.NOT_FOUND]: 'picoboot-not-found',
  [PicobootStatus.UNSUPPORTED_MODIFICATION]: 'picoboot-unsupported-modification',
};

/** The error code for a PICOBOOT status (`picoboot-<name>`; `picoboot-unknown-error` for any other value). */
export function picobootStatusCode(code: number): ErrorCode<'flash'> {
  return PICOBOOT_STATUS_CODES[code] ?? 'picoboot-unknown-error';
}

export function picobootStatusName(code: number): string {
  for (const [k, v] of Object.entries(PicobootStatus)) if (v === code) return k;
  return `STATUS_${code}`;
}

export const Exclusive = { NOT_EXCLUSIVE: 0, EXCLUSIVE: 1, EXCLUSIVE_AND_EJECT: 2 } as const;

export const FLASH_SECTOR_SIZE = 4096;
export const FLASH_PAGE_SIZE = 256;
export const FLASH_BASE = 0x10000000;

export interface PicobootCommand {
  token: number;
  cmdId: number;
  /** Number of valid bytes in `args`. */
  cmdSize: number;
  transferLength: number;
  args: Uint8Array;
}

export function encodeCommand(c: PicobootCommand): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setUint32(0, PICOBOOT_MAGIC, true);
  v.setUint32(4, c.token >>> 0, true);
  b[8] = c.cmdId;
  b[9] = c.cmdSize;
  v.setUint16(10, 0, true);
  v.setUint32(12, c.transferLength >>> 0, true);
  b.set(c.args.subarray(0, 16), 16);
  return b;
}

/** Decodes 32 command bytes; null when the length or magic is wrong. */
export function decodeCommand(b: Uint8Array): (PicobootCommand & { reserved: number }) | null {
  if (b.length !== 32) return null;
  const v = new DataView(b.buffer, b.byteOffset, 32);
  if (v.getUint32(0, true) !== PICOBOOT_MAGIC) return null;
  return {
    token: v.getUint32(4, true),
    cmdId: b[8],
    cmdSize: b[9],
    reserved: v.getUint16(10, true),
    transferLength: v.getUint32(12, true),
    args: b.slice(16, 32),
  };
}

/** Argument bytes from little-endian 32-bit words. */
export function wordsArgs(...words: number[]): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  words.forEach((w, i) => v.setUint32(4 * i, w >>> 0, true));
  return b;
}

export interface PicobootCommandStatus {
  token: number;
  statusCode: number;
  cmdId: number;
  inProgress: boolean;
}

export function encodeStatus(s: PicobootCommandStatus): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, s.token >>> 0, true);
  v.setUint32(4, s.statusCode >>> 0, true);
  b[8] = s.cmdId;
  b[9] = s.inProgress ? 1 : 0;
  return b;
}

export function decodeStatus(b: Uint8Array): PicobootCommandStatus | null {
  if (b.length < 16) return null;
  const v = new DataView(b.buffer, b.byteOffset, 16);
  return { token: v.getUint32(0, true), statusCode: v.getUint32(4, true), cmdId: b[8], inProgress: b[9] !== 0 };
}
