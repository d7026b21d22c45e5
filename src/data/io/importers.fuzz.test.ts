/**
 * Property-based tests of every importer: common CSV, EI JSON, EI export zip, WAV, dataset folder,
 * the safe zip reader and the project archive reader. Inputs are generated to hit the classes of
 * hostile input found by hand: amplification within the limits, names that are inherited object members,
 * absurd numbers, long cells, mixed encodings and BOMs, CR/LF mixes, truncation and flipped bytes.
 *
 * Property, for every input: the importer either refuses with a StudioError (with a short message free
 * of control characters) or returns whole recordings — finite values, frames × axes of them, string
 * units, a plausible rate — whose values together stay within the import's memory budget and read back
 * bit-exact when written out again.
 */
import fc from 'fast-check';
import { afterAll, describe, it, expect } from 'vitest';
import { StudioError } from '../../core/errors.ts';
import type { RawRecording } from '../sample.ts';
import { fuzzParams } from '../../../tests/helpers/fuzz.ts';
import { parseCommonCsv, writeCommonCsv } from './common-csv.ts';
import { readDatasetFolder } from './dataset-folder.ts';
import { parseEiJson, writeEiExport } from './ei-json.ts';
import { detectAndImport } from './import.ts';
import type { ImportLimits } from './limits.ts';
import { readProjectArchive, writeProjectArchive } from './project-archive.ts';
import { SafeZip, crc32, writeZip } from './safe-zip.ts';
import { makeRecording, memFile, rawZip, sameBits, zeroBombDeflate } from './test-fixtures.ts';
import { parseWav, writeWav } from './wav.ts';

/** Small limits so that amplification "within the limits" is cheap to generate. */
const LIMITS: Partial<ImportLimits> = { maxDecodedBytes: 64 * 1024, maxEntryBytes: 512 * 1024, maxTotalBytes: 2 * 1024 * 1024, maxRows: 20_000 };
const BUDGET = 64 * 1024;

function checkRefusal(e: unknown): void {
  if (!(e instanceof StudioError)) throw e;
  checkMessage(e.message);
}

function checkMessage(m: string): void {
  expect(m.length).toBeLessThan(1500);
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new Error(`control character ${c} in message: ${JSON.stringify(m.slice(0, 200))}`);
  }
}

function checkRecordings(recs: RawRecording[]): void {
  let bytes = 0;
  for (const r of recs) {
    expect(r.axes.length).toBeGreaterThan(0);
    expect(r.values.length % r.axes.length).toBe(0);
    expect(r.values.length).toBeGreaterThan(0);
    for (const v of r.values) if (!Number.isFinite(v)) throw new Error(`non-finite value ${v} in ${r.name}`);
    for (const a of r.axes) expect(typeof a.units).toBe('string');
    const hz = 1000 / r.intervalMs;
    expect(hz >= 0.001 && hz <= 1e6).toBe(true);
    bytes += r.values.length * 4;
    // Values round-trip through the common CSV layout (axes renamed: names are not what is checked here).
    const plain = { ...r, axes: r.axes.map((_, i) => ({ name: `a${i}`, units: '' })) };
    const back = parseCommonCsv('x.csv', writeCommonCsv(plain), { sidecar: { intervalMs: r.intervalMs }, limits: { maxDecodedBytes: r.values.length * 4 + 1e6 } });
    expect(sameBits(back.recording.values, r.values)).toBe(true);
  }
  expect(bytes).toBeLessThanOrEqual(BUDGET);
}

/** Outcomes per target: refused, or how many recordings were accepted. */
const outcomes = new Map<string, { refused: number; accepted: number }>();
let target = '';

async function holds(run: () => RawRecording[] | Promise<RawRecording[]>): Promise<void> {
  const o = outcomes.get(target) ?? { refused: 0, accepted: 0 };
  outcomes.set(target, o);
  let recs: RawRecording[];
  try {
    recs = await run();
  } catch (e) {
    checkRefusal(e);
    o.refused++;
    return;
  }
  checkRecordings(recs);
  o.accepted += recs.length;
  if (recs.length === 0) o.refused++;
}

afterAll(() => {
  for (const [t, o] of outcomes) console.log(`fuzz ${t}: ${o.refused} refusals or empty results, ${o.accepted} recordings accepted`);
  // The generators must reach both outcomes, or the property checks nothing.
  for (const [t, o] of outcomes) {
    if (t === 'safe_zip') continue; // returns no recordings by design
    expect(o.accepted, `${t} accepted nothing`).toBeGreaterThan(0);
    expect(o.refused, `${t} refused nothing`).toBeGreaterThan(0);
  }
});

// ---- generators -----------------------------------------------------------------------------------

const inherited = fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__');
const control = fc.constantFrom('\u0000', '\u0007', '\u001b[2J', '\u202e', '\u2028', '\ufeff', '\t', '\u0085');
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('accX', 'accY', 'gyrZ', 'x', 'audio') },
  { weight: 2, arbitrary: inherited },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 6 }), control).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }).map((n) => 'n'.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const absurd = fc.constantFrom(0, -0, 1e-300, 2e-300, 1e300, -1e300, 1e-45, 3.5e38, -3.5e38, Number.MAX_VALUE, Number.MIN_VALUE, 1e308, 1.2345678901234568e29);
const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String) },
  { weight: 2, arbitrary: absurd.map(String) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-inf', '', ' ', '1e', '0x10', '1,5', '"1"', '+.5', '.', '-', '1e-400', '1e400', '00012', '1.5.5') },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => '9'.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const eol = fc.constantFrom('\n', '\r\n', '\r');

/** A CSV text: a header (with or without timestamps), rows of cells, mixed line endings, maybe a BOM. */
const csvText = fc
  .record({
    bom: fc.boolean(),
    time: fc.constantFrom('timestamp_ms', 'timestamp', 'timestamp_ms', 'timestamp', 'time', ''),
    axes: fc.uniqueArray(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('accX', 'accY', 'accZ', 'x') }, { weight: 2, arbitrary: inherited }, { weight: 1, arbitrary: name }), { minLength: 1, maxLength: 5 }),
    rows: fc.integer({ min: 0, max: 40 }),
    step: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(10, 9.615, 1, 0.5, 1000) }, { weight: 1, arbitrary: absurd }),
    cells: fc.array(numberText, { minLength: 1, maxLength: 12 }),
    bad: fc.integer({ min: 0, max: 8 }),
    eols: fc.array(eol, { minLength: 1, maxLength: 4 }),
    repeatRows: fc.constantFrom(1, 1, 1, 50, 500),
  })
  .map((g) => {
    const lines: string[] = [[g.time, ...g.axes].filter((c, i) => i > 0 || c !== '').join(',')];
    for (let r = 0; r < g.rows; r++) {
      const cells: string[] = [];
      if (g.time) cells.push(String(r * g.step));
      for (let a = 0; a < g.axes.length; a++) cells.push(g.bad === 0 ? g.cells[(r + a) % g.cells.length] : String(((r * 7 + a * 3) % 17) / 4 - 2));
      if (g.bad === 1 && r === g.rows - 1) cells.push('1');
      lines.push(cells.join(','));
    }
    const body = lines.map((l, i) => l + g.eols[i % g.eols.length]).join('');
    // Amplified rows (the budget's business) only while the text stays within a few MB.
    const rows = lines.slice(1).map((l) => l + '\n').join('');
    const rep = lines.length > 1 && rows.length * g.repeatRows < 4e6 ? body + rows.repeat(g.repeatRows - 1) : body;
    return (g.bom ? '\ufeff' : '') + rep;
  });

/** Text encoded as UTF-8, UTF-16 LE/BE with BOM, or with a stray byte order mark of the wrong kind. */
function encodeAs(text: string, how: number): Uint8Array {
  if (how === 0) return new TextEncoder().encode(text);
  const t = text.startsWith('\ufeff') ? text : '\ufeff' + text;
  const out = new Uint8Array(t.length * 2);
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    out[2 * i + (how === 1 ? 0 : 1)] = c & 0xff;
    out[2 * i + (how === 1 ? 1 : 0)] = c >> 8;
  }
  return how === 3 ? out.subarray(1) : out; // 3: UTF-16 with a byte lost
}

/** Flips, truncates or splices bytes. */
const mutation = fc.record({ kind: fc.integer({ min: 0, max: 4 }), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), len: fc.integer({ min: 1, max: 64 }) });
function mutate(b: Uint8Array, m: { kind: number; at: number; byte: number; len: number }): Uint8Array {
  if (b.length === 0 || m.kind === 0) return b;
  const at = m.at % b.length;
  const c = b.slice();
  if (m.kind === 1) c[at] ^= m.byte || 1;
  else if (m.kind === 2) return c.subarray(0, at);
  else if (m.kind === 3) c.fill(m.byte, at, at + m.len);
  else {
    const out = new Uint8Array(b.length + m.len);
    out.set(b.subarray(0, at));
    out.fill(m.byte, at, at + m.len);
    out.set(b.subarray(at), at + m.len);
    return out;
  }
  return c;
}

const recording = fc
  .record({
    label: fc.oneof(fc.constantFrom('idle', 'wave'), inherited),
    axes: fc.array(fc.oneof(fc.constantFrom('accX', 'accY', 'accZ'), inherited), { minLength: 1, maxLength: 3 }),
    frames: fc.integer({ min: 1, max: 60 }),
    rate: fc.constantFrom(1, 50, 104, 8000),
    seed: fc.nat(),
  })
  .map((g, ) => makeRecording(g.label, `r${g.seed % 1000}`, { axes: [...new Set(g.axes)], frames: g.frames, rateHz: g.rate, seed: g.seed }));

// ---- targets --------------------------------------------------------------------------------------

describe('importer fuzzing', () => {
  it('common CSV', async () => {
    target = 'csv';
    await fc.assert(
      fc.asyncProperty(csvText, fc.constantFrom(0, 0, 0, 1, 2, 3), fc.option(fc.oneof(fc.constant(10), absurd), { nil: undefined }), fc.oneof({ weight: 4, arbitrary: fc.constantFrom('idle', 'wave') }, { weight: 1, arbitrary: name }), async (text, how, sidecarMs, file) => {
        await holds(async () => {
          const f = memFile(`${file}.1.csv`, encodeAs(text, how));
          return (await readDatasetFolder([f], { limits: LIMITS, strict: true })).recordings;
        });
        if (sidecarMs !== undefined) {
          await holds(() => [parseCommonCsv(`${file}.2.csv`, text, { limits: LIMITS, sidecar: { intervalMs: sidecarMs, units: { [file]: 'g' } } }).recording]);
        }
      }),
      fuzzParams('import_csv'),
    );
  });

  it('EI JSON', async () => {
    target = 'ei_json';
    const payload = fc
      .record({
        interval_ms: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(10, 1, 0.0625) }, { weight: 1, arbitrary: absurd }, { weight: 1, arbitrary: fc.constantFrom(-1, 'x', null) }),
        sensors: fc.array(
          fc.record({ name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('accX', 'accY', 'accZ') }, { weight: 2, arbitrary: inherited }, { weight: 1, arbitrary: name }), units: fc.oneof(fc.constant('g'), name, fc.constant(5)) }),
          { minLength: 0, maxLength: 4 },
        ),
        shape: fc.integer({ min: 0, max: 5 }),
        frames: fc.integer({ min: 1, max: 30 }),
        cells: fc.array(fc.oneof({ weight: 6, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) }, { weight: 1, arbitrary: absurd }, { weight: 1, arbitrary: fc.constantFrom('1', null, [1], Number.NaN) }), { minLength: 1, maxLength: 8 }),
        device_name: fc.oneof(fc.string(), name),
      })
      .map(({ shape, frames, cells, ...p }) => {
        const nA = p.sensors.length;
        const cell = (i: number): unknown => (shape === 0 ? cells[i % cells.length] : (i % 13) / 4);
        let values: unknown;
        if (shape <= 2) values = Array.from({ length: frames }, (_, f) => Array.from({ length: nA }, (_, a) => cell(f * nA + a)));
        else if (shape === 3) values = Array.from({ length: frames }, (_, f) => cell(f));
        else if (shape === 4) values = Array.from({ length: 20_000 }, () => Array(nA).fill(0)); // over the budget when nA ≥ 1
        else values = Array.from({ length: frames }, (_, f) => Array.from({ length: (f % 3) + nA - 1 }, () => 0));
        return { ...p, values };
      });
    await fc.assert(
      fc.asyncProperty(payload, fc.integer({ min: 0, max: 3 }), fc.boolean(), async (p, how, signed) => {
        const text = JSON.stringify({ protected: { ver: 'v1', alg: signed ? 'HS256\u001b' : 'none', iat: 1 }, signature: '0', payload: p });
        await holds(async () => (await detectAndImport([memFile('idle.1.json', encodeAs(text, how))], { limits: LIMITS })).recordings);
        await holds(() => [parseEiJson('idle.1.json', text, { limits: LIMITS }).recording]);
      }),
      fuzzParams('import_ei_json'),
    );
  });

  it('EI export zip', async () => {
    target = 'ei_zip';
    await fc.assert(
      fc.asyncProperty(fc.array(recording, { minLength: 1, maxLength: 4 }), mutation, fc.boolean(), async (recs, m, bomb) => {
        const files = writeEiExport(recs.map((r, i) => ({ ...r, name: `${r.name}${i}` })));
        if (bomb) files.push({ name: 'training/idle.zz.json', data: new TextEncoder().encode('{"payload":{"interval_ms":10,"sensors":[{"name":"x"}],"values":[' + '0,'.repeat(40_000) + '0]}}') });
        const zip = mutate(writeZip(files), m);
        await holds(async () => {
          const p = await detectAndImport([memFile('export.zip', zip)], { limits: LIMITS });
          for (const e of p.errors) checkMessage(e.message);
          return p.recordings;
        });
      }),
      fuzzParams('import_ei_zip'),
    );
  });

  it('WAV', async () => {
    target = 'wav';
    const header = fc.record({
      format: fc.constantFrom(1, 3, 0xfffe, 2),
      channels: fc.constantFrom(0, 1, 2, 3, 65, 65535),
      rate: fc.constantFrom(0, 1, 8000, 44100, 1_000_001, 0xffffffff),
      bits: fc.constantFrom(8, 16, 24, 32, 12, 0),
      declared: fc.oneof(fc.constant(-1), fc.nat(), fc.constant(0xffffffff)),
      frames: fc.integer({ min: 0, max: 3000 }),
      cut: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(header, mutation, fc.boolean(), async (h, m, real) => {
        let bytes: Uint8Array;
        if (real) {
          bytes = writeWav(makeRecording('noise', 'w', { axes: ['audio'], frames: Math.max(1, h.frames), rateHz: 8000 }));
        } else {
          const blockAlign = (h.channels * h.bits) / 8;
          const data = Math.min(200_000, Math.floor(h.frames * Math.max(1, blockAlign)));
          bytes = new Uint8Array(44 + data);
          const dv = new DataView(bytes.buffer);
          bytes.set([82, 73, 70, 70], 0);
          dv.setUint32(4, 36 + data, true);
          bytes.set([87, 65, 86, 69, 102, 109, 116, 32], 8);
          dv.setUint32(16, 16, true);
          dv.setUint16(20, h.format, true);
          dv.setUint16(22, h.channels, true);
          dv.setUint32(24, h.rate, true);
          dv.setUint16(32, blockAlign & 0xffff, true);
          dv.setUint16(34, h.bits, true);
          bytes.set([100, 97, 116, 97], 36);
          dv.setUint32(40, h.declared < 0 ? data : h.declared, true);
          for (let i = 44; i < bytes.length; i++) bytes[i] = (i * 37) & 0xff;
        }
        bytes = mutate(bytes, m);
        await holds(() => {
          const warnings: string[] = [];
          const r = parseWav('noise.1.wav', bytes, { limits: LIMITS, warnings });
          for (const w of warnings) checkMessage(w);
          return [r];
        });
      }),
      fuzzParams('import_wav'),
    );
  });

  it('dataset folder', async () => {
    target = 'dataset_folder';
    const sidecar = fc.record(
      {
        sample_rate_hz: fc.oneof(fc.constantFrom(100, 104, 0.5), absurd, fc.constant('100')),
        interval_ms: fc.oneof(fc.constant(10), absurd),
        units: fc.dictionary(name, fc.oneof(fc.constant('g'), fc.integer())),
        axes: fc.array(name, { maxLength: 3 }),
        labels: fc.array(name, { maxLength: 3 }),
        test_ids: fc.array(fc.oneof(inherited, fc.constantFrom('idle.1', 'x')), { maxLength: 3 }),
        files: fc.dictionary(fc.oneof(inherited, fc.constantFrom('idle.1', 'constructor')), fc.record({ name: fc.oneof(inherited, fc.string()), interval_ms: fc.oneof(fc.constant(10), absurd), units: fc.dictionary(inherited, fc.constant('m')) }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(sidecar, fc.array(fc.tuple(fc.oneof(inherited, fc.constantFrom('idle.1', 'wave.2', '.hidden', '__MACOSX/._x')), csvText), { minLength: 1, maxLength: 4 }), async (sc, files) => {
        await holds(async () => {
          const r = await readDatasetFolder([memFile('dataset.json', JSON.stringify(sc)), ...files.map(([n, t], i) => memFile(`${n}${i}.csv`, t))], { limits: LIMITS });
          for (const e of r.errors) checkMessage(e.message);
          for (const w of r.warnings) checkMessage(w);
          for (const u of Object.values(r.info.units)) expect(typeof u).toBe('string');
          return r.recordings;
        });
      }),
      fuzzParams('import_dataset_folder'),
    );
  });

  it('safe zip reader', async () => {
    target = 'safe_zip';
    const entry = fc.record({
      name: fc.oneof(fc.constantFrom('a.csv', 'dir/b.json', '../x', '/abs', 'C:/x', 'a\u0000b', 'dir/'), name),
      kind: fc.constantFrom('stored', 'deflate', 'bomb', 'lie-small', 'lie-big', 'bad-crc'),
      size: fc.integer({ min: 0, max: 300_000 }),
      flags: fc.constantFrom(0, 0, 1, 8),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 0, maxLength: 5 }), mutation, async (es, m) => {
        const raw = rawZip(
          es.map((e) => {
            const plain = new Uint8Array(Math.min(e.size, 4096)).map((_, i) => (i * 31) & 0x7f);
            if (e.kind === 'stored') return { name: e.name, data: plain, method: 0, crc: crc32(plain), flags: e.flags };
            if (e.kind === 'bomb') return { name: e.name, data: zeroBombDeflate(e.size + 1), size: e.size + 1, crc: crc32(new Uint8Array(e.size + 1)), flags: e.flags };
            const z = writeZip([{ name: 'x', data: plain }]);
            const comp = new SafeZip(z, 'z').entries[0];
            const data = z.subarray(30 + 1, 30 + 1 + comp.compressedSize);
            const size = e.kind === 'lie-small' ? Math.max(0, plain.length - 1) : e.kind === 'lie-big' ? plain.length * 1000 + 1 : plain.length;
            return { name: e.name, data, size, crc: e.kind === 'bad-crc' ? 1 : crc32(plain), flags: e.flags };
          }),
        );
        const bytes = mutate(raw, m);
        await holds(() => {
          const zip = new SafeZip(bytes, 'f.zip', LIMITS);
          let total = 0;
          for (const e of zip.entries) {
            try {
              total += zip.read(e).length;
            } catch (err) {
              checkRefusal(err);
            }
            expect(() => zip.read(e)).toThrow(StudioError); // never inflated twice
          }
          expect(total).toBeLessThanOrEqual(LIMITS.maxTotalBytes!);
          return [];
        });
      }),
      fuzzParams('import_safe_zip'),
    );
  });

  it('project archive', async () => {
    target = 'project_archive';
    await fc.assert(
      fc.asyncProperty(
        fc.array(recording, { minLength: 1, maxLength: 3 }),
        fc.record({ repeat: fc.integer({ min: 1, max: 12 }), interval: fc.option(absurd, { nil: undefined }), axisName: fc.option(name, { nil: undefined }) }),
        mutation,
        async (recs, tweak, m) => {
          const zip0 = writeProjectArchive({ name: 'p', labels: [], recordings: recs.map((r, i) => ({ ...r, name: `${r.name}${i}`, id: `id${i}` })), models: [] });
          // Rewrite project.json: list the first sample `repeat` times, maybe with an absurd interval or axis.
          const z = new SafeZip(zip0, 'p.zip');
          const pj = JSON.parse(z.readText(z.find('project.json')!)) as { samples: Record<string, unknown>[] };
          const first = { ...pj.samples[0] };
          if (tweak.interval !== undefined) first.intervalMs = tweak.interval;
          if (tweak.axisName !== undefined) first.axes = [{ name: tweak.axisName, units: 'g' }];
          pj.samples = [...pj.samples, ...Array.from({ length: tweak.repeat - 1 }, (_, i) => ({ ...first, name: `dup${i}`, id: `dup${i}` }))];
          const files = z.entries.filter((e) => e.name !== 'project.json').map((e) => ({ name: e.name, data: z.read(e) }));
          const zip = mutate(writeZip([{ name: 'project.json', data: new TextEncoder().encode(JSON.stringify(pj)) }, ...files]), m);
          await holds(() => {
            const r = readProjectArchive(zip, 'p.zip', { limits: LIMITS });
            for (const e of r.errors) checkMessage(e.message);
            return r.project.recordings;
          });
        },
      ),
      fuzzParams('import_project_archive'),
    );
  });
});
