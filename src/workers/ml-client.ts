/**
 * UI-side handle of the ML worker: spawns the module worker, wraps it with comlink, re-spawns it
 * after a crash (and re-runs `init`), and offers the typed `MlWorkerApi`. Browser-only (Worker, URL).
 *
 * The WASM binaries are imported with `?url` so vite fingerprints and precaches them; their URLs are
 * handed to the worker, which calls `setWasmPaths` before starting the backend.
 */
import * as Comlink from 'comlink';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import type { EpochLog, MlBackendInfo, MlInitOptions, MlTrainRequest, MlTrainResult, MlWorkerApi, Progress } from './ml-api.ts';

export const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
};

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => new Worker(new URL('./ml-worker.ts', import.meta.url), { type: 'module', name: 'ml-worker' });

export class MlClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<MlWorkerApi> | null = null;
  private initOpts: MlInitOptions;
  private initDone: Promise<MlBackendInfo> | null = null;
  /** Called when the worker died and was replaced (models held in it are gone). */
  onRespawn: ((reason: string) => void) | null = null;
  respawns = 0;

  constructor(
    opts: MlInitOptions = {},
    private readonly factory: WorkerFactory = defaultFactory,
  ) {
    this.initOpts = { wasmPaths: WASM_PATHS, ...opts };
  }

  private spawn(): Comlink.Remote<MlWorkerApi> {
    const w = this.factory();
    const onCrash = (ev: Event) => {
      if (this.worker !== w) return;
      const reason = ev instanceof ErrorEvent ? ev.message : ev.type;
      this.teardown();
      this.respawns++;
      this.onRespawn?.(reason);
    };
    w.addEventListener('error', onCrash);
    w.addEventListener('messageerror', onCrash);
    this.worker = w;
    this.remote = Comlink.wrap<MlWorkerApi>(w);
    this.initDone = null;
    return this.remote;
  }

  private teardown(): void {
    this.remote?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    this.initDone = null;
  }

  /** The remote API, spawning and initialising the worker when needed. */
  async api(): Promise<Comlink.Remote<MlWorkerApi>> {
    const r = this.remote ?? this.spawn();
    if (!this.initDone) this.initDone = r.init(this.initOpts);
    await this.initDone;
    return r;
  }

  async init(opts?: MlInitOptions): Promise<MlBackendInfo> {
    if (opts) this.initOpts = { ...this.initOpts, ...opts };
    const r = this.remote ?? this.spawn();
    this.initDone = r.init(this.initOpts);
    return this.initDone;
  }

  /** Trains with live epoch callbacks (proxied back from the worker). */
  async train(req: MlTrainRequest, onEpoch?: (log: EpochLog) => void, onProgress?: (p: Progress) => void): Promise<MlTrainResult> {
    const r = await this.api();
    return r.train(req, onEpoch ? Comlink.proxy(onEpoch) : undefined, onProgress ? Comlink.proxy(onProgress) : undefined);
  }

  /** Cancels the running operation in the worker. */
  async cancel(): Promise<void> {
    await this.remote?.cancel();
  }

  /** Kills the worker (e.g. a cancel that does not return in time); the next call spawns a new one. */
  terminate(): void {
    this.teardown();
  }
}
