/**
 * The Arduino example sketch (as a TypeScript string template): collects a window of samples,
 * runs the impulse's DSP, standardises the features (kFeatureMean / kFeatureStd, when the model
 * header says MODEL_INPUT_STANDARDIZED), quantizes them, invokes TensorFlow Lite Micro and prints the
 * scores. DOM-free core module.
 */
import { BuiltinOperator } from '../../tflite/schema.ts';

const RESOLVER_CALLS: Record<number, string> = {
  [BuiltinOperator.FULLY_CONNECTED]: 'AddFullyConnected',
  [BuiltinOperator.CONV_2D]: 'AddConv2D',
  [BuiltinOperator.DEPTHWISE_CONV_2D]: 'AddDepthwiseConv2D',
  [BuiltinOperator.MAX_POOL_2D]: 'AddMaxPool2D',
  [BuiltinOperator.AVERAGE_POOL_2D]: 'AddAveragePool2D',
  [BuiltinOperator.RESHAPE]: 'AddReshape',
  [BuiltinOperator.SOFTMAX]: 'AddSoftmax',
  [BuiltinOperator.MEAN]: 'AddMean',
  [BuiltinOperator.ADD]: 'AddAdd',
  [BuiltinOperator.QUANTIZE]: 'AddQuantize',
  [BuiltinOperator.DEQUANTIZE]: 'AddDequantize',
};

export function resolverCalls(builtinCodes: number[]): string[] {
  return [...new Set(builtinCodes)].map((c) => {
    const call = RESOLVER_CALLS[c];
    if (!call) throw new Error(`no TFLM resolver call for builtin ${c}`);
    return call;
  });
}

export function makeSketch(opts: { header: string; builtinCodes: number[]; strideSamples: number }): string {
  const calls = resolverCalls(opts.builtinCodes);
  return `// Runs the TinyML Studio impulse on the board: window -> DSP -> standardise -> int8 model -> scores.
// Samples come from the serial port as CSV lines ("v1,v2,...", one value per axis, in the
// impulse's axis order and units), or from your sensor: replace read_sample() below.
#include <TensorFlowLite.h>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

#include <${opts.header}>

namespace {
const tflite::Model* tfl_model = nullptr;
tflite::MicroInterpreter* interpreter = nullptr;
TfLiteTensor* input = nullptr;
TfLiteTensor* output = nullptr;
alignas(16) uint8_t tensor_arena[MODEL_TENSOR_ARENA_SIZE];
float window_buf[IMPULSE_WINDOW_SAMPLES * IMPULSE_AXIS_COUNT];
float features[IMPULSE_FEATURE_COUNT];
int filled = 0;
const int kStrideSamples = ${Math.max(1, opts.strideSamples)};
char line[128];
int line_len = 0;
}  // namespace

// One sample (all axes). Returns false until a full CSV line has arrived.
bool read_sample(float* values) {
  while (Serial.available()) {
    char c = (char)Serial.read();
    if (c == '\\r') continue;
    if (c != '\\n') {
      if (line_len < (int)sizeof(line) - 1) line[line_len++] = c;
      continue;
    }
    line[line_len] = 0;
    line_len = 0;
    char* p = line;
    for (int a = 0; a < IMPULSE_AXIS_COUNT; a++) {
      char* end = nullptr;
      values[a] = strtof(p, &end);
      if (end == p) return false;
      p = (*end == ',') ? end + 1 : end;
    }
    return true;
  }
  return false;
}

void setup() {
  Serial.begin(115200);
  while (!Serial && millis() < 3000) {
  }
  tfl_model = tflite::GetModel(model_tflite);
  if (tfl_model->version() != TFLITE_SCHEMA_VERSION) {
    Serial.println("Model schema version does not match the library.");
    while (true) delay(1000);
  }
  static tflite::MicroMutableOpResolver<${calls.length}> resolver;
${calls.map((c) => `  resolver.${c}();`).join('\n')}
  static tflite::MicroInterpreter static_interpreter(tfl_model, resolver, tensor_arena, MODEL_TENSOR_ARENA_SIZE);
  interpreter = &static_interpreter;
  if (interpreter->AllocateTensors() != kTfLiteOk) {
    Serial.println("AllocateTensors() failed: raise MODEL_TENSOR_ARENA_SIZE.");
    while (true) delay(1000);
  }
  input = interpreter->input(0);
  output = interpreter->output(0);
  Serial.print("Ready. Arena used: ");
  Serial.print((unsigned long)interpreter->arena_used_bytes());
  Serial.println(" bytes.");
}

void loop() {
  float sample[IMPULSE_AXIS_COUNT];
  if (!read_sample(sample)) return;
  for (int a = 0; a < IMPULSE_AXIS_COUNT; a++) window_buf[filled * IMPULSE_AXIS_COUNT + a] = sample[a];
  if (++filled < IMPULSE_WINDOW_SAMPLES) return;

  unsigned long t0 = micros();
  int n = impulse_extract_features(window_buf, IMPULSE_WINDOW_SAMPLES, features, IMPULSE_FEATURE_COUNT);
  unsigned long t1 = micros();
  if (n != MODEL_INPUT_SIZE) {
    Serial.println("Feature count does not match the model input.");
  } else {
    for (int i = 0; i < n; i++) {
#if MODEL_INPUT_STANDARDIZED
      float x = (features[i] - kFeatureMean[i]) / kFeatureStd[i];
#else
      float x = features[i];
#endif
      long q = lroundf(x / MODEL_INPUT_SCALE) + MODEL_INPUT_ZERO_POINT;
      input->data.int8[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
    }
    if (interpreter->Invoke() == kTfLiteOk) {
      unsigned long t2 = micros();
      int best = 0;
      for (int i = 0; i < MODEL_OUTPUT_SIZE; i++) {
        float score = (output->data.int8[i] - MODEL_OUTPUT_ZERO_POINT) * MODEL_OUTPUT_SCALE;
        if (output->data.int8[i] > output->data.int8[best]) best = i;
        Serial.print(i < MODEL_LABEL_COUNT ? model_labels[i] : "?");
        Serial.print(": ");
        Serial.print(score, 3);
        Serial.print(i + 1 < MODEL_OUTPUT_SIZE ? ", " : "");
      }
      Serial.print("  -> ");
      Serial.print(best < MODEL_LABEL_COUNT ? model_labels[best] : "?");
      Serial.print("  (dsp ");
      Serial.print((t1 - t0) / 1000.0f, 1);
      Serial.print(" ms, inference ");
      Serial.print((t2 - t1) / 1000.0f, 1);
      Serial.println(" ms)");
    }
  }
  // Slide the window by the impulse stride.
  const int keep = IMPULSE_WINDOW_SAMPLES - kStrideSamples;
  if (keep > 0) {
    memmove(window_buf, window_buf + kStrideSamples * IMPULSE_AXIS_COUNT, sizeof(float) * keep * IMPULSE_AXIS_COUNT);
    filled = keep;
  } else {
    filled = 0;
  }
}
`;
}
