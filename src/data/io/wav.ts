/**
 * WAV audio as recordings: reads PCM 8/16/24/32-bit integer and 32-bit float files (mono or
 * multi-channel, including WAVE_FORMAT_EXTENSIBLE) and writes 32-bit float WAV. DOM-free core module.
 *
 * Samples become values in int16 units, as the microphone records them and as the audio blocks (MFE,
 * MFCC, spectrogram, like Edge Impulse's) expect: −32768 ≤ v < 32768, full scale of any integer PCM width
 * or a float file's ±1 mapped there (a power-of-two scale, so no value changes but its exponent). One
 * axis per channel named `audio` (mono) or `audio0`, `audio1`, … at interval 1000/rate ms, units `int16`.
 * Writing gives a 32-bit float WAV in full scale (int16 units divided by 32768; recordings in other units
 * as stored), so an import → export round trip keeps every value bit-exact.
 */
import type { Category, RawRecording } from '../sample.ts';
import { type ImportBudget, type ImportLimits, budgetOf, checkName, checkSize, fmtBytes, importError, withLimits } from './limits.ts';
import { shownPath } from '../../core/echo.ts';
import { baseName, splitName } from './names.ts';

export interface ParseWavOptions {
  limits?: Partial<ImportLimits>;
  category?: Category;
  label?: string;
  /** The import's memory budget (shared by all files of one import); a fresh one when absent. */
  budget?: ImportBudget;
  /** Notes about the file (a truncated data chunk) are added here. */
  warnings?: string[];
}

/** Units of audio values: int16 full scale (the microphone's AUDIO_AXIS uses the same). */
export const AUDIO_UNITS = 'int16';
const INT16_SCALE = 32768;
/** Largest float sample accepted (full scale is 1): far above any clipped signal, far below float32 overflow. */
const MAX_FLOAT_SAMPLE = 1e30;

export function parseWav(fileName: string, data: Uint8Array, opts: ParseWavOptions = {}): RawRecording {
  const limits = withLimits(opts.limits);
  checkSize(fileName, data.length, limits.maxFileBytes);
  const bad = (msg: string): never => {
    throw importError('bad-wav', fileName, msg, { remedy: 'Convert it to a PCM or float WAV file and import again.' });
  };
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tag = (o: number): string => String.fromCharCode(data[o], data[o + 1], data[o + 2], data[o + 3]);
  if (data.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return bad('not a RIFF/WAVE file.');
  let p = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number; blockAlign: number } | undefined;
  let body: Uint8Array | undefined;
  let declared = 0;
  while (p + 8 <= data.length) {
    const id = tag(p);
    const size = dv.getUint32(p + 4, true);
    const start = p + 8;
    const end = start + size;
    if (id === 'fmt ') {
      if (size < 16 || end > data.length) return bad('the fmt chunk is truncated.');
      let format = dv.getUint16(start, true);
      const channels = dv.getUint16(start + 2, true);
      const rate = dv.getUint32(start + 4, true);
      const blockAlign = dv.getUint16(start + 12, true);
      const bits = dv.getUint16(start + 14, true);
      if (format === 0xfffe) {
        if (size < 40) return bad('the extensible fmt chunk is truncated.');
        format = dv.getUint16(start + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = { format, channels, rate, bits, blockAlign };
    } else if (id === 'data') {
      // A truncated data chunk (common in streamed recordings) is read up to the end of the file.
      body = data.subarray(start, Math.min(end, data.length));
      declared = size;
      break;
    }
    p = end + (size & 1);
  }
  if (!fmt) return bad('there is no fmt chunk.');
  if (!body) return bad('there is no data chunk.');
  const { format, channels, rate, bits } = fmt;
  if (channels < 1 || channels > limits.maxAxes) return bad(`${channels} channels is not supported (1 to ${limits.maxAxes}).`);
  if (rate < 1 || rate > 1_000_000) return bad(`sample rate ${rate} Hz is not supported.`);
  const isInt = format === 1 && [8, 16, 24, 32].includes(bits);
  const isFloat = format === 3 && bits === 32;
  if (!isInt && !isFloat) return bad(`format ${format} with ${bits} bits per sample is not supported (PCM 8/16/24/32-bit or 32-bit float).`);
  const bytes = bits / 8;
  const frameBytes = bytes * channels;
  const frames = Math.floor(body.length / frameBytes);
  if (frames === 0) return bad('the data chunk holds no samples.');
  if (frames > limits.maxWavFrames) return bad(`${frames} frames, more than the limit of ${limits.maxWavFrames}.`);
  if (body.length < declared || body.length % frameBytes !== 0) {
    // Streamed or interrupted recordings end early; what is there is imported, and the person is told.
    opts.warnings?.push(
      `${shownPath(fileName)}: the file is truncated (its data chunk declares ${fmtBytes(declared)} but ${fmtBytes(body.length)} are present); the ${frames} complete frames (${((frames * 1000) / rate).toFixed(1)} ms) were imported.`,
    );
  }
  const b = baseName(fileName);
  const stem = b.toLowerCase().endsWith('.wav') ? b.slice(0, -4) : b;
  checkName(fileName, 'file name', stem, limits);
  const n = frames * channels;
  const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (isFloat) {
    for (let i = 0; i < n; i++) {
      const v = bv.getFloat32(i * 4, true);
      // Float audio is full scale (±1); far beyond it the int16-unit value would overflow float32.
      if (!Number.isFinite(v) || Math.abs(v) > MAX_FLOAT_SAMPLE) return bad(`sample ${Math.floor(i / channels)} of channel ${i % channels} is ${v}, not audio (a float WAV holds values around ±1).`);
    }
  }
  budgetOf(limits, opts.budget).reserve(fileName, n * 4);
  const values = new Float32Array(n);
  if (isFloat) {
    for (let i = 0; i < n; i++) values[i] = bv.getFloat32(i * 4, true) * INT16_SCALE;
  } else if (bits === 8) {
    for (let i = 0; i < n; i++) values[i] = (body[i] - 128) * 256;
  } else if (bits === 16) {
    for (let i = 0; i < n; i++) values[i] = bv.getInt16(i * 2, true);
  } else if (bits === 24) {
    for (let i = 0; i < n; i++) {
      const o = i * 3;
      const u = body[o] | (body[o + 1] << 8) | (body[o + 2] << 16);
      values[i] = ((u << 8) >> 8) / 256;
    }
  } else {
    for (let i = 0; i < n; i++) values[i] = bv.getInt32(i * 4, true) / 65536;
  }
  const axes = Array.from({ length: channels }, (_, c) => ({ name: channels === 1 ? 'audio' : `audio${c}`, units: AUDIO_UNITS }));
  return {
    name: stem,
    label: opts.label ?? splitName(stem).label,
    category: opts.category ?? 'training',
    axes,
    intervalMs: 1000 / rate,
    values,
  };
}

/** The 44-byte header of a 32-bit float WAV of `frames` frames of `channels` channels at `rate` Hz. */
export function wavHeader(frames: number, channels: number, rate: number): Uint8Array {
  const dataBytes = frames * channels * 4;
  const out = new Uint8Array(44);
  const dv = new DataView(out.buffer);
  const put = (o: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[o + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  dv.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 3, true);
  dv.setUint16(22, channels, true);
  dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * channels * 4, true);
  dv.setUint16(32, channels * 4, true);
  dv.setUint16(34, 32, true);
  put(36, 'data');
  dv.setUint32(40, dataBytes, true);
  return out;
}

/** The factor from stored values to WAV full scale (int16 units ÷ 32768, others as they are). */
export function wavScale(axes: { units: string }[]): number {
  return axes.every((a) => a.units === AUDIO_UNITS) ? 1 / INT16_SCALE : 1;
}

/** Interleaved values as little-endian float32 WAV data, times `scale` (one piece of a streamed file). */
export function wavData(values: Float32Array, scale: number, out = new Uint8Array(values.length * 4)): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, values.length * 4);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i] * scale, true);
  return out;
}

/** The recording as a 32-bit float WAV (int16 units back to full scale); the rate is 1000/intervalMs rounded to whole Hz. */
export function writeWav(rec: RawRecording): Uint8Array {
  const ch = rec.axes.length;
  if (ch === 0) throw importError('no-axes', rec.name, 'the recording has no axes.');
  const rate = Math.round(1000 / rec.intervalMs);
  const frames = Math.floor(rec.values.length / ch);
  const out = new Uint8Array(44 + frames * ch * 4);
  out.set(wavHeader(frames, ch, rate));
  wavData(rec.values.subarray(0, frames * ch), wavScale(rec.axes), out.subarray(44));
  return out;
}
