/**
 * The DSP worker's API (types shared by the page's dsp-client.ts and dsp-worker.ts) and the feature
 * cache key. DOM-free core module: a training worker can import `featureCacheKey` to read the same
 * cache entries the Impulse step writes.
 *
 * Feature cache (IndexedDB store `features`, FeatureCacheRecord in src/data/store/schema.ts):
 *   key  = `${sampleId}|${sampleVersion}|${featureParamsHash(impulse)}`
 *   data = rows × dim Float32Array of that sample's windows, row-major; starts = first frame per row.
 * The hash covers only what changes a sample's features: the windowing (window/stride ms, zero-pad,
 * frequency, axes in order), the DSP block id and its parameters with defaults filled in
 * (resolveParams), plus FEATURE_CACHE_VERSION. Labels, categories and learn/training settings are
 * not part of it, so relabelling or changing the model reuses every entry, and editing a sample's
 * values (which bumps its version) recomputes only that sample.
 */
import type { ImpulseConfig, WindowingConfig } from '../core/impulse.ts';
import type { Progress } from '../core/progress.ts';
import type { SpectralAutotune } from '../dsp/autotune.ts';
import type { SuspectWindow } from '../dsp/explorer.ts';
import { resolveParams } from '../dsp/block.ts';
import { getDspBlock } from '../dsp/registry.ts';

/** Bump when a DSP block's output changes for the same parameters, so old cache entries are ignored. */
export const FEATURE_CACHE_VERSION = 1;

export type FeatureImpulse = Pick<ImpulseConfig, 'windowing' | 'dsp'>;

/** Two FNV-1a 32-bit passes with different offsets: 16 hex digits, stable across runs and engines. */
function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The canonical text hashed for the cache: windowing + block + resolved params, keys sorted. */
export function featureParamsText(impulse: FeatureImpulse): string {
  const w = impulse.windowing;
  const block = getDspBlock(impulse.dsp.block);
  const params = resolveParams(block.params, impulse.dsp.params);
  const sorted = Object.keys(params)
    .sort()
    .map((k) => [k, params[k]]);
  return JSON.stringify({
    v: FEATURE_CACHE_VERSION,
    w: [w.windowMs, w.strideMs, !!w.zeroPad, w.frequencyHz, w.axes],
    b: block.id,
    p: sorted,
  });
}

/** Hash of the parameters that decide a sample's features (throws a dsp StudioError for bad params). */
export function featureParamsHash(impulse: FeatureImpulse): string {
  return hash64(featureParamsText(impulse));
}

export function featureCacheKey(sampleId: string, sampleVersion: number, paramsHash: string): string {
  return `${sampleId}|${sampleVersion}|${paramsHash}`;
}

export interface FeatureSampleInfo {
  id: string;
  /** Source name, or label + short id. */
  name: string;
  label: string;
  category: 'training' | 'testing';
  intervalMs: number;
  windows: number;
  /** True when this sample's features came from the cache. */
  cached: boolean;
}

export interface SkippedSample {
  id: string;
  name: string;
  reason: string;
}

export interface GenerateStats {
  computedSamples: number;
  cachedSamples: number;
  computedWindows: number;
  cachedWindows: number;
  ms: number;
}

/** What the Impulse step needs from a feature generation (not the feature matrix itself). */
export interface FeatureSummary {
  jobId: string;
  paramsHash: string;
  block: string;
  names: string[];
  shape: number[];
  dim: number;
  rows: number;
  /** Frames per window (window length = windowFrames × a sample's intervalMs). */
  windowFrames: number;
  samples: FeatureSampleInfo[];
  /** Per window: index into `samples`. */
  windowSample: Int32Array;
  /** Per window: first frame in its sample. */
  windowStart: Int32Array;
  /** Sorted distinct labels; per window an index into it. */
  labels: string[];
  windowLabel: Uint16Array;
  /** rows × 2 PCA coordinates. */
  points: Float32Array;
  /** Fraction of variance along each PCA axis. */
  explained: [number, number];
  /** Windows that sit among another label's windows (indexes are window rows). */
  suspects: SuspectWindow[];
  /** True when mislabel search ran on an evenly spaced subset of the windows (large datasets). */
  suspectsSampled: boolean;
  stats: GenerateStats;
  skipped: SkippedSample[];
  /** Per feature: min and max over all windows (for a summary table). */
  featureMin: Float32Array;
  featureMax: Float32Array;
}

export interface WindowPreview {
  sampleId: string;
  name: string;
  label: string;
  /** Axis names plotted (the impulse's axes, or all of the sample's when it has none of them). */
  axes: string[];
  intervalMs: number;
  frames: number;
  /** frames × axes.length, interleaved. */
  values: Float32Array;
  /** Window start frames under the windowing. */
  starts: number[];
  windowFrames: number;
  /** Set when the sample cannot be windowed as configured (wrong rate, missing axes, …). */
  problem: string | null;
}

export type ProgressFn = (p: Progress) => void;

export interface DspWorkerApi {
  /**
   * Features of every complete sample of a project for the windowing + DSP block, reusing cached
   * per-sample features and caching what it computes. Cancel with `cancel(jobId)`.
   */
  generateFeatures(jobId: string, projectId: string, impulse: FeatureImpulse, onProgress?: ProgressFn): Promise<FeatureSummary>;
  /** Aborts a running generateFeatures or autotune (it rejects with StudioError code `cancelled`). */
  cancel(jobId: string): void;
  /** Spectral-block proposals from the project's training samples. */
  autotune(jobId: string, projectId: string, windowing: WindowingConfig, onProgress?: ProgressFn): Promise<SpectralAutotune>;
  /** One sample's values (impulse axes) and the window starts the windowing gives over it. */
  previewWindows(sampleId: string, windowing: WindowingConfig): Promise<WindowPreview>;
  /** Deletes every cached feature of a project. */
  clearCache(projectId: string): Promise<void>;
}
