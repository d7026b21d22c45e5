/**
 * Compares int8 output rows of two TFLite runtimes (e.g. our TypeScript interpreter and the real
 * TFLite in WASM): how many values differ, by how many LSB at most, and on how many rows the top
 * class differs. Also the issue-7 bound check. DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import { argmax } from '../metrics/argmax.ts';

export interface Agreement {
  rows: number;
  values: number;
  /** Values further apart than the tolerance. */
  differing: number;
  /** Largest |a − b| over all values (LSB for int8 rows). */
  maxDiff: number;
  /** Rows whose arg-max differs. */
  topMismatch: number;
  /** Indices of rows with a different arg-max (first 20). */
  topMismatchRows: number[];
}

/** Compares row by row; `tol` is the allowed |a − b| before a value counts as differing. */
export function compareRows(a: ArrayLike<number>[], b: ArrayLike<number>[], tol = 0): Agreement {
  if (a.length !== b.length) {
    throw new StudioError({ family: 'model', code: 'compare-rows', message: `Cannot compare ${a.length} output rows with ${b.length}.`, remedy: 'Run both runtimes on the same test windows.' });
  }
  const r: Agreement = { rows: a.length, values: 0, differing: 0, maxDiff: 0, topMismatch: 0, topMismatchRows: [] };
  a.forEach((row, i) => {
    const other = b[i];
    if (row.length !== other.length) {
      throw new StudioError({ family: 'model', code: 'compare-width', message: `Row ${i} has ${row.length} values on one side and ${other.length} on the other.`, remedy: 'Compare outputs of the same model.' });
    }
    for (let j = 0; j < row.length; j++) {
      const d = Math.abs(row[j] - other[j]);
      r.values++;
      if (!(d <= tol)) r.differing++;
      if (d > r.maxDiff || Number.isNaN(d)) r.maxDiff = Number.isNaN(d) ? Infinity : d;
    }
    if (argmax(row) !== argmax(other)) {
      r.topMismatch++;
      if (r.topMismatchRows.length < 20) r.topMismatchRows.push(i);
    }
  });
  return r;
}

/** Issue 7's bound: at most `maxLsb` apart, on at most `maxFraction` of the values, same top class everywhere. */
export function withinRuntimeBound(s: Agreement, maxLsb = 1, maxFraction = 0.005): boolean {
  return s.maxDiff <= maxLsb && s.differing <= maxFraction * s.values && s.topMismatch === 0;
}

/** One line for logs and reports. */
export function describeAgreement(s: Agreement): string {
  return `${s.rows} rows, ${s.differing}/${s.values} values differ (max ${s.maxDiff} LSB), top-class mismatches ${s.topMismatch}`;
}
