/**
 * `tinyml features --dsp mfe|mfcc|spectrogram` against Edge Impulse's own outputs in
 * ../shared/reference/audio (every case and every rejection): each signal is written as a dataset
 * folder, run through the CLI with the case's parameters and a window of the whole signal, and the
 * CSV it writes is compared with EI's features (tolerances of the reference README). Slow project.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';
import { sharedPath, skipReason } from '../../../tests/helpers/shared.ts';
import { mfeBlock } from '../../dsp/blocks/mfe.ts';
import { mfccBlock } from '../../dsp/blocks/mfcc.ts';
import { spectrogramBlock } from '../../dsp/blocks/spectrogram.ts';

interface Case {
  name: string;
  signal: string;
  sample_rate_hz: number;
  params: Record<string, number | boolean>;
  features?: number[];
  error?: string;
}

const dir = sharedPath('reference/audio');
const known = { mfe: mfeBlock, mfcc: mfccBlock, spectrogram: spectrogramBlock };

describe.skipIf(!dir)(`tinyml features on EI's audio reference vectors ${dir ? '' : skipReason('reference/audio')}`, () => {
  const signals = new Map<string, { rate: number; samples: number[] }>();
  if (dir) {
    for (const s of (JSON.parse(readFileSync(join(dir, 'signals.json'), 'utf8')) as { signals: { id: string; sample_rate_hz: number; samples: number[] }[] }).signals) {
      signals.set(s.id, { rate: s.sample_rate_hz, samples: s.samples });
    }
  }

  for (const block of ['mfe', 'mfcc', 'spectrogram'] as const) {
    it(`${block}: every case and rejection through the CLI`, async () => {
      const ref = JSON.parse(readFileSync(join(dir as string, `${block}.json`), 'utf8')) as { cases: Case[]; errors: Case[] };
      const tmp = mkdtempSync(join(tmpdir(), `tinyml-audio-${block}-`));
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const err = vi.spyOn(console, 'error').mockImplementation(() => {});
      const folders = new Map<string, string>();
      const folderFor = (id: string): string => {
        let f = folders.get(id);
        if (f) return f;
        const sig = signals.get(id);
        if (!sig) throw new Error(`signal ${id} missing`);
        f = join(tmp, `sig${folders.size}`);
        mkdirSync(f);
        writeFileSync(join(f, 'dataset.json'), JSON.stringify({ name: id, sample_rate_hz: sig.rate, axes: ['audio'], labels: ['sig'] }));
        writeFileSync(join(f, 'sig.r0.csv'), `audio\n${sig.samples.join('\n')}\n`);
        folders.set(id, f);
        return f;
      };
      const names = new Set(known[block].params.map((p) => p.name));
      const run = async (c: Case, out: string): Promise<number> => {
        const sig = signals.get(c.signal);
        if (!sig) throw new Error(`signal ${c.signal} missing`);
        const ms = String((sig.samples.length * 1000) / sig.rate);
        // EI's parameters this block has (win-size for MFE and show-axes are ignored by EI v4)
        const params = Object.entries(c.params).filter(([k]) => names.has(k)).flatMap(([k, v]) => ['--dsp-param', `${k}=${v}`]);
        return main(['features', '--data', folderFor(c.signal), '--out', out, '--dsp', block, '--window-ms', ms, '--stride-ms', ms, ...params]);
      };
      try {
        const failures: string[] = [];
        for (const [i, c] of ref.cases.entries()) {
          const out = join(tmp, `c${i}.csv`);
          const code = await run(c, out);
          if (code !== 0) {
            failures.push(`${c.name}: exit ${code}`);
            continue;
          }
          const lines = readFileSync(out, 'utf8').trim().split('\n');
          if (lines.length !== 2) {
            failures.push(`${c.name}: ${lines.length - 1} windows`);
            continue;
          }
          const got = lines[1].split(',').slice(3).map(Number);
          const want = (c.features as number[]).map((v) => Math.fround(v));
          if (got.length !== want.length) {
            failures.push(`${c.name}: ${got.length} features vs ${want.length}`);
            continue;
          }
          let bad = 0;
          for (let j = 0; j < got.length; j++) {
            const tol = block === 'mfe' ? 0 : block === 'mfcc' ? 1e-3 + 1e-4 * Math.abs(want[j]) : 1e-5 + 1e-5 * Math.abs(want[j]);
            if (!(Math.abs(Math.fround(got[j]) - want[j]) <= tol)) bad++;
          }
          if (bad) failures.push(`${c.name}: ${bad} values off`);
        }
        expect(failures).toEqual([]);
        for (const [i, c] of ref.errors.entries()) {
          // a configuration EI refuses exits with the bad-input code and says why, writing nothing
          const out = join(tmp, `e${i}.csv`);
          err.mockClear();
          expect(await run(c, out), c.name).toBe(3);
          expect(err.mock.calls.flat().join(' '), c.name).toMatch(/filter|FFT|frame|window|frequency|odd|shift/i);
          expect(() => readFileSync(out)).toThrow();
        }
      } finally {
        log.mockRestore();
        err.mockRestore();
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
