/**
 * What a minimal Arduino sketch prints for each IMU reading (`ax,ay,az,gx,gy,gz\r\n` with fixed
 * decimals), plus the faults a real serial line shows: garbage lines and the byte soup of a wrong
 * baud rate. DOM-free core module.
 */
import type { Rng } from './prng.ts';

export interface CsvFormat {
  /** 3 = accelerometer only, 6 = accelerometer + gyroscope. Default 6. */
  columns: 3 | 6;
  /** Decimals for acceleration (m/s²). Default 3. */
  accDecimals: number;
  /** Decimals for angular rate (deg/s). Default 2. */
  gyroDecimals: number;
  /** Default ','. */
  separator: string;
  /** Default '\r\n' (Arduino `Serial.println`). */
  lineEnding: string;
}

export const DEFAULT_CSV_FORMAT: CsvFormat = { columns: 6, accDecimals: 3, gyroDecimals: 2, separator: ',', lineEnding: '\r\n' };

/** One frame (6 values) as the sketch's text line, line ending included. */
export function formatCsvLine(frame: ArrayLike<number>, offset: number, f: CsvFormat): string {
  let s = '';
  for (let i = 0; i < f.columns; i++) {
    if (i > 0) s += f.separator;
    s += fixed(frame[offset + i], i < 3 ? f.accDecimals : f.gyroDecimals);
  }
  return s + f.lineEnding;
}

/** Like Arduino `Serial.print(x, d)`: never prints "-0.000". */
function fixed(x: number, d: number): string {
  const s = x.toFixed(d);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

export type GarbageKind = 'text' | 'missing' | 'extra' | 'cut' | 'error' | 'binary';

/** A faulty line replacing a good one: chatter, a lost or extra value, a cut line, an ERR report, noise. */
export function garbageLine(good: string, f: CsvFormat, rng: Rng): { kind: GarbageKind; text: string } {
  const kinds: GarbageKind[] = ['text', 'missing', 'extra', 'cut', 'error', 'binary'];
  const kind = rng.pick(kinds);
  const body = good.slice(0, good.length - f.lineEnding.length);
  const parts = body.split(f.separator);
  switch (kind) {
    case 'text':
      return { kind, text: rng.pick(['IMU ready', 'Started', 'accX,accY,accZ,gyrX,gyrY,gyrZ', 'nan,nan,nan', 'hello']) + f.lineEnding };
    case 'missing':
      return { kind, text: parts.slice(0, Math.max(1, parts.length - 1)).join(f.separator) + f.lineEnding };
    case 'extra':
      return { kind, text: [...parts, parts[0]].join(f.separator) + f.lineEnding };
    case 'cut':
      // The tail of the line is lost (buffer overrun): the next line's start glues onto it.
      return { kind, text: body.slice(0, rng.int(1, Math.max(1, body.length - 2))) };
    case 'error':
      return { kind, text: 'ERR IMU read failed' + f.lineEnding };
    case 'binary': {
      let t = '';
      const n = rng.int(3, 12);
      for (let i = 0; i < n; i++) t += String.fromCharCode(rng.int(0x80, 0xff));
      return { kind, text: t + f.lineEnding };
    }
  }
}

/**
 * What the host sees when it listens at the wrong baud rate: each sent byte turns into bytes made of
 * misread start/stop bits — mostly non-printable, about `hostBaud / deviceBaud` of them per byte, with
 * an occasional line break surviving.
 */
export function wrongBaudSoup(sent: Uint8Array, hostBaud: number, deviceBaud: number, rng: Rng): Uint8Array {
  const ratio = hostBaud / deviceBaud;
  const out: number[] = [];
  let acc = 0;
  const common = [0x00, 0x80, 0xf8, 0xfe, 0xff, 0xe0, 0xc0, 0xf0, 0x9e, 0x86, 0x18, 0x06];
  for (let i = 0; i < sent.length; i++) {
    // Some line breaks survive (a long idle gap after '\n' resynchronises the receiver now and then).
    if (sent[i] === 0x0a && rng.next() < 0.3) {
      out.push(0x0a);
      continue;
    }
    acc += ratio;
    while (acc >= 1) {
      acc -= 1;
      out.push(rng.next() < 0.7 ? rng.pick(common) : (sent[i] ^ rng.int(0, 255)) | 0x80);
    }
  }
  return Uint8Array.from(out);
}
