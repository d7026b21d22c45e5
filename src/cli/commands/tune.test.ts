/**
 * `tinyml tune`: writes the front and the chosen impulse, which `tinyml train --config` trains.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';
import { makeTinyMotionDataset } from '../test-support/tiny-motion-dataset.ts';


describe('tinyml tune', () => {
  let tmp = '';
  let data = '';
  let errors: string[] = [];
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tinyml-tune-'));
    data = join(tmp, 'data');
    makeTinyMotionDataset(data, { seed: 8, sidecar: true });
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('writes tuner.csv, tuner.json and an impulse.json that tinyml train --config trains', async () => {
    const out = join(tmp, 'tune');
    expect(await main(['tune', '--data', data, '--board', 'rp2040', '--budget-s', '3', '--out', out, '--backend', 'cpu', '--k', '3', '--workers', '1', '--quiet'])).toBe(0);
    for (const f of ['tuner.csv', 'tuner.json', 'impulse.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const tj = JSON.parse(readFileSync(join(out, 'tuner.json'), 'utf8'));
    expect(tj.state.trials.length).toBeGreaterThan(0);
    expect(tj.front.length).toBeGreaterThan(0);
    expect(tj.chosen.result.fits).toBe(true);
    const lines = readFileSync(join(out, 'tuner.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^candidate,rung,cv_int8_acc,cv_float_acc/);
    expect(lines).toHaveLength(tj.ranked.length + 1);
    const col = lines[0].split(',').indexOf('chosen');
    expect(lines.slice(1).filter((l) => l.split(',')[col] === 'true')).toHaveLength(1);
    const imp = JSON.parse(readFileSync(join(out, 'impulse.json'), 'utf8'));
    expect(imp.labels).toEqual(['idle', 'shake', 'wave']);
    expect(imp.windowing.windowMs).toBe(tj.chosen.candidate.windowMs);

    const trained = join(tmp, 'trained');
    expect(await main(['train', '--data', data, '--config', join(out, 'impulse.json'), '--out', trained, '--backend', 'cpu', '--epochs', '5', '--quiet'])).toBe(0);
    const back = JSON.parse(readFileSync(join(trained, 'impulse.json'), 'utf8'));
    expect(back.dsp).toEqual(imp.dsp);
    expect(back.learn).toEqual(imp.learn);

    // resume continues the saved state with a fresh budget
    const before = tj.state.trials.length;
    expect(await main(['tune', '--data', data, '--board', 'rp2040', '--budget-s', '1', '--out', out, '--backend', 'cpu', '--resume', join(out, 'tuner.json'), '--workers', '2', '--quiet'])).toBe(0);
    const tj2 = JSON.parse(readFileSync(join(out, 'tuner.json'), 'utf8'));
    expect(tj2.state.trials.length).toBeGreaterThanOrEqual(before);
    expect(tj2.state.trials.slice(0, before)).toEqual(tj.state.trials);
  }, 120_000);

  it('refuses a missing board, an unknown board and a bad budget with a clear message', async () => {
    errors = [];
    expect(await main(['tune', '--data', data, '--out', join(tmp, 'x')])).toBe(2);
    expect(await main(['tune', '--data', data, '--board', 'uno', '--out', join(tmp, 'x')])).toBe(2);
    expect(errors.join('\n')).toMatch(/Unknown board "uno".*rp2040/s);
    expect(await main(['tune', '--data', data, '--board', 'rp2040', '--budget-s', '0', '--out', join(tmp, 'x')])).toBe(2);
    expect(errors.join('\n')).toMatch(/--budget-s must be a positive number/);
  });
});
