/**
 * A tuner trial worker in the browser (module Web Worker): runs trials of the impulse tuner on the
 * training recordings it was given, with the protocol of tune-protocol.ts. Started by the page's pool
 * (tune-pool.ts), one per core.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { configureWasmPaths, useBackend } from '../ml/train/backend.ts';
import { tuneWorkerHandler, type TuneReply, type TuneRequest } from './tune-protocol.ts';

const scope = self as unknown as { postMessage(m: TuneReply): void; onmessage: ((e: MessageEvent<TuneRequest>) => void) | null };

const handle = tuneWorkerHandler(
  (r) => scope.postMessage(r),
  async (m) => {
    if (m.wasm) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      configureWasmPaths({ 'tfjs-backend-wasm.wasm': m.wasm.plain, 'tfjs-backend-wasm-simd.wasm': m.wasm.simd, 'tfjs-backend-wasm-threaded-simd.wasm': m.wasm.simd });
    }
    for (const b of m.backend ? [m.backend] : ['wasm', 'cpu']) if (await useBackend(b)) return;
  },
);
scope.onmessage = (e) => handle(e.data);
