/**
 * A tuner trial worker as a Node worker_thread (the headless `tinyml tune`): the protocol of
 * tune-protocol.ts over parentPort. `spawnNodeTuneWorker` starts one (through tsx, as the CLI runs).
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { tuneWorkerHandler, type TuneEndpoint, type TuneReply, type TuneRequest } from './tune-protocol.ts';

/** Starts a worker_thread running this file; messages cross as structured clones. */
export function spawnNodeTuneWorker(): TuneEndpoint {
  // The worker registers tsx (as bin/tinyml.mjs does) and then loads this file.
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const w = new Worker(boot, { eval: true });
  w.unref();
  return {
    post: (m: TuneRequest) => w.postMessage(m),
    onMessage: (fn) => void w.on('message', (r: TuneReply) => fn(r)),
    terminate: () => void w.terminate(),
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { useBackend } = await import('../ml/train/backend.ts');
  await import('@tensorflow/tfjs-backend-wasm');
  const handle = tuneWorkerHandler(
    (r) => port.postMessage(r),
    async (m) => {
      for (const b of m.backend ? [m.backend] : ['wasm', 'cpu']) if (await useBackend(b)) return;
    },
  );
  port.on('message', (m: TuneRequest) => handle(m));
}
