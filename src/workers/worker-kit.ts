/**
 * Shared plumbing of the studio's comlink workers.
 *
 * Page side: `workerClient` spawns a module worker on first use, wraps it with comlink, starts a new
 * one after a crash or `terminate()`, and makes StudioErrors thrown in the worker arrive as
 * StudioErrors (family, code, message, remedy and an import error's file/line kept); `proxyCallback`
 * lets the worker call a page callback (progress, events); `newJobId` names cancellable jobs.
 *
 * Worker side: `exposeWorkerApi` sends StudioErrors in a form the page can rebuild and exposes the API;
 * `workerStore` opens the studio database once per worker (again after another tab upgrades it);
 * `jobTable` keeps the cancellable jobs.
 *
 * Nothing here runs on import, so page and worker bundles can both use it.
 */
import * as Comlink from 'comlink';
import { StudioError, type ErrorFamily, type StudioErrorInit } from '../core/errors.ts';
import { openStudioDb } from '../data/store/open-db.ts';
import { StudioStore } from '../data/store/studio-store.ts';

/** A StudioError as it crosses the worker boundary. */
interface WireStudioError {
  family: ErrorFamily;
  code: string;
  message: string;
  remedy: string;
  /** Import errors name the file and line they are about. */
  file?: string;
  line?: number;
}

type ThrowHandler = Comlink.TransferHandler<unknown, unknown> & { [k: symbol]: true | undefined };

const PAGE_MARK = Symbol.for('tinyml.worker-kit.throw.page');
const WORKER_MARK = Symbol.for('tinyml.worker-kit.throw.worker');

/** Page side: wraps comlink's 'throw' handler once so StudioErrors are rebuilt from their wire form. */
function installErrorRehydration(): void {
  const orig = Comlink.transferHandlers.get('throw')! as ThrowHandler;
  if (orig[PAGE_MARK]) return;
  const handler: ThrowHandler = {
    canHandle: orig.canHandle,
    serialize: orig.serialize,
    deserialize(s: unknown) {
      const x = s as { isError?: boolean; value?: { studioError?: WireStudioError } };
      const se = !x.isError ? x.value?.studioError : undefined;
      if (se) {
        // The code crossed the worker boundary from the same build's StudioError, so it belongs to its family.
        const err = new StudioError({ family: se.family, code: se.code, message: se.message, remedy: se.remedy } as StudioErrorInit);
        if (se.file !== undefined) (err as StudioError & { file?: string }).file = se.file;
        if (se.line !== undefined) (err as StudioError & { line?: number }).line = se.line;
        throw err;
      }
      return orig.deserialize(s);
    },
    [PAGE_MARK]: true,
  };
  Comlink.transferHandlers.set('throw', handler);
}

/** Worker side: wraps comlink's 'throw' handler once so StudioErrors travel as plain data. */
function installErrorSerialisation(): void {
  const orig = Comlink.transferHandlers.get('throw')! as ThrowHandler;
  if (orig[WORKER_MARK]) return;
  const handler: ThrowHandler = {
    canHandle: orig.canHandle,
    serialize(v: unknown) {
      const e = (v as { value?: unknown }).value;
      if (e instanceof StudioError) {
        const extra = e as StudioError & { file?: string; line?: number };
        const studioError: WireStudioError = { family: e.family, code: e.code, message: e.message, remedy: e.remedy, file: extra.file, line: extra.line };
        return [{ isError: false, value: { studioError } }, []];
      }
      return orig.serialize(v);
    },
    deserialize: orig.deserialize,
    [WORKER_MARK]: true,
  };
  Comlink.transferHandlers.set('throw', handler);
}

export interface WorkerClient<T> {
  /** The worker's API, spawning the worker when there is none (the `init` hook may still be running). */
  remote(): Comlink.Remote<T>;
  /** The worker's API once the `init` hook has finished for the current worker (spawning one when there is none). */
  ready(): Promise<Comlink.Remote<T>>;
  /** Stops the worker (e.g. a job that ignores cancel); the next `remote()` starts a new one. */
  terminate(): void;
  /** How many times the worker died (error/messageerror event) and was dropped for a new one. */
  readonly respawns: number;
  /** Called when the worker died; state held in it is gone. */
  onRespawn: ((reason: string) => void) | null;
}

export interface WorkerClientOptions<T> {
  /**
   * Runs once on every newly spawned worker (the first, and again after a crash or `terminate()`),
   * e.g. to pass it URLs only the page knows. `ready()` waits for it; when it fails the worker is
   * dropped and the next call starts a new one.
   */
  init?: (remote: Comlink.Remote<T>) => Promise<void>;
}

/**
 * A lazily started comlink worker. `spawn` must call `new Worker(new URL('./x-worker.ts',
 * import.meta.url), { type: 'module' })` itself, so vite finds and bundles the worker.
 */
export function workerClient<T>(spawn: () => Worker, opts: WorkerClientOptions<T> = {}): WorkerClient<T> {
  let worker: Worker | null = null;
  let remote: Comlink.Remote<T> | null = null;
  let initDone: Promise<void> | null = null;
  const teardown = (): void => {
    remote?.[Comlink.releaseProxy]();
    worker?.terminate();
    worker = null;
    remote = null;
    initDone = null;
  };
  const client: WorkerClient<T> & { respawns: number } = {
    respawns: 0,
    onRespawn: null,
    async ready() {
      const r = client.remote();
      const pending = initDone;
      try {
        await pending;
      } catch (e) {
        // Drop the worker that failed to initialise (unless it was already replaced).
        if (remote === r) teardown();
        throw e;
      }
      return r;
    },
    remote() {
      if (remote) return remote;
      installErrorRehydration();
      const w = spawn();
      const onCrash = (ev: Event): void => {
        if (worker !== w) return;
        teardown();
        client.respawns++;
        client.onRespawn?.(typeof ErrorEvent !== 'undefined' && ev instanceof ErrorEvent ? ev.message : ev.type);
      };
      w.addEventListener('error', onCrash);
      w.addEventListener('messageerror', onCrash);
      worker = w;
      const r = Comlink.wrap<T>(w);
      remote = r;
      if (opts.init) {
        initDone = opts.init(r);
        // ready() reports a failure; keep it from counting as unhandled when nobody waits.
        initDone.catch(() => {});
      }
      return r;
    },
    terminate: teardown,
  };
  return client;
}

/** Wraps a page callback (progress, events) so the worker can call it. */
export function proxyCallback<F extends (...args: never[]) => unknown>(fn: F): F {
  return Comlink.proxy(fn);
}

let nextJob = 1;

/** A job id unique in this tab, e.g. `features-lx3k2a-4`. */
export function newJobId(kind: string): string {
  return `${kind}-${Date.now().toString(36)}-${nextJob++}`;
}

/** Worker side: lets StudioErrors cross to the page intact, then exposes `api` through comlink (on the worker's own scope unless `endpoint` is given). */
export function exposeWorkerApi(api: object, endpoint?: Comlink.Endpoint): void {
  installErrorSerialisation();
  Comlink.expose(api, endpoint);
}

/** Worker side: cancellable jobs by id. A job started again under the same id cancels the earlier run. */
export interface JobTable {
  /** Runs `fn` with the job's AbortSignal; the job is forgotten when it settles. */
  run<T>(jobId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  cancel(jobId: string): void;
}

export function jobTable(): JobTable {
  const jobs = new Map<string, AbortController>();
  return {
    async run(jobId, fn) {
      jobs.get(jobId)?.abort();
      const ac = new AbortController();
      jobs.set(jobId, ac);
      try {
        return await fn(ac.signal);
      } finally {
        if (jobs.get(jobId) === ac) jobs.delete(jobId);
      }
    },
    cancel(jobId) {
      jobs.get(jobId)?.abort();
    },
  };
}

let storePromise: Promise<StudioStore> | null = null;

/** Worker side: the studio database, opened once and reopened after another tab upgrades it. */
export function workerStore(): Promise<StudioStore> {
  storePromise ??= openStudioDb({
    onVersionChange: () => {
      storePromise = null;
    },
  }).then((db) => new StudioStore(db));
  return storePromise;
}
