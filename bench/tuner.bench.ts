/**
 * Impulse tuner benchmark (Node): on each shared data set, for seeds 0, 1, 2, the tuner runs on the
 * training split for the budget (default 120 s; TUNER_BENCH_BUDGET_S shortens it for dev runs) in
 * worker threads up to the cores available (TUNER_BENCH_WORKERS overrides), then the chosen impulse is
 * trained with the one train job and scored on the set's own test split (dataset.json test_ids, else
 * the seeded stratified split `tinyml train` makes), float and int8 per window.
 * Prints:
 *   BENCH tuner.trials_per_min              scored trials (errors excluded) per minute, over every run
 *   BENCH tuner.accuracy_<set>              tuned float test accuracy, mean of the seeds (spread printed beside)
 *   BENCH tuner.accuracy_int8_<set>         the same for int8
 *   BENCH tuner.int8_gap_<set>              int8 − float, mean of the seeds, points
 *   BENCH tuner.int8_worst_class_<set>      the worst class's int8 − float recall (TFLite float vs int8), over the seeds, points
 * A set missing from ../shared/datasets is skipped with a reason. TUNER_BENCH_SETS=a,b limits the sets,
 * TUNER_BENCH_SEEDS=0 the seeds (the figures then say which seeds they are over). The machine's load
 * average is printed before and after: time-budget figures depend on what else runs on the cores.
 * Run: nice -n 10 npx tsx bench/tuner.bench.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-wasm';
import { applySplit } from '../src/cli/impulse-args.ts';
import { readDatasetFolder } from '../src/data/io/dataset-folder.ts';
import { useBackend } from '../src/ml/train/backend.ts';
import { trainImpulse } from '../src/ml/train/train-job.ts';
import { tuneRecordings } from '../src/ml/tune/tuner.ts';
import { createTrialPool, tuneWorkerCount } from '../src/workers/tune-protocol.ts';
import { spawnNodeTuneWorker } from '../src/workers/tune-node-worker.ts';
import { sharedPath } from '../tests/helpers/shared.ts';

const SETS = (process.env.TUNER_BENCH_SETS ?? 'xiao_ei_motion,arduino_punch_flex,microbit_createai_wand,bno055_wand_spells').split(',');
const SEEDS = (process.env.TUNER_BENCH_SEEDS ?? '0,1,2').split(',').map(Number);
const BUDGET_S = Number(process.env.TUNER_BENCH_BUDGET_S ?? 120);
const WORKERS = Number(process.env.TUNER_BENCH_WORKERS ?? tuneWorkerCount(availableParallelism()));
const BOARD = process.env.TUNER_BENCH_BOARD ?? 'rp2040';

const r4 = (v: number) => Number(v.toPrecision(4));
function bench(name: string, value: number, unit: string, note = ''): void {
  console.log(`BENCH tuner.${name} ${r4(value)} ${unit}${note ? `  (${note})` : ''}`);
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const spread = (a: number[]) => `seeds ${a.map((v) => v.toFixed(1)).join(', ')}; min ${Math.min(...a).toFixed(1)}, max ${Math.max(...a).toFixed(1)}`;

async function main(): Promise<void> {
  if (!(await useBackend('wasm')) && !(await useBackend('cpu'))) throw new Error('no TF.js backend');
  console.log(`tuner bench: budget ${BUDGET_S} s per run, ${WORKERS} worker(s), board ${BOARD}, seeds ${SEEDS.join(', ')}, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  let trials = 0;
  let minutes = 0;
  for (const set of SETS) {
    const dir = sharedPath(`datasets/${set}`);
    if (!dir) {
      console.log(`skipped ${set}: ../shared/datasets/${set} not found`);
      continue;
    }
    const files = readdirSync(dir).map((n) => ({ name: n, size: statSync(join(dir, n)).size, text: async () => readFileSync(join(dir, n), 'utf8') }));
    const ds = await readDatasetFolder(files);
    const float: number[] = [];
    const int8: number[] = [];
    const worstClass: number[] = [];
    for (const seed of SEEDS) {
      const { recordings } = applySplit(ds.recordings, seed);
      const training = recordings.filter((r) => r.category !== 'testing');
      const pool = WORKERS > 1 ? await createTrialPool(WORKERS, spawnNodeTuneWorker, training, { backend: 'wasm' }) : undefined;
      const tuned = await tuneRecordings(training, { board: BOARD, budgetMs: BUDGET_S * 1000, seed }, { concurrency: pool?.size ?? 1, runner: pool?.runner }).finally(() => pool?.close());
      // Trials that ended in an error (a candidate the data cannot take) are quick and not counted.
      trials += tuned.state.trials.filter((t) => !t.error).length;
      minutes += tuned.state.elapsedMs / 60_000;
      if (!tuned.impulse) {
        console.log(`${set} seed ${seed}: no candidate finished in ${BUDGET_S} s`);
        continue;
      }
      const job = await trainImpulse(recordings, tuned.impulse);
      const cmp = job.metrics.comparison;
      if (cmp) worstClass.push(Math.min(0, ...Object.keys(cmp.float.per_class).map((l) => (cmp.int8.per_class[l].recall - cmp.float.per_class[l].recall) * 100)));
      const f = (job.metrics.float?.accuracy ?? NaN) * 100;
      const q = (job.metrics.int8?.accuracy ?? NaN) * 100;
      job.model?.dispose();
      float.push(f);
      int8.push(q);
      const c = tuned.chosen!;
      const errors = tuned.state.trials.filter((t) => t.error);
      if (errors.length) console.log(`${set} seed ${seed}: ${errors.length} trials ended in an error, e.g. ${errors[0].error}`);
      console.log(`${set} seed ${seed}: ${tuned.state.trials.length - errors.length} scored trials; chose ${c.description} (cv int8 ${(c.result.int8Acc * 100).toFixed(1)} % over ${c.result.foldAcc.length} folds); test float ${f.toFixed(1)} %, int8 ${q.toFixed(1)} %`);
    }
    if (!float.length) continue;
    bench(`accuracy_${set}`, mean(float), '%', spread(float));
    bench(`accuracy_int8_${set}`, mean(int8), '%', spread(int8));
    bench(`int8_gap_${set}`, mean(int8.map((q, i) => q - float[i])), 'points', `budget ${BUDGET_S} s`);
    if (worstClass.length) bench(`int8_worst_class_${set}`, Math.min(...worstClass), 'points', 'worst class recall, int8 − float, over the seeds');
  }
  if (minutes > 0) bench('trials_per_min', trials / minutes, 'trials/min', `${WORKERS} worker(s), budget ${BUDGET_S} s, load average at the end ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}

await main();
