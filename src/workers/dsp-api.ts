/**
 * The DSP worker's API (types shared by the page's dsp-client.ts and dsp-worker.ts) and the feature
 * cache key (the key is StudioStore's: getSampleFeatures / putSampleFeatures). DOM-free core module.
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
import type { WindowingConfig } from '../core/impulse.ts';
import type { Progress } from '../core/progress.ts';
import type { SpectralAutotune } from '../dsp/autotune.ts';
import type { SuspectWindow } from '../dsp/explorer.ts';
import type { SkippedSample } from '../data/store/usable-samples.ts';
import type { FeatureImpulse } from '../dsp/features.ts';

export { FEATURE_CACHE_VERSION, featureParamsHash, featureParamsText, type FeatureImpulse } from '../dsp/features.ts';

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

export type { SkippedSample } from '../data/store/usable-samples.ts';

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
