/**
 * The IndexedDB schema of the studio, typed for `idb`, with numbered migrations.
 * DOM-free core module (IndexedDB exists in pages, workers and, via fake-indexeddb, in Node tests).
 *
 * Version history:
 *  1. projects, samples (metadata), sampleData (values), chunks (recording in progress).
 *  2. adds models, features cache and a `by-project-created` index on samples.
 *  3. adds sampleChunks: a sample's values as bounded chunks keyed by [sampleId, start frame], for
 *     samples of any length (an hour of 16 kHz audio is 230 MB, above IndexedDB's value limit).
 *     Recordings in progress (`chunks`) move there; samples stored whole in `sampleData` stay as they
 *     are and are read from there (they move to chunks when their values are next written).
 *     chunkStats: each chunk's frame count and per-axis min/max, so a long sample is previewed
 *     without reading its values.
 * Each step is one function; a database saved by any earlier version is upgraded step by step.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { SampleMeta } from '../sample.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';

export const DB_NAME = 'tinyml-studio';
export const DB_VERSION = 3;

export const enum Store {
  projects = 'projects',
  samples = 'samples',
  sampleData = 'sampleData',
  chunks = 'chunks',
  models = 'models',
  features = 'features',
  sampleChunks = 'sampleChunks',
  chunkStats = 'chunkStats',
}

export interface ProjectRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  impulse?: ImpulseConfig;
  currentModelId?: string;
  /** True for the demo project made from the simulated board on first run. */
  demo?: boolean;
  /** Last model sequence number deployed from this project (the board reports it back in INFO). */
  deploySequence?: number;
  /** Set when read: the stored impulse did not fit its schema and was left out (never stored). */
  impulseProblem?: string;
  /** The impulse tuner's last run (src/ml/tune/tuner.ts TunerState, plain JSON): its trials and where to resume. */
  tunerState?: unknown;
}

export interface SampleDataRecord {
  id: string;
  values: Float32Array;
}

export interface ChunkRecord {
  sampleId: string;
  index: number;
  /** Interleaved frames of this chunk. */
  values: Float32Array;
}

/**
 * One bounded piece of a sample's values (schema 3). `start` is the frame where the piece begins in
 * the sample's storage frame numbering: the sample's frame 0 is the first chunk's `start` (a crop at
 * the front drops or trims chunks there and renumbers nothing).
 */
export interface SampleChunkRecord {
  sampleId: string;
  start: number;
  /** Interleaved whole frames. */
  values: Float32Array;
}

/** Frames per min/max block of a chunk's summary (0.26 s of 16 kHz audio). */
export const STAT_BLOCK_FRAMES = 4096;

/**
 * A chunk's summary, same key as the chunk: its frames and the min/max of each axis over each block
 * of STAT_BLOCK_FRAMES frames (the last block may be shorter), blocks × axes interleaved.
 */
export interface ChunkStatRecord {
  sampleId: string;
  start: number;
  frames: number;
  min: Float32Array;
  max: Float32Array;
}

/** The summary of interleaved frames (min/max per axis and block). */
export function chunkStat(sampleId: string, start: number, values: Float32Array, axes: number): ChunkStatRecord {
  const a = Math.max(1, axes);
  const frames = Math.floor(values.length / a);
  const blocks = Math.ceil(frames / STAT_BLOCK_FRAMES);
  const min = new Float32Array(blocks * a).fill(Infinity);
  const max = new Float32Array(blocks * a).fill(-Infinity);
  for (let f = 0; f < frames; f++) {
    const b = Math.floor(f / STAT_BLOCK_FRAMES) * a;
    for (let k = 0; k < a; k++) {
      const v = values[f * a + k];
      if (v < min[b + k]) min[b + k] = v;
      if (v > max[b + k]) max[b + k] = v;
    }
  }
  return { sampleId, start, frames, min, max };
}

export interface ModelRecord {
  id: string;
  projectId: string;
  name: string;
  createdAt: number;
  impulse: ImpulseConfig;
  /** Metrics object as written by training/testing (float and int8). */
  metrics: unknown;
  /** TF.js model artefacts (topology + weights) and exported files. */
  artifacts: {
    /** The float model. `input: 'standardised'`: it takes features standardised with impulse.normalization (versions stored before that take raw features). */
    tfjs?: { modelTopology: unknown; weightSpecs: unknown; weightData: ArrayBuffer; input?: 'standardised' };
    /** The int8 model the board runs (input: standardised features, quantized with impulse.quantization.input). */
    int8Tflite?: Uint8Array;
    floatTflite?: Uint8Array;
  };
}

export interface FeatureCacheRecord {
  /** `${sampleId}|${sampleVersion}|${paramsHash}` */
  key: string;
  projectId: string;
  sampleId: string;
  data: Float32Array;
  rows: number;
  starts: Int32Array;
}

export interface StudioSchema extends DBSchema {
  projects: { key: string; value: ProjectRecord };
  samples: {
    key: string;
    value: SampleMeta;
    indexes: {
      'by-project': string;
      'by-project-label': [string, string];
      'by-project-category': [string, string];
      'by-project-created': [string, number];
    };
  };
  sampleData: { key: string; value: SampleDataRecord };
  chunks: { key: [string, number]; value: ChunkRecord; indexes: { 'by-sample': string } };
  models: { key: string; value: ModelRecord; indexes: { 'by-project': string } };
  features: { key: string; value: FeatureCacheRecord; indexes: { 'by-project': string; 'by-sample': string } };
  sampleChunks: { key: [string, number]; value: SampleChunkRecord };
  chunkStats: { key: [string, number]; value: ChunkStatRecord };
}

export type StudioDb = IDBPDatabase<StudioSchema>;
type UpgradeTx = IDBPTransaction<StudioSchema, StoreNames<StudioSchema>[], 'versionchange'>;

/** migrations[i] upgrades a database from version i to i + 1. */
export const migrations: Array<(db: StudioDb, tx: UpgradeTx) => void> = [
  // 0 → 1
  (db) => {
    db.createObjectStore('projects', { keyPath: 'id' });
    const samples = db.createObjectStore('samples', { keyPath: 'id' });
    samples.createIndex('by-project', 'projectId');
    samples.createIndex('by-project-label', ['projectId', 'label']);
    samples.createIndex('by-project-category', ['projectId', 'category']);
    db.createObjectStore('sampleData', { keyPath: 'id' });
    const chunks = db.createObjectStore('chunks', { keyPath: ['sampleId', 'index'] });
    chunks.createIndex('by-sample', 'sampleId');
  },
  // 1 → 2
  (db, tx) => {
    const models = db.createObjectStore('models', { keyPath: 'id' });
    models.createIndex('by-project', 'projectId');
    const features = db.createObjectStore('features', { keyPath: 'key' });
    features.createIndex('by-project', 'projectId');
    features.createIndex('by-sample', 'sampleId');
    tx.objectStore('samples').createIndex('by-project-created', ['projectId', 'createdAt']);
  },
  // 2 → 3
  (db, tx) => {
    db.createObjectStore('sampleChunks', { keyPath: ['sampleId', 'start'] });
    db.createObjectStore('chunkStats', { keyPath: ['sampleId', 'start'] });
    moveRecordingChunks(tx).catch(() => tx.abort());
  },
];

/** Moves recordings in progress from `chunks` ([id, index]) to `sampleChunks` ([id, start frame]). */
async function moveRecordingChunks(tx: UpgradeTx): Promise<void> {
  const src = tx.objectStore('chunks');
  const dst = tx.objectStore('sampleChunks');
  const stats = tx.objectStore('chunkStats');
  const samples = tx.objectStore('samples');
  let cursor = await src.openCursor();
  let current = '';
  let start = 0;
  let axes = 1;
  while (cursor) {
    const c = cursor.value;
    if (c.sampleId !== current) {
      current = c.sampleId;
      start = 0;
      axes = (await samples.get(current))?.axes.length || 1;
    }
    if (c.values.length > 0) {
      await dst.put({ sampleId: current, start, values: c.values });
      await stats.put(chunkStat(current, start, c.values, axes));
    }
    start += Math.floor(c.values.length / axes);
    await cursor.delete();
    cursor = await cursor.continue();
  }
}
