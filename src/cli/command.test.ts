/**
 * The command guard in process: the output is checked and made before a command's work starts, and a
 * folder made for a run that then fails is removed again when it stayed empty.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioError } from '../core/errors.ts';
import { runCommand } from './command.ts';
import { command as train } from './commands/train.ts';
import { command as features } from './commands/features.ts';

describe('command guard', () => {
  let tmp = '';
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tinyml-guard-'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('train: its output folder exists before the work starts', async () => {
    const out = join(tmp, 'made', 'before');
    let seen = false;
    const code = await runCommand({ ...train, run: async (_v, ctx) => ((seen = statSync(ctx.out!).isDirectory()), 0) }, ['--data', 'd', '--out', out, '--epochs', '3']);
    expect(code).toBe(0);
    expect(seen).toBe(true);
  });

  it('a failed run leaves no empty folders it made; flag errors come before the output is made', async () => {
    const out = join(tmp, 'a', 'b', 'f.csv');
    const code = await runCommand({ ...features, run: async () => { throw new StudioError({ family: 'import', code: 'bad-value', message: 'bad data.', remedy: 'Fix it.' }); } }, ['--data', 'd', '--out', out]);
    expect(code).toBe(3);
    expect(existsSync(join(tmp, 'a'))).toBe(false);
    expect(await runCommand(train, ['--data', 'd', '--out', join(tmp, 'c'), '--epochs', '0'])).toBe(2);
    expect(existsSync(join(tmp, 'c'))).toBe(false);
  });
});
