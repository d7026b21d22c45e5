/**
 * TF.js backend selection: initialise what is available (WASM, WebGL, CPU) and keep the fastest by a
 * short measured probe of the actual model's training step. DOM-free core module.
 *
 * Never assume WebGL is fast (on machines without a GPU it runs in software and is 10× slower than
 * WASM). The probe builds the real model on each backend, runs one warm-up step and then times a few
 * training steps on constant data; the whole probe takes well under a second per backend for the
 * default models. Initialisation has a timeout because a broken WASM setup can hang `setBackend`.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { LearnConfig } from '../../core/impulse.ts';
import { buildClassifier } from '../models/build-model.ts';

export type BackendName = 'wasm' | 'webgl' | 'cpu';

export interface BackendProbe {
  backend: string;
  /** Median milliseconds per training step (batch of `batchSize`), or undefined when it failed. */
  msPerStep?: number;
  error?: string;
}

export interface BackendChoice {
  backend: string;
  probes: BackendProbe[];
}

/** Where the browser finds the WASM binaries (URLs from `?url` imports), keyed by file name. */
export type WasmPaths = Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

export function configureWasmPaths(paths: WasmPaths | string): void {
  setWasmPaths(paths as Parameters<typeof setWasmPaths>[0]);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** Switches to `name`; false (and back on the previous backend) when it cannot initialise. */
export async function useBackend(name: string, timeoutMs = 15000): Promise<boolean> {
  const prev = tf.getBackend();
  try {
    if (!tf.findBackendFactory(name)) return false;
    const ok = await withTimeout(tf.setBackend(name), timeoutMs, `setBackend(${name})`);
    if (!ok) throw new Error('setBackend returned false');
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    if (prev && prev !== name) {
      try {
        await tf.setBackend(prev);
      } catch {
        /* keep whatever works */
      }
    }
    return false;
  }
}

export interface ProbeSpec {
  learn: LearnConfig;
  inputShape: number[];
  numClasses: number;
  batchSize: number;
  /** Timed steps after the warm-up (default 3). */
  steps?: number;
}

/** Times training steps of the real model on the current backend; median ms per step. */
export async function probeCurrentBackend(spec: ProbeSpec): Promise<number> {
  const steps = spec.steps ?? 3;
  const model = buildClassifier(spec.learn, spec.inputShape, spec.numClasses, 1);
  const opt = tf.train.adam(0.001);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const size = spec.inputShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(new Float32Array(spec.batchSize * size).map((_, i) => ((i * 7919) % 13) / 13 - 0.5), [spec.batchSize, ...spec.inputShape]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: spec.batchSize }, (_, i) => i % spec.numClasses), 'int32'), spec.numClasses);
  const times: number[] = [];
  try {
    for (let s = 0; s <= steps; s++) {
      const t0 = performance.now();
      const cost = opt.minimize(
        () => {
          const p = model.apply(x, { training: true }) as tf.Tensor;
          return tf.losses.softmaxCrossEntropy(y, tf.log(tf.clipByValue(p, 1e-7, 1))) as tf.Scalar;
        },
        true,
        vars,
      );
      await cost!.data();
      cost!.dispose();
      if (s > 0) times.push(performance.now() - t0);
    }
  } finally {
    x.dispose();
    y.dispose();
    opt.dispose();
    model.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Probes each candidate that initialises and switches to the fastest. With a single candidate it
 * skips the probe. Leaves the chosen backend active.
 */
export async function chooseBackend(spec: ProbeSpec, candidates: BackendName[] = ['wasm', 'webgl', 'cpu']): Promise<BackendChoice> {
  const probes: BackendProbe[] = [];
  const ok: string[] = [];
  for (const c of candidates) {
    if (await useBackend(c)) ok.push(c);
    else probes.push({ backend: c, error: 'not available' });
  }
  if (ok.length === 0) throw new Error('No TF.js backend could be initialised.');
  if (ok.length === 1) {
    await useBackend(ok[0]);
    return { backend: ok[0], probes: [...probes, { backend: ok[0] }] };
  }
  let best = ok[0];
  let bestMs = Infinity;
  for (const c of ok) {
    await useBackend(c);
    try {
      const ms = await probeCurrentBackend(spec);
      probes.push({ backend: c, msPerStep: ms });
      if (ms < bestMs) {
        bestMs = ms;
        best = c;
      }
    } catch (e) {
      probes.push({ backend: c, error: e instanceof Error ? e.message : String(e) });
    }
  }
  await useBackend(best);
  return { backend: best, probes };
}
