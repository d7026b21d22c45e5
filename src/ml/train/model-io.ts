/**
 * Serialises a trained TF.js model to the standard `model.json` + `weights.bin` pair (as bytes, so
 * the CLI writes files and the app stores them in IndexedDB) and loads it back. DOM-free core module.
 * Importing this module registers the custom layers (im2col conv, seeded dropout) with TF.js.
 */
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../core/errors.ts';
import '../models/im2col-conv1d.ts';
import '../models/seeded-dropout.ts';

export interface SavedModel {
  /** model.json text; its weights manifest points at `weights.bin`. */
  modelJson: string;
  weights: Uint8Array;
}

function concatWeightData(d: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (!d) return new Uint8Array(0);
  if (!Array.isArray(d)) return new Uint8Array(d.slice(0));
  const total = d.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of d) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out;
}

export async function saveModel(model: tf.LayersModel, weightsPath = 'weights.bin'): Promise<SavedModel> {
  let saved: SavedModel | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const json = {
        format: 'layers-model',
        generatedBy: 'TinyML Studio',
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [weightsPath], weights: a.weightSpecs ?? [] }],
      };
      saved = { modelJson: JSON.stringify(json), weights: concatWeightData(a.weightData as ArrayBuffer | ArrayBuffer[] | undefined) };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

export async function loadModel(modelJson: string, weights: Uint8Array): Promise<tf.LayersModel> {
  try {
    const j = JSON.parse(modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const specs = j.weightsManifest.flatMap((g) => g.weights);
    const buf = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: j.modelTopology, weightSpecs: specs, weightData: buf }));
  } catch (e) {
    throw new StudioError({ family: 'model', code: 'bad-model-file', message: `The saved model cannot be loaded: ${e instanceof Error ? e.message : String(e)}.`, remedy: 'Train the model again.', cause: e });
  }
}
