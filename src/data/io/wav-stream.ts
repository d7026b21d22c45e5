/**
 * A stored sample as a 32-bit float WAV, piece by piece (header, then the data of each batch of
 * frames read from the store): a long recording is exported without being read whole. The bytes are
 * those of `writeWav` on the whole sample. DOM-free core module.
 */
import type { StudioStore } from '../store/studio-store.ts';
import { importError } from './limits.ts';
import { wavData, wavHeader, wavScale } from './wav.ts';

/** Header and data pieces of the sample's WAV file (nothing when the sample does not exist). */
export async function* storedWavPieces(store: StudioStore, sampleId: string, batchFrames?: number): AsyncGenerator<Uint8Array> {
  const meta = await store.getSampleMeta(sampleId);
  if (!meta) return;
  const ch = meta.axes.length;
  if (ch === 0) throw importError('no-axes', meta.sourceName ?? meta.id, 'the recording has no axes.');
  yield wavHeader(meta.length, ch, Math.round(1000 / meta.intervalMs));
  const scale = wavScale(meta.axes);
  for await (const b of store.frameBatches(sampleId, batchFrames ? { batchFrames } : {})) yield wavData(b.values, scale);
}

/**
 * The sample's WAV file as a Blob grown piece by piece (browsers keep a large Blob's parts by
 * reference, on disk when needed), or undefined when the sample does not exist.
 */
export async function storedWavBlob(store: StudioStore, sampleId: string): Promise<Blob | undefined> {
  let blob: Blob | undefined;
  for await (const piece of storedWavPieces(store, sampleId)) blob = new Blob(blob ? [blob, piece as BlobPart] : [piece as BlobPart], { type: 'audio/wav' });
  return blob;
}
