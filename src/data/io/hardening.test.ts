/**
 * Regression tests for hostile imports: memory budget and zip bombs, implausible rates, names that are
 * inherited object members, echoed input, and outcomes that used to be silent (truncated WAVs, hidden
 * files, UTF-16 text, CR-only lines, error lines that repeated the file name).
 */
import { describe, expect, it, vi } from 'vitest';
import { deflateSync } from 'fflate';
import { isStudioError } from '../../core/errors.ts';
import { flattenBlock } from '../../dsp/blocks/flatten.ts';
import { parseCommonCsv, writeCommonCsv } from './common-csv.ts';
import { parseSidecar, readDatasetFolder, writeDatasetFolder } from './dataset-folder.ts';
import { parseEiJson, writeEiJson } from './ei-json.ts';
import { detectAndImport } from './import.ts';
import { withLimits } from './limits.ts';
import { ECHO_MAX, escapeText } from '../../core/echo.ts';
import { readProjectArchive } from './project-archive.ts';
import { SafeZip, crc32, writeZip } from './safe-zip.ts';
import { makeRecording, memFile, rawZip } from './test-fixtures.ts';
import { writeWav } from './wav.ts';

const enc = new TextEncoder();

/** True when the text holds a C0 control character. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

/** `rows` rows of `axes` zeros after a header (no timestamps: the rate comes from dataset.json). */
function zerosCsv(rows: number, axes: number): string {
  const head = Array.from({ length: axes }, (_, a) => `a${a}`).join(',');
  const row = Array(axes).fill('0').join(',');
  return `${head}\n${`${row}\n`.repeat(rows)}`;
}

/** A zip whose entries are deflated (each compressed on its own). */
function deflatedZip(files: { name: string; data: Uint8Array }[]): Uint8Array {
  return rawZip(files.map((f) => ({ name: f.name, data: deflateSync(f.data), method: 8, size: f.data.length, crc: crc32(f.data) })));
}

describe('memory budget and zip bombs', () => {
  it('refuses, unread, a zip entry that claims to unpack far beyond its compressed size', async () => {
    const big = enc.encode(zerosCsv(40_000, 60)); // 4.8 MB of zeros deflates about 1000:1
    const zip = deflatedZip([{ name: 'dataset.json', data: enc.encode('{"sample_rate_hz":100}') }, { name: 'idle.1.csv', data: big }]);
    const spy = vi.spyOn(SafeZip.prototype, 'read');
    const p = await detectAndImport([memFile('bomb.zip', zip)]);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(p.recordings).toEqual([]);
    expect(p.errors.map((e) => e.code)).toEqual(['zip-bomb']);
    expect(p.errors[0].message).toMatch(/more than 200 times its size/);
  });

  it('counts decoded values over the whole import and refuses before allocating past the budget', async () => {
    // 5 files of 20,000 rows × 10 axes = 800 kB of float32 each; a 2 MB budget takes two.
    const files = Array.from({ length: 5 }, (_, i) => memFile(`idle.${i}.csv`, zerosCsv(20_000, 10)));
    files.push(memFile('dataset.json', '{"sample_rate_hz":100}'));
    const err = await detectAndImport(files, { limits: { maxDecodedBytes: 2_000_000 } }).catch((e: unknown) => e);
    expect(isStudioError(err, 'over-budget')).toBe(true);
    expect((err as Error).message).toMatch(/^idle\.2\.csv: its values would take 781\.\d kB, and with the 1\.5 MB already read that is more than this import's memory budget of 1\.9 MB\./);
    // Within the budget the same files import.
    const ok = await detectAndImport(files, { limits: { maxDecodedBytes: 5_000_000 } });
    expect(ok.recordings.length).toBe(5);
  });

  it('the budget holds for a zip whose entries are each under the per-entry and ratio limits', async () => {
    const rows: string[] = ['timestamp_ms,a,b,c,d'];
    for (let i = 0; i < 30_000; i++) rows.push(`${i * 10},0,0,0,0`);
    const csv = enc.encode(rows.join('\n'));
    const zip = deflatedZip(Array.from({ length: 8 }, (_, i) => ({ name: `idle.${i}.csv`, data: csv })));
    const err = await detectAndImport([memFile('b.zip', zip)], { limits: { maxDecodedBytes: 1_500_000 } }).catch((e: unknown) => e);
    expect(isStudioError(err, 'over-budget')).toBe(true);
  });

  it('inflates an archive entry once even when project.json lists it ten times', () => {
    const rec = makeRecording('idle', 'a1');
    const csv = enc.encode(writeCommonCsv(rec));
    const sample = { file: 'samples/idle.a1.csv', label: 'idle', intervalMs: rec.intervalMs, axes: rec.axes };
    const pj = { format: 'tinyml-studio-project', version: 1, name: 'x', labels: [], samples: Array.from({ length: 10 }, (_, i) => ({ ...sample, id: `s${i}`, name: `idle.s${i}` })) };
    const zip = writeZip([
      { name: 'project.json', data: enc.encode(JSON.stringify(pj)) },
      { name: 'samples/idle.a1.csv', data: csv },
    ]);
    const spy = vi.spyOn(SafeZip.prototype, 'read');
    const r = readProjectArchive(zip, 'p.zip');
    const csvReads = spy.mock.calls.filter(([e]) => e.name === 'samples/idle.a1.csv').length;
    spy.mockRestore();
    expect(csvReads).toBe(1);
    expect(r.project.recordings.length).toBe(1);
    expect(r.errors.map((e) => e.code)).toEqual(Array(9).fill('listed-twice'));
  });

  it('the import budget is a named limit of 256 MiB', () => {
    expect(withLimits().maxDecodedBytes).toBe(256 * 1024 * 1024);
  });
});

describe('plausible rates', () => {
  it('refuses timestamps 0, 1e-300, 2e-300 (a rate of 1e303 Hz)', () => {
    const e = (() => {
      try {
        parseCommonCsv('idle.1.csv', 'timestamp,x\n0,1\n1e-300,2\n2e-300,3\n');
      } catch (err) {
        return err;
      }
    })();
    expect(isStudioError(e, 'implausible-rate')).toBe(true);
    expect((e as Error).message).toMatch(/outside the plausible range 0\.001 Hz to 1 MHz/);
  });

  it('refuses EI interval_ms of 1e-300 and 1e300', () => {
    for (const iv of [1e-300, 1e300]) {
      const text = JSON.stringify({ payload: { interval_ms: iv, sensors: [{ name: 'x', units: 'g' }], values: [1, 2, 3] } });
      expect(() => parseEiJson('a.1.json', text)).toThrow(expect.objectContaining({ code: 'implausible-rate' }));
    }
  });

  it('refuses a dataset.json sample_rate_hz of 1e300, and the folder import lists it', async () => {
    expect(() => parseSidecar('dataset.json', '{"sample_rate_hz":1e300}', withLimits(), [])).toThrow(expect.objectContaining({ code: 'implausible-rate' }));
    const r = await readDatasetFolder([memFile('dataset.json', '{"sample_rate_hz":1e300}'), memFile('idle.1.csv', 'x\n1\n2\n')]);
    expect(r.recordings).toEqual([]);
    expect(r.errors.map((e) => e.code)).toContain('implausible-rate');
  });

  it('flatten refuses an absurd window with a StudioError, not a RangeError', () => {
    const ctx = { axesCount: 1, axisNames: ['x'], frequencyHz: 1e300, windowFrames: 1e300, params: {} };
    let err: unknown;
    try {
      flattenBlock.createRunner!(ctx as never);
    } catch (e) {
      err = e;
    }
    expect(isStudioError(err, 'window-too-large')).toBe(true);
  });
});

describe('names that are inherited object members', () => {
  it('axes named constructor, toString and __proto__ get string units', async () => {
    const csv = 'timestamp,constructor,toString,__proto__\n0,1,2,3\n10,4,5,6\n';
    const r = parseCommonCsv('idle.1.csv', csv, { sidecar: { units: { constructor: 'g' } } });
    expect(r.recording.axes).toEqual([
      { name: 'constructor', units: 'g' },
      { name: 'toString', units: '' },
      { name: '__proto__', units: '' },
    ]);
    const f = await readDatasetFolder([memFile('idle.1.csv', csv), memFile('dataset.json', '{"units":{"__proto__":"m"}}')]);
    expect(f.recordings[0].axes.map((a) => typeof a.units)).toEqual(['string', 'string', 'string']);
    expect(f.recordings[0].axes[2].units).toBe('m');
    expect(Object.getPrototypeOf(f.info.units)).toBe(null);
  });

  it('a file named constructor.csv keeps its name', async () => {
    const r = await readDatasetFolder([memFile('constructor.csv', 'timestamp,x\n0,1\n10,2\n')]);
    expect(r.recordings.map((x) => x.name)).toEqual(['constructor']);
  });

  it('the dataset.json export counts a label named constructor as a number', () => {
    const out = writeDatasetFolder([makeRecording('constructor', 'a'), makeRecording('__proto__', 'b')]);
    const j = JSON.parse(new TextDecoder().decode(out.find((f) => f.name === 'dataset.json')!.data)) as { num_recordings: unknown };
    expect(JSON.stringify(j.num_recordings)).toBe('{"constructor":1,"__proto__":1}');
  });
});

describe('echoed input', () => {
  it('a 10 MB cell is cut to a short, escaped message', () => {
    const cell = `\u001b[31m${'x'.repeat(10_000_000)}`;
    let msg = '';
    try {
      parseCommonCsv('idle.1.csv', `timestamp,x\n0,1\n10,${cell}\n`);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^idle\.1\.csv, line 3: column "x" has "\\u001b\[31mxxx/);
    expect(msg.length).toBeLessThan(300);
    expect(hasControl(msg)).toBe(false);
    // A 10 MB number (out of the float32 range) was echoed whole.
    let big = '';
    try {
      parseCommonCsv('idle.1.csv', `timestamp,x\n0,1\n10,${'9'.repeat(10_000_000)}\n`);
    } catch (e) {
      big = (e as Error).message;
    }
    expect(big).toMatch(/^idle\.1\.csv, line 3: column "x" has "9{80}… \(10,000,000 characters\)", out of the float32 range\.$/);
  });

  it('a 10 MB axis name is refused quickly with a short message', () => {
    const t0 = performance.now();
    let msg = '';
    try {
      parseCommonCsv('idle.1.csv', `timestamp,${'y'.repeat(10_000_000)}\n0,1\n10,2\n`);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(msg).toMatch(/too long for a header/);
    expect(msg.length).toBeLessThan(400);
    expect(() => parseCommonCsv('idle.1.csv', `timestamp,${'y'.repeat(300)}\n0,1\n10,2\n`)).toThrow(expect.objectContaining({ code: 'name-too-long' }));
    const ei = JSON.stringify({ payload: { interval_ms: 10, sensors: [{ name: 'n'.repeat(1_000_000) }], values: [1] } });
    expect(() => parseEiJson('a.1.json', ei)).toThrow(expect.objectContaining({ code: 'name-too-long' }));
  });

  it('labels, names and units from sidecars and info.labels are bounded too', async () => {
    const csv = 'timestamp,x\n0,1\n10,2\n';
    const r = await readDatasetFolder([memFile('idle.1.csv', csv), memFile('dataset.json', JSON.stringify({ files: { 'idle.1': { label: 'L'.repeat(100_000) } } }))]);
    expect(r.recordings).toEqual([]);
    expect(r.errors[0]).toMatchObject({ code: 'name-too-long' });
    expect(r.errors[0].message.length).toBeLessThan(300);
    const info = JSON.stringify({ version: 1, files: [{ path: 'training/a.1.json', name: 'n'.repeat(5000), category: 'training', label: { type: 'label', label: 'a' } }] });
    const ei = JSON.stringify({ payload: { interval_ms: 10, sensors: [{ name: 'x' }], values: [1, 2] } });
    const p = await detectAndImport([memFile('export.zip', writeZip([{ name: 'info.labels', data: enc.encode(info) }, { name: 'training/a.1.json', data: enc.encode(ei) }]))]);
    expect(p.recordings).toEqual([]);
    expect(p.errors.map((e) => e.code)).toEqual(['name-too-long']);
  });

  it('a project archive with a 10 MB label or name is refused by its schema without showing either whole', () => {
    const pj = { format: 'tinyml-studio-project', version: 1, name: 'N'.repeat(10_000_000), labels: ['ok', 'L'.repeat(10_000_000)], samples: [] };
    for (const bad of [pj, { ...pj, name: 'ok' }]) {
      let err: unknown;
      try {
        readProjectArchive(writeZip([{ name: 'project.json', data: enc.encode(JSON.stringify(bad)) }], { level: 0 }), 'p.zip');
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ family: 'import', code: 'bad-project' });
      expect((err as Error).message.length).toBeLessThan(400);
      expect((err as Error).message).toMatch(/10,000,000 characters/);
    }
  });

  it('echo escapes control characters and cuts at ECHO_MAX', () => {
    expect(escapeText('a\nb\u0000c\u202ed')).toBe('a\\nb\\u0000c\\u202ed');
    const long = escapeText('z'.repeat(1000));
    expect(long.startsWith('z'.repeat(ECHO_MAX) + '…')).toBe(true);
    expect(long).toMatch(/\(1,000 characters\)$/);
  });

  it('binary bytes in a file name or entry name are escaped in messages', async () => {
    const p = await detectAndImport([memFile('bad\u0007\u001b[2J.1.csv', 'timestamp,x\n0,zz\n')]);
    expect(hasControl(p.errors[0].message)).toBe(false);
    expect(p.errors[0].message).toMatch(/bad\\u0007\\u001b\[2J\.1\.csv/);
  });
});

describe('outcomes that were silent', () => {
  it('a truncated WAV imports the complete frames with a warning', async () => {
    const made = makeRecording('noise', 'w1', { axes: ['audio'], rateHz: 8000, frames: 800, units: 'int16' });
    const wav = writeWav({ ...made, values: Float32Array.from(made.values, (_, i) => ((i * 7919) % 65536) - 32768) });
    const cut = wav.slice(0, wav.length - 1001); // declares 800 frames, holds 549 and a quarter
    const p = await detectAndImport([memFile('noise.w1.wav', cut)]);
    expect(p.errors).toEqual([]);
    expect(p.recordings[0].values.length).toBe(549);
    expect(p.warnings.join('\n')).toMatch(/noise\.w1\.wav: the file is truncated .*the 549 complete frames \(68\.6 ms\) were imported/);
  });

  it('hidden files are skipped with a note, not silently', async () => {
    const csv = 'timestamp,x\n0,1\n10,2\n';
    const p = await detectAndImport([memFile('idle.1.csv', csv), memFile('.idle.2.csv', csv), memFile('__MACOSX/._idle.1.csv', 'junk')]);
    expect(p.recordings.map((r) => r.name)).toEqual(['idle.1']);
    expect(p.warnings.join('\n')).toMatch(/2 hidden file\(s\) skipped \(\.idle\.2\.csv, __MACOSX\/\._idle\.1\.csv\)/);
  });

  it('UTF-16 CSVs (LE and BE, with BOM) import alike whatever text() the file offers', async () => {
    const text = '\ufefftimestamp,x\n0,1\n10,2\n';
    const le = new Uint8Array(text.length * 2);
    const be = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      le[2 * i] = c & 0xff;
      le[2 * i + 1] = c >> 8;
      be[2 * i] = c >> 8;
      be[2 * i + 1] = c & 0xff;
    }
    // memFile.text() decodes as UTF-8 (like the CLI's readFileSync(…, 'utf8')): the importer must not use it.
    const p = await detectAndImport([memFile('idle.le.csv', le), memFile('idle.be.csv', be)]);
    expect(p.errors).toEqual([]);
    expect(p.recordings.map((r) => Array.from(r.values))).toEqual([[1, 2], [1, 2]]);
  });

  it('CR-only line endings are rows, as are mixed endings', () => {
    const r = parseCommonCsv('idle.1.csv', 'timestamp,x\r0,1\r10,2\r20,3\r');
    expect(Array.from(r.recording.values)).toEqual([1, 2, 3]);
    const m = parseCommonCsv('idle.1.csv', 'timestamp,x\r\n0,1\n10,2\r20,3');
    expect(Array.from(m.recording.values)).toEqual([1, 2, 3]);
  });

  it('a file error carries its detail without the file name (lists show the file once)', async () => {
    const p = await detectAndImport([memFile('idle.1.csv', 'timestamp,x\n0,1\n10,abc\n')]);
    expect(p.errors[0]).toMatchObject({ file: 'idle.1.csv', line: 3, message: 'idle.1.csv, line 3: column "x" has "abc": not a number.', detail: 'column "x" has "abc": not a number.' });
  });
});

describe('round trips still hold', () => {
  it('EI JSON and CSV of a normal recording read back', () => {
    const rec = makeRecording('idle', 'r1');
    expect(parseEiJson('idle.r1.json', writeEiJson(rec)).recording.values).toEqual(rec.values);
    expect(parseCommonCsv('idle.r1.csv', writeCommonCsv(rec)).recording.values).toEqual(rec.values);
  });
});
