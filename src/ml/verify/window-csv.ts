/**
 * Reads the per-window CSVs `tinyml train` writes (test_inputs.csv, test_outputs.csv: header
 * `recording,start,label,<p>0,<p>1,…`) and turns their rows into int8 tensors. The files may hold the
 * int8 tensor itself or float values (features / dequantized outputs); `toInt8` accepts both.
 * DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import type { QuantParams } from '../../core/impulse.ts';
import { roundHalfAway } from '../tflite/fixed-point.ts';

export interface WindowCsvRow {
  recording: string;
  start: number;
  label: string;
  values: number[];
}

export interface WindowCsv {
  columns: string[];
  rows: WindowCsvRow[];
}

function bad(message: string): StudioError {
  return new StudioError({ family: 'import', code: 'bad-window-csv', message, remedy: 'Write the file again with `tinyml train`.' });
}

/** Splits one CSV line, honouring double-quoted fields with "" escapes. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= line.length) throw bad('A quoted field is not closed.');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += line[i++];
      }
      out.push(s);
    } else {
      const j = line.indexOf(',', i);
      out.push(line.slice(i, j < 0 ? line.length : j));
      i = j < 0 ? line.length : j;
    }
    if (i >= line.length) break;
    if (line[i] !== ',') throw bad(`Unexpected character after a quoted field at column ${i + 1}.`);
    i++;
  }
  return out;
}

/** Parses a per-window CSV; `prefix` is the value column prefix ('i' or 'o'). */
export function parseWindowCsv(text: string, prefix: string): WindowCsv {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) throw bad('The window CSV is empty.');
  const columns = splitCsvLine(lines[0]);
  if (columns[0] !== 'recording' || columns[1] !== 'start' || columns[2] !== 'label') throw bad('The window CSV header must start with recording,start,label.');
  columns.slice(3).forEach((c, j) => {
    if (c !== `${prefix}${j}`) throw bad(`Column ${j + 4} is "${c}", expected "${prefix}${j}".`);
  });
  const rows = lines.slice(1).map((line, k) => {
    const f = splitCsvLine(line);
    if (f.length !== columns.length) throw bad(`Line ${k + 2} has ${f.length} fields, the header ${columns.length}.`);
    const values = f.slice(3).map(Number);
    const start = Number(f[1]);
    if (!Number.isInteger(start) || values.some((v) => !Number.isFinite(v))) throw bad(`Line ${k + 2} holds a value that is not a number.`);
    return { recording: f[0], start, label: f[2], values };
  });
  return { columns, rows };
}

/** True when every value is a whole number in −128..127 (the file holds int8 tensors). */
export function holdsInt8(rows: WindowCsvRow[]): boolean {
  return rows.every((r) => r.values.every((v) => Number.isInteger(v) && v >= -128 && v <= 127));
}

/** Quantizes float values as TFLite does: round-half-away(x / scale) + zero point, saturated. */
export function quantizeValues(values: ArrayLike<number>, q: QuantParams): Int8Array {
  const s = Math.fround(q.scale);
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = roundHalfAway(Math.fround(values[i] / s)) + q.zeroPoint;
    out[i] = v < -128 ? -128 : v > 127 ? 127 : v;
  }
  return out;
}

/**
 * The int8 tensors of the rows: taken as they are when the file holds int8 values (`encoding` 'int8'
 * or 'auto' with whole numbers in range), else quantized with `q`.
 */
export function toInt8(rows: WindowCsvRow[], q: QuantParams, encoding: 'auto' | 'int8' | 'float' = 'auto'): Int8Array[] {
  const asInt8 = encoding === 'int8' || (encoding === 'auto' && holdsInt8(rows));
  if (asInt8 && !holdsInt8(rows)) throw bad('The file should hold int8 values but has values outside −128..127.');
  return rows.map((r) => (asInt8 ? Int8Array.from(r.values) : quantizeValues(r.values, q)));
}
