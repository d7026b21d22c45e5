/**
 * `tinyml tune --data DIR --board BOARD --budget-s 120 --out OUT [--seed N] [--k N] [--resume tuner.json]`
 *
 * Searches windowing, DSP and learning block for a dataset folder under a board's flash, RAM and
 * latency (src/ml/tune/tuner.ts), scoring by grouped cross-validation on the training split only: the
 * test split (dataset.json `test_ids`, else the same seeded stratified split `tinyml train` makes) is
 * dropped before the tuner runs. Writes to OUT: tuner.csv (every candidate at its highest rung, best
 * first, with a Pareto-front flag), tuner.json (settings, choice, front, ranking and the resumable
 * state) and impulse.json (the chosen impulse, for `tinyml train --config OUT/impulse.json`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { TARGETS } from '../../ml/export/estimate.ts';
import { useBackend } from '../../ml/train/backend.ts';
import { tuneRecordings, type TunedEntry, type TunerState, type TuneResult } from '../../ml/tune/tuner.ts';
import { createTrialPool, tuneWorkerCount } from '../../workers/tune-protocol.ts';
import { spawnNodeTuneWorker } from '../../workers/tune-node-worker.ts';
import { defineCommand, type FlagValues, runCommand } from '../command.ts';
import { echo } from '../../core/echo.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOut } from '../out-path.ts';
import { applySplit, badInput, loadDataset, parseSeed, usageError } from '../impulse-args.ts';
import { csvField } from './csv-out.ts';

const HELP = `usage: tinyml tune --data DIR --board BOARD --out OUT [options]

Finds the impulse (windowing, DSP block, learning block) with the best int8 accuracy that fits the
board, by grouped cross-validation on the training recordings (the test split is never read).
  --data DIR             dataset folder (<label>.<id>.csv + optional dataset.json)
  --board BOARD          ${TARGETS.map((t) => t.id).join(' | ')}
  --out OUT              output folder (created): tuner.csv, tuner.json, impulse.json
  --budget-s S           time budget in seconds (default 120)
  --seed N               search and training seed (default 0)
  --k N                  folds of the cross-validation by recording (default 4)
  --workers N            trials in parallel worker threads (default: the cores available, at most 8; 1 = in this thread)
  --resume FILE          continue the run saved in a tuner.json
  --backend NAME         wasm | cpu (default: wasm when it initialises, else cpu)
  --quiet                no per-trial lines`;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function csv(result: TuneResult): string {
  const front = new Set(result.front.map((e) => e.candidate.id));
  const head = ['candidate', 'rung', 'cv_int8_acc', 'cv_float_acc', 'cv_float_loss', 'folds', 'flash_bytes', 'ram_bytes', 'arena_bytes', 'latency_ms', 'fits', 'pareto', 'chosen', 'window_ms', 'stride_ms', 'dsp', 'learn', 'learning_rate', 'description'];
  const rows = result.ranked.map((e: TunedEntry) => {
    const r = e.result;
    const c = e.candidate;
    return [c.id, r.rung, r.int8Acc.toFixed(4), r.floatAcc.toFixed(4), r.floatLoss.toFixed(4), r.foldAcc.length, r.flashBytes, r.ramBytes, r.arenaBytes, r.latencyMs.toFixed(3), r.fits, front.has(c.id), result.chosen?.candidate.id === c.id, c.windowMs, c.strideMs, c.dsp.block, c.learn.block, c.learningRate, csvField(e.description)].join(',');
  });
  return [head.join(','), ...rows].join('\n') + '\n';
}

function readState(path: string): TunerState {
  let s: unknown;
  try {
    s = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw badInput('bad-tuner-state', `Cannot read the tuner state ${echo(path)}: ${e instanceof Error ? e.message : String(e)}.`, 'Pass the tuner.json a previous `tinyml tune` wrote.');
  }
  const state = (s as { state?: TunerState }).state;
  if (!state || typeof state !== 'object' || !Array.isArray(state.trials)) throw badInput('bad-tuner-state', `${echo(path)} holds no tuner state.`, 'Pass the tuner.json a previous `tinyml tune` wrote.');
  return state;
}

const OPTIONS = {
  data: { type: 'string' },
  board: { type: 'string' },
  out: { type: 'string' },
  'budget-s': { type: 'string' },
  seed: { type: 'string' },
  k: { type: 'string' },
  resume: { type: 'string' },
  workers: { type: 'string' },
  backend: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

interface TuneSettings {
  board: string;
  budgetS: number;
  k: number;
  workers: number;
  seed: number;
  resume?: TunerState;
}

/** Every flag checked before the output folder is made and before any data is read. */
function settingsOf(values: FlagValues<typeof OPTIONS>): TuneSettings {
  const board = values.board!;
  if (!TARGETS.some((t) => t.id === board)) throw usageError(`Unknown board ${echo(board)}.`, `Use one of ${TARGETS.map((t) => t.id).join(', ')}.`);
  const budgetS = values['budget-s'] === undefined ? 120 : Number(values['budget-s']);
  if (!(budgetS > 0) || !Number.isFinite(budgetS)) throw usageError(`--budget-s must be a positive number of seconds, got ${echo(String(values['budget-s']))}.`);
  const k = values.k === undefined ? 4 : Number(values.k);
  if (!Number.isInteger(k) || k < 2) throw usageError(`--k must be a whole number of at least 2, got ${echo(String(values.k))}.`);
  const workers = values.workers === undefined ? tuneWorkerCount(availableParallelism()) : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw usageError(`--workers must be a whole number from 1 to 64, got ${echo(String(values.workers))}.`);
  if (values.backend !== undefined && values.backend !== 'wasm' && values.backend !== 'cpu') throw usageError(`--backend must be wasm or cpu, got ${echo(values.backend)}.`);
  const resume = values.resume ? readState(values.resume) : undefined;
  // A resumed run keeps its seed (and so its test split and candidate sequence).
  const seed = resume?.settings.seed ?? parseSeed(values.seed) ?? 0;
  if (resume) resume.settings.budgetMs = resume.elapsedMs + budgetS * 1000;
  return { board, budgetS, k, workers, seed, resume };
}

export const command = defineCommand({
  name: 'tune',
  help: HELP,
  options: OPTIONS,
  required: ['data', 'board', 'out'],
  output: (v) => {
    settingsOf(v);
    // Made before tuning, so a long search is never lost to an unusable output folder.
    return { flag: 'out', path: v.out!, kind: 'folder', replace: true };
  },
  run: (values, ctx): Promise<number> => tune(values, settingsOf(values), ctx.out!),
});

export const run = (args: string[]): Promise<number> => runCommand(command, args);

async function tune(values: FlagValues<typeof OPTIONS>, settings: TuneSettings, out: string): Promise<number> {
  const { board, budgetS, k, workers, seed, resume } = settings;
  const ds = await loadDataset(values.data!);
  const { recordings, source } = applySplit(ds.recordings, seed);
  let backend = '';
  for (const b of values.backend ? [values.backend] : ['wasm', 'cpu']) if (await useBackend(b)) { backend = b; break; }
  if (!backend) throw new Error('No TF.js backend could be initialised.');
  const nTest = recordings.filter((r) => r.category === 'testing').length;
  console.log(`backend: ${backend}`);
  console.log(`dataset: ${recordings.length - nTest} training recordings tuned on; ${nTest} test recordings left out (split: ${source})`);
  console.log(`tuning for ${board}, budget ${budgetS} s, seed ${seed}, ${k}-fold cross-validation by recording, ${workers} worker(s)`);

  const training = recordings.filter((r) => r.category !== 'testing');
  const pool = workers > 1 ? await createTrialPool(workers, spawnNodeTuneWorker, training, { backend }) : undefined;
  const result = await tuneRecordings(training, { board, budgetMs: budgetS * 1000, seed, k }, {
    resume,
    concurrency: pool?.size ?? 1,
    runner: pool?.runner,
    onTrial: (r) => {
      if (values.quiet) return;
      const what = r.error ? `error: ${r.error}` : `cv int8 ${pct(r.int8Acc)} float ${pct(r.floatAcc)}, RAM ${r.arenaBytes} B, ${r.latencyMs.toFixed(2)} ms${r.fits ? '' : ' (does not fit)'}`;
      console.log(`trial candidate ${r.candidateId} rung ${r.rung}: ${what} (${(r.ms / 1000).toFixed(1)} s)`);
    },
  }).finally(() => pool?.close());

  const writeJson = (name: string, v: unknown) => writeOut(join(out, name), JSON.stringify(v, null, 2) + '\n');
  writeOut(join(out, 'tuner.csv'), csv(result));
  const entry = (e: TunedEntry) => ({ candidate: e.candidate, description: e.description, result: e.result });
  writeJson('tuner.json', {
    board,
    split: source,
    trials_per_minute: result.trialsPerMinute,
    chosen: result.chosen ? entry(result.chosen) : null,
    front: result.front.map(entry),
    ranked: result.ranked.map(entry),
    state: result.state,
  });
  console.log(`${result.state.trials.length} trials in ${(result.state.elapsedMs / 1000).toFixed(1)} s (${result.trialsPerMinute.toFixed(1)} per minute), Pareto front of ${result.front.length}`);
  if (!result.impulse || !result.chosen) {
    console.error('tinyml tune: no candidate finished within the budget or fits the board; impulse.json was not written. Raise --budget-s or pick a larger board.');
    return EXIT.failure;
  }
  writeJson('impulse.json', result.impulse);
  const c = result.chosen;
  console.log(`chosen: ${c.description}: cv int8 ${pct(c.result.int8Acc)}, float ${pct(c.result.floatAcc)} over ${c.result.foldAcc.length} fold(s)`);
  console.log(`wrote ${out} (train it with: tinyml train --data ${values.data} --config ${join(out, 'impulse.json')} --out DIR)`);
  return EXIT.ok;
}
