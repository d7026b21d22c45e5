import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { datasetHealth, type HealthSample } from './health.ts';
import { mulberry32 } from './split.ts';
import { parseCommonCsv } from './io/common-csv.ts';
import { sharedPath, skipReason } from '../../tests/helpers/shared.ts';

function sample(id: string, label: string, opts: { frames?: number; amp?: number; seed?: number; rate?: number; axes?: string[]; units?: string } = {}): HealthSample {
  const axes = opts.axes ?? ['x', 'y', 'z'];
  const n = opts.frames ?? 100;
  const rnd = mulberry32(opts.seed ?? [...id].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261));
  const values = new Float32Array(n * axes.length);
  for (let i = 0; i < values.length; i++) values[i] = (rnd() - 0.5) * (opts.amp ?? 1) + Math.sin(i / 7);
  return { id, label, category: 'training', axes: axes.map((name) => ({ name, units: opts.units ?? 'g' })), intervalMs: 1000 / (opts.rate ?? 100), values };
}

const kinds = (r: ReturnType<typeof datasetHealth>): string[] => r.findings.map((f) => f.kind);

describe('datasetHealth', () => {
  it('a clean, balanced dataset has no findings', () => {
    const ss = ['a', 'b'].flatMap((l) => Array.from({ length: 12 }, (_, i) => sample(`${l}${i}`, l, { frames: 300 })));
    const r = datasetHealth(ss);
    expect(r.findings).toEqual([]);
    // 3 s recordings in the proposed 2000 ms windows every 500 ms: 3 windows each.
    expect(r.labels.map((l) => [l.label, l.samples, l.windows])).toEqual([
      ['a', 12, 36],
      ['b', 12, 36],
    ]);
  });

  it('says which labels need more and roughly how many, and flags imbalance', () => {
    const ss = [...Array.from({ length: 20 }, (_, i) => sample(`a${i}`, 'a', { frames: 300 })), ...Array.from({ length: 3 }, (_, i) => sample(`b${i}`, 'b', { frames: 300 }))];
    const r = datasetHealth(ss);
    const need = r.findings.find((f) => f.kind === 'need-more')!;
    expect(need.label).toBe('b');
    // 3 recordings × 5 windows = 15 windows: short of 10 recordings by 7 and of 30 windows by 3 recordings.
    expect(need.message).toMatch(/about 7 more/);
    const imb = r.findings.find((f) => f.kind === 'imbalance')!;
    expect(imb.label).toBe('b');
    expect(imb.sampleIds).toEqual(['b0', 'b1', 'b2']);
  });

  it('finds exact and near duplicates', () => {
    const base = Array.from({ length: 10 }, (_, i) => sample(`a${i}`, 'a', { seed: i + 1 }));
    const copy = { ...base[3], id: 'copy', label: 'b', values: base[3].values.slice() };
    const near = { ...base[5], id: 'near', values: base[5].values.map((v, i) => v + (i % 2 ? 1e-4 : -1e-4)) };
    const r = datasetHealth([...base, copy, near], { minSamples: 1, minWindows: 1 });
    const dup = r.findings.find((f) => f.kind === 'duplicate')!;
    expect(dup.sampleIds.sort()).toEqual(['a3', 'copy']);
    expect(dup.message).toMatch(/different labels/);
    expect(r.findings.find((f) => f.kind === 'near-duplicate')!.sampleIds.sort()).toEqual(['a5', 'near']);
  });

  it('finds rate, axes and unit mismatches against the majority', () => {
    const ss = Array.from({ length: 6 }, (_, i) => sample(`a${i}`, 'a', { seed: i + 1 }));
    const r1 = datasetHealth([...ss, sample('slow', 'a', { rate: 50 })], { minSamples: 1, minWindows: 1 });
    expect(r1.findings.find((f) => f.kind === 'rate-mismatch')!.sampleIds).toEqual(['slow']);
    const r2 = datasetHealth([...ss, sample('two', 'a', { axes: ['x', 'y'] })], { minSamples: 1, minWindows: 1 });
    expect(r2.findings.find((f) => f.kind === 'axes-mismatch')!.sampleIds).toEqual(['two']);
    const r3 = datasetHealth([...ss, sample('ms2', 'a', { units: 'm/s2' })], { minSamples: 1, minWindows: 1 });
    expect(r3.findings.find((f) => f.kind === 'units-mismatch')!.sampleIds).toEqual(['ms2']);
  });

  it('finds clipping at a full-scale value and flat axes', () => {
    const ss = Array.from({ length: 6 }, (_, i) => sample(`a${i}`, 'a', { seed: i + 1 }));
    const clip = sample('clip', 'a', { seed: 99 });
    for (let i = 40; i < 44; i++) clip.values[i * 3] = 2; // ±2 g limit, 4 frames
    const flat = sample('flat', 'a', { seed: 98 });
    for (let i = 0; i < 100; i++) flat.values[i * 3 + 2] = 0.98;
    const r = datasetHealth([...ss, clip, flat], { minSamples: 1, minWindows: 1 });
    expect(r.findings.find((f) => f.kind === 'clipped')!.sampleIds).toEqual(['clip']);
    const fa = r.findings.find((f) => f.kind === 'flat-axis')!;
    expect(fa.sampleIds).toEqual(['flat']);
    expect(fa.message).toMatch(/"z"/);
  });

  it('finds per-label outliers', () => {
    const ss = Array.from({ length: 12 }, (_, i) => sample(`a${i}`, 'a', { seed: i + 1 }));
    const loud = sample('loud', 'a', { amp: 20, seed: 77 });
    const r = datasetHealth([...ss, loud], { minSamples: 1, minWindows: 1 });
    expect(r.findings.find((f) => f.kind === 'outlier')!.sampleIds).toEqual(['loud']);
    expect(kinds(r)).not.toContain('need-more');
  });
});

const xiao = sharedPath('datasets/xiao_ei_motion');
describe.skipIf(!xiao)(`shared xiao_ei_motion (${xiao ? 'present' : skipReason('datasets/xiao_ei_motion')})`, () => {
  it('reports the ±2 g clipping the dataset notes mention, and no rate/axis mismatch', () => {
    const ss: HealthSample[] = readdirSync(xiao!)
      .filter((f) => f.endsWith('.csv'))
      .map((f) => {
        const r = parseCommonCsv(f, readFileSync(join(xiao!, f), 'utf8')).recording;
        return { ...r, id: r.name };
      });
    const r = datasetHealth(ss, { windowMs: 2000, strideMs: 1000 });
    const k = kinds(r);
    expect(k).toContain('clipped');
    expect(k).not.toContain('rate-mismatch');
    expect(k).not.toContain('axes-mismatch');
    expect(k).not.toContain('need-more');
    expect(r.labels.map((l) => l.samples)).toEqual([24, 24, 24, 24]);
  });
});
