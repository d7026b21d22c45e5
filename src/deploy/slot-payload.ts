/**
 * The one slot payload: the bytes every deploy path writes into the runtime firmware's model slot
 * (UF2 download, PICOBOOT, DFU/DfuSe, ESP32, serial upload and `tinyml deploy`). DOM-free core module.
 *
 * Payload = int8 .tflite + impulse descriptor + trailer (layout in src/device/protocol/model-slot.ts).
 * The descriptor's input/output quantization is read from the .tflite itself, so model and descriptor
 * cannot disagree. Everything the firmware would refuse (a DSP block it does not run, input decimation,
 * too many axes or labels, a window longer than its sample ring, a model whose input is not the
 * impulse's feature vector) is refused here with a StudioError saying what to change.
 */
import { StudioError, type ErrorCode, type StudioErrorInit } from '../core/errors.ts';
import type { ImpulseConfig, InputNormalization, QuantParams } from '../core/impulse.ts';
import { buildSlotPayload, type SlotPayload } from '../device/protocol/model-slot.ts';
import { describeImpulse, encodeImpulseDescriptor, type ImpulseDescriptor } from '../ml/export/impulse-descriptor.ts';
import { planArena } from '../ml/export/estimate.ts';
import { readTflite } from '../ml/tflite/reader.ts';
import { TensorType, type TfliteModel, type TfliteTensor } from '../ml/tflite/schema.ts';

export type { SlotPayload } from '../device/protocol/model-slot.ts';

/** Values the firmware's sample ring holds (firmware/src/device_core.h MAX_WINDOW_VALUES). */
export const FIRMWARE_RING_VALUES = 4096;
/** Axes the runtime firmware's IMU reports (accelerometer + gyroscope; firmware/tinyml_runtime/board_imu.cpp). */
export const FIRMWARE_SENSOR_AXES = 6;

export interface SlotPayloadInput {
  /** The int8 .tflite flatbuffer as training saved it. */
  int8Tflite: Uint8Array;
  impulse: ImpulseConfig;
  /** Input standardisation the model expects (null: the model takes raw DSP features). */
  normalization: InputNormalization | null;
}

function payloadError(code: ErrorCode<'model'>, message: string, remedy: string, cause?: unknown): StudioError {
  return new StudioError({ family: 'model', code, message, remedy, cause });
}

function tensorQuant(t: TfliteTensor, what: string): QuantParams {
  const q = t.quantization;
  if (t.type !== TensorType.INT8 || !q || q.scale.length !== 1 || !(q.scale[0] > 0)) {
    throw payloadError(
      'payload-not-int8',
      `The model's ${what} tensor is not int8 with one scale; the runtime firmware runs int8 models only.`,
      'Deploy the int8 model (model.tflite) that training saved, not the float one.',
    );
  }
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

const elements = (t: TfliteTensor) => t.shape.reduce((a, b) => a * Math.max(1, b), 1);

/** Tensor arena to reserve on the board: the planned arena + 25 % + 1 KiB, in whole KiB (as model.h). */
export function slotArenaSize(model: TfliteModel): number {
  return Math.ceil((planArena(model).totalBytes * 1.25 + 1024) / 1024) * 1024;
}

/**
 * Builds the slot payload for a trained impulse. Throws a StudioError (family `model`) when the
 * impulse cannot run on the runtime firmware or the model does not belong to the impulse.
 */
export function makeSlotPayload(input: SlotPayloadInput): SlotPayload {
  const { int8Tflite, impulse } = input;
  if (impulse.learn.block === 'anomaly') {
    throw payloadError('payload-anomaly', 'Anomaly models are not TFLite models and cannot go into the model slot.', 'Use the anomaly.h export in your own sketch.');
  }
  const model = readTflite(int8Tflite);
  const sg = model.subgraphs[0];
  if (sg.inputs.length !== 1 || sg.outputs.length !== 1) {
    throw payloadError('payload-model-shape', `The model has ${sg.inputs.length} inputs and ${sg.outputs.length} outputs; the firmware runs one input and one output.`, 'Train the model again in the studio.');
  }
  const inT = sg.tensors[sg.inputs[0]];
  const outT = sg.tensors[sg.outputs[0]];
  const inQ = tensorQuant(inT, 'input');
  const outQ = tensorQuant(outT, 'output');
  let d: ImpulseDescriptor;
  let descriptor: Uint8Array;
  try {
    d = describeImpulse(impulse, { input: inQ, output: outQ, normalization: input.normalization });
    descriptor = encodeImpulseDescriptor(d);
  } catch (e) {
    if (e instanceof StudioError) {
      // The DSP check is shared with the Arduino export; say what it means here.
      const what = e.message.replace(/^The Arduino export cannot run this DSP setting on the board: /, 'its DSP uses ');
      throw new StudioError({ family: e.family, code: e.code, message: `The runtime firmware cannot run this impulse: ${what}`, remedy: e.remedy || 'Change the impulse and train again.', cause: e } as StudioErrorInit);
    }
    throw e;
  }
  if (elements(inT) !== d.featureCount) {
    throw payloadError('payload-model-mismatch', `The model takes ${elements(inT)} inputs but the impulse makes ${d.featureCount} features.`, 'The model and impulse.json are from different trainings: deploy the pair one training saved.');
  }
  if (elements(outT) !== impulse.labels.length) {
    throw payloadError('payload-model-mismatch', `The model gives ${elements(outT)} scores but the impulse has ${impulse.labels.length} labels.`, 'The model and impulse.json are from different trainings: deploy the pair one training saved.');
  }
  const ringValues = d.windowFrames * Math.max(FIRMWARE_SENSOR_AXES, d.axes.length);
  if (ringValues > FIRMWARE_RING_VALUES) {
    throw payloadError(
      'payload-window-too-long',
      `The window (${d.windowFrames} frames × ${FIRMWARE_SENSOR_AXES} sensor axes) is longer than the firmware's sample ring (${FIRMWARE_RING_VALUES} values).`,
      `Use a window of at most ${Math.floor(FIRMWARE_RING_VALUES / FIRMWARE_SENSOR_AXES)} samples (shorter window or lower sample rate) and train again.`,
    );
  }
  const payload = {
    bytes: buildSlotPayload(int8Tflite, descriptor),
    modelLength: int8Tflite.length,
    descriptorLength: descriptor.length,
    arenaSize: slotArenaSize(model),
    input: inQ,
    output: outQ,
  };
  return payload as SlotPayload;
}
