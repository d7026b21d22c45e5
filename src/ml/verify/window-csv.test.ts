import { describe, it, expect } from 'vitest';
import { StudioError } from '../../core/errors.ts';
import { holdsInt8, parseWindowCsv, quantizeValues, splitCsvLine, toInt8 } from './window-csv.ts';

describe('per-window CSVs of tinyml train', () => {
  it('parses quoted fields and the value columns', () => {
    expect(splitCsvLine('a,"b,""c""",,3')).toEqual(['a', 'b,"c"', '', '3']);
    const csv = parseWindowCsv('recording,start,label,o0,o1\n"rec,1",0,idle,0.25,-1\nr2,25,"we""ird",1,2\n', 'o');
    expect(csv.columns).toEqual(['recording', 'start', 'label', 'o0', 'o1']);
    expect(csv.rows).toEqual([
      { recording: 'rec,1', start: 0, label: 'idle', values: [0.25, -1] },
      { recording: 'r2', start: 25, label: 'we"ird', values: [1, 2] },
    ]);
  });

  it('refuses malformed files with a StudioError', () => {
    const bad = ['', 'x,start,label,i0\n', 'recording,start,label,i1\n', 'recording,start,label,i0\na,0,b\n', 'recording,start,label,i0\na,0,b,zz\n', 'recording,start,label,i0\n"a,0,b,1\n'];
    for (const t of bad) expect(() => parseWindowCsv(t, 'i'), JSON.stringify(t)).toThrow(StudioError);
  });

  it('quantizes floats as TFLite does (round half away from zero, saturate) and keeps int8 files as they are', () => {
    // scale 0.5, zero point 3: 1.25 / 0.5 = 2.5 → 3 (+3 = 6); −1.25 → −3 (+3 = 0); 100 saturates.
    expect(Array.from(quantizeValues([1.25, -1.25, 0, 100, -100], { scale: 0.5, zeroPoint: 3 }))).toEqual([6, 0, 3, 127, -128]);
    const intRows = [{ recording: 'a', start: 0, label: 'x', values: [-128, 0, 127] }];
    const floatRows = [{ recording: 'a', start: 0, label: 'x', values: [0.5, 1, -0.5] }];
    expect(holdsInt8(intRows)).toBe(true);
    expect(holdsInt8(floatRows)).toBe(false);
    expect(Array.from(toInt8(intRows, { scale: 0.5, zeroPoint: 0 })[0])).toEqual([-128, 0, 127]);
    expect(Array.from(toInt8(floatRows, { scale: 0.5, zeroPoint: 0 })[0])).toEqual([1, 2, -1]);
    expect(Array.from(toInt8(intRows, { scale: 2, zeroPoint: 0 }, 'float')[0])).toEqual([-64, 0, 64]);
    expect(() => toInt8(floatRows, { scale: 1, zeroPoint: 0 }, 'int8')).toThrow(StudioError);
  });
});
