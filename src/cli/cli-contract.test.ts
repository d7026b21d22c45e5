/**
 * The CLI's error contract, through the real `tinyml` binary: every failure is one line on stderr
 * with a remedy, no stack trace, and the documented exit code (2 usage, 3 bad input, 1 failure);
 * the output path is checked (and made) before any work.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(__dirname, '../../bin/tinyml.mjs');

function tinyml(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TINYML_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => res({ code, stdout, stderr }));
  });
}

/** Runs at most `n` at a time (the machine has two cores). */
async function pool<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  }));
  return out;
}

describe('tinyml error contract (spawned)', () => {
  let tmp = '';
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tinyml-contract-'));
    mkdirSync(join(tmp, 'data'));
    const lines = ['timestamp_ms,x,y'];
    for (let i = 0; i < 200; i++) lines.push(`${i * 10},${Math.sin(i / 5).toFixed(3)},${(i % 7) / 7}`);
    writeFileSync(join(tmp, 'data', 'a.1.csv'), lines.join('\n') + '\n');
    writeFileSync(join(tmp, 'data', 'b.1.csv'), lines.join('\n') + '\n');
    writeFileSync(join(tmp, 'afile'), 'x');
    writeFileSync(join(tmp, 'bad-impulse.json'), JSON.stringify({ windowing: { windowMs: -1, strideMs: 'x' }, dsp: 5 }));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const cases: { name: string; args: string[]; code: number; match: RegExp; gone?: string }[] = [
    { name: 'unknown flag on train', args: ['train', '--data', 'data', '--out', 'o1', '--bogus'], code: 2, match: /unknown option "--bogus"/, gone: 'o1' },
    { name: 'valueless flag on features', args: ['features', '--data', 'data', '--out'], code: 2, match: /--out needs a value/ },
    { name: 'a flag where a value belongs', args: ['features', '--data', '--out', 'f.csv'], code: 2, match: /--data needs a value/ },
    { name: 'stray argument', args: ['predict', 'model', '--data', 'data'], code: 2, match: /unexpected argument "model"/ },
    { name: 'repeated flag', args: ['uf2', '--in', 'a', '--in', 'b'], code: 2, match: /--in is given twice/ },
    { name: 'output under a file', args: ['features', '--data', 'data', '--out', 'afile/f.csv'], code: 2, match: /part of this path is a file/ },
    { name: 'train output is an existing file', args: ['train', '--data', 'data', '--out', 'afile', '--epochs', '1'], code: 2, match: /this is a file, but a folder/ },
    { name: 'a folder where a file is expected', args: ['features', '--data', 'data', '--out', 'data'], code: 2, match: /this is a folder, but a file/ },
    { name: 'convert --force over an existing file (folder output)', args: ['convert', '--in', 'data', '--out', 'afile', '--to', 'csv', '--force'], code: 2, match: /this is a file, but a folder/ },
    { name: 'convert over an existing file without --force', args: ['convert', '--in', 'data', '--out', 'afile', '--to', 'zip'], code: 2, match: /already exists.*--force/ },
    { name: 'config with bad values', args: ['features', '--data', 'data', '--out', 'f2.csv', '--config', 'bad-impulse.json'], code: 3, match: /windowing\.windowMs must be a number above 0.*found -1/ },
    { name: 'missing input folder', args: ['features', '--data', 'nope', '--out', 'f3.csv'], code: 3, match: /does not exist/ },
  ];
  if (existsSync('/sys/kernel') && !isWritable('/sys/kernel')) cases.push({ name: 'read-only folder', args: ['features', '--data', 'data', '--out', '/sys/kernel/f.csv'], code: 2, match: /cannot be written to/ });
  if (existsSync('/dev/full')) cases.push({ name: 'disk full (ENOSPC)', args: ['features', '--data', 'data', '--out', '/dev/full', '--window-ms', '500'], code: 1, match: /disk is full.*Free some disk space/ });

  it('every failure exits 2, 3 or 1 as documented, with one line, a remedy and no stack', async () => {
    const results = await pool(cases, 3, (c) => tinyml(c.args, tmp));
    cases.forEach((c, i) => {
      const r = results[i];
      const lines = r.stderr.trim().split('\n');
      expect({ name: c.name, code: r.code }).toEqual({ name: c.name, code: c.code });
      expect(lines, c.name).toHaveLength(1);
      expect(lines[0], c.name).toMatch(c.match);
      expect(lines[0], c.name).toMatch(/^tinyml \w+: /);
      expect(r.stderr, c.name).not.toMatch(/^\s+at /m);
      if (c.gone) expect(existsSync(join(tmp, c.gone)), c.name).toBe(false);
    });
  }, 120_000);

  it('--debug adds the stack after the same one-line message', async () => {
    const r = await tinyml(['train', '--data', 'data', '--bogus', '--debug'], tmp);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^tinyml train: unknown option "--bogus"/);
    expect(lines.filter((l) => /^\s+at /.test(l)).length).toBeGreaterThan(0);
  }, 60_000);

});

function isWritable(dir: string): boolean {
  try {
    const p = join(dir, `.w${process.pid}`);
    writeFileSync(p, '');
    rmSync(p);
    return true;
  } catch {
    return !statSync(dir).isDirectory();
  }
}
