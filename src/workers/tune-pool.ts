/**
 * The page's pool of tuner trial workers (tune-worker.ts), one per core the browser reports
 * (navigator.hardwareConcurrency), and the tuner run of a project: trials in the workers, each
 * result saved to the project's tuner state in IndexedDB (StudioStore), so a closed tab resumes.
 */
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import type { StudioStore } from '../data/store/studio-store.ts';
import { tuneRecordings, type TuneOptions, type TuneResult, type TunerSettings, type TunerState } from '../ml/tune/tuner.ts';
import type { TuneRecording } from '../ml/tune/trial.ts';
import { createTrialPool, tuneWorkerCount, type TuneEndpoint, type TuneReply, type TuneRequest } from './tune-protocol.ts';

function spawnBrowserWorker(): TuneEndpoint {
  const w = new Worker(new URL('./tune-worker.ts', import.meta.url), { type: 'module', name: 'tune' });
  return {
    post: (m: TuneRequest) => w.postMessage(m),
    onMessage: (fn) => (w.onmessage = (e: MessageEvent<TuneReply>) => fn(e.data)),
    terminate: () => w.terminate(),
  };
}

/**
 * Tunes a project's training recordings in workers; every finished trial is saved with the project
 * (`store.saveTunerState`), and a saved run is resumed when there is one.
 */
export async function tuneInWorkers(
  store: StudioStore,
  projectId: string,
  recordings: readonly (TuneRecording & { category?: string })[],
  settings: TunerSettings,
  opts: Pick<TuneOptions, 'signal' | 'onTrial'> & { fresh?: boolean } = {},
): Promise<TuneResult> {
  const training = recordings.filter((r) => r.category !== 'testing');
  const pool = await createTrialPool(tuneWorkerCount(navigator.hardwareConcurrency), spawnBrowserWorker, training, {
    wasm: { simd: new URL(wasmSimd, location.href).href, plain: new URL(wasmPlain, location.href).href },
  });
  try {
    const saved = opts.fresh ? undefined : await store.getTunerState<TunerState>(projectId);
    // A saved run for another board or other labels starts over.
    const labels = [...new Set(training.map((r) => r.label))].sort().join('\n');
    const resume = saved && saved.settings.board === settings.board && saved.labels?.join('\n') === labels ? saved : undefined;
    const result = await tuneRecordings(training, settings, {
      resume: resume ? { ...resume, settings: { ...resume.settings, budgetMs: resume.elapsedMs + (settings.budgetMs ?? 120_000) } } : undefined,
      concurrency: pool.size,
      runner: pool.runner,
      signal: opts.signal,
      onTrial: (r, state) => {
        void store.saveTunerState(projectId, state);
        opts.onTrial?.(r, state);
      },
    });
    await store.saveTunerState(projectId, result.state);
    return result;
  } finally {
    pool.close();
  }
}
