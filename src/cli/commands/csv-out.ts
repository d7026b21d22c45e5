/**
 * CSV writing helpers for the CLI commands (one row per window). Node-only.
 */
import { writeOut } from '../out-path.ts';

/** Quotes a field when it holds a comma, quote or newline. */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Shortest text that reads back to the same float32. */
export function f32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 6; p <= 9; p++) {
    const s = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(s)) === Math.fround(v)) return s;
  }
  return String(v);
}

export interface WindowRow {
  recording: string;
  start: number;
  label: string;
}

/** Writes `recording,start,label,<prefix>0,..` (or the given column names) with one row per window. */
export function writeWindowCsv(path: string, rows: WindowRow[], prefixOrNames: string | string[], data: Float32Array, width: number, extra?: (i: number) => string[], extraNames: string[] = []): void {
  const names = Array.isArray(prefixOrNames) ? prefixOrNames : Array.from({ length: width }, (_, i) => `${prefixOrNames}${i}`);
  const lines: string[] = [['recording', 'start', 'label', ...extraNames, ...names].map(csvField).join(',')];
  rows.forEach((r, i) => {
    const vals: string[] = [];
    for (let j = 0; j < width; j++) vals.push(f32(data[i * width + j]));
    lines.push([csvField(r.recording), String(r.start), csvField(r.label), ...(extra ? extra(i).map(csvField) : []), ...vals].join(','));
  });
  writeOut(path, lines.join('\n') + '\n');
}
