/**
 * The Arduino example sketch of an audio impulse (as a TypeScript string template): the PDM
 * microphone (Arduino `PDM` library: Nano 33 BLE Sense, XIAO nRF52840 Sense on its mbed-enabled
 * core) fills a ring buffer from its receive callback; the loop classifies the newest window every
 * hop (the library's AudioWindows), runs the impulse's MFE/MFCC/spectrogram, standardises and
 * quantizes the features, invokes TensorFlow Lite Micro, and the library's ContinuousRecognizer
 * (moving average, threshold, refractory time: the app's rules) prints what it heard. The PDM part is a thin shim: the
 * windowing, DSP and recognition are plain C++ in the library header, tested on the host.
 * DOM-free core module.
 */
import { INTERPRETER_STATE_CPP, interpreterSetupCpp } from './sketch-ino.ts';

export interface AudioSketchOptions {
  header: string;
  namespace: string;
  builtinCodes: number[];
  /** The impulse's sample rate (the PDM microphone runs at 16 kHz). */
  frequencyHz: number;
}

export function makeAudioSketch(opts: AudioSketchOptions): string {
  const rateOk = opts.frequencyHz === 16000;
  return `// Listens with the board's PDM microphone and runs the TinyML Studio audio impulse continuously:
// every hop the newest window -> DSP -> standardise -> int8 model (TensorFlow Lite Micro) ->
// moving average + threshold -> "Heard ..." on Serial (115200).
//
// Boards: Arduino Nano 33 BLE Sense (Rev1/Rev2), Seeed XIAO nRF52840 Sense on the "Seeed nRF52
// mbed-enabled Boards" core (both ship the PDM library with their core), 16 kHz mono.

// ---- Options ----
// Print every window's scores and timings, not only what was heard:
// #define TML_PRINT_EVERY_WINDOW
// Microphone gain (the PDM library's default when not set):
// #define TML_PDM_GAIN 20

#include <TensorFlowLite.h>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

#include <PDM.h>
#include <${opts.header}>
${rateOk ? '' : `
#error "The impulse samples at ${opts.frequencyHz} Hz; PDM microphones run at 16000 Hz here: retrain the impulse at 16000 Hz."
`}
#if defined(__AVR__)
#error "TensorFlow Lite Micro does not run on AVR boards (Uno, Mega, Nano): use a Nano 33 BLE Sense or XIAO nRF52840 Sense."
#endif

namespace impulse = ${opts.namespace};

${INTERPRETER_STATE_CPP}static float features[impulse::kFeatureCount];

// The microphone's samples: the PDM callback writes, the loop reads windows in place.
static volatile int16_t ring[impulse::kRingSamples];
static volatile uint32_t pdm_written = 0;  // samples written (wraps after 74 hours; extended below)
static uint32_t pdm_pos = 0;  // where the next sample goes: the 64-bit count modulo kRingSamples
static int16_t pdm_chunk[256];

static void on_pdm_data() {
  int bytes = PDM.available();
  while (bytes > 0) {
    const int n = bytes < (int)sizeof(pdm_chunk) ? bytes : (int)sizeof(pdm_chunk);
    PDM.read(pdm_chunk, n);
    for (int i = 0; i < n / 2; i++) {
      ring[pdm_pos] = pdm_chunk[i];
      if (++pdm_pos == (uint32_t)impulse::kRingSamples) pdm_pos = 0;
    }
    pdm_written = pdm_written + n / 2;
    bytes -= n;
  }
}

static uint64_t written = 0;  // pdm_written as a 64-bit count
static uint32_t last_written = 0;
static impulse::AudioWindows windows;
static impulse::ContinuousRecognizer recognizer;
static unsigned long overrun = 0;  // windows whose audio was overwritten before the DSP read it

static void update_written() {
  const uint32_t now = pdm_written;
  written += (uint32_t)(now - last_written);
  last_written = now;
}

static void halt(const char* why) {
  Serial.println(why);
  while (true) delay(1000);
}

static void classify(uint64_t start) {
  const unsigned long t0 = micros();
  const int n = impulse::extract_features_continuous(ring, impulse::kRingSamples, start, &pdm_written, features, impulse::kFeatureCount);
  const unsigned long t1 = micros();
  if (n == -2) {  // the microphone overwrote part of the window before the DSP read it
    overrun++;
    return;
  }
  if (n != impulse::kInputSize) {
    Serial.println("Feature count does not match the model input.");
    return;
  }
  for (int i = 0; i < n; i++) input->data.int8[i] = impulse::quantize_input(i, features[i]);
  if (interpreter->Invoke() != kTfLiteOk) {
    Serial.println("Invoke() failed.");
    return;
  }
  const unsigned long t2 = micros();
  float scores[impulse::kOutputSize];
  for (int i = 0; i < impulse::kOutputSize; i++) scores[i] = impulse::dequantize_output(output->data.int8[i]);
  const int heard = recognizer.push(scores, start + impulse::kWindowSamples);
  const float at_s = (float)((double)(start + impulse::kWindowSamples) / impulse::kFrequencyHz);
#if defined(TML_PRINT_EVERY_WINDOW)
  Serial.print(at_s, 3);
  Serial.print(" s:");
  for (int i = 0; i < impulse::kOutputSize; i++) {
    Serial.print(" ");
    Serial.print(i < impulse::kLabelCount ? impulse::labels[i] : "?");
    Serial.print(" ");
    Serial.print(scores[i], 3);
  }
  Serial.print("  (dsp ");
  Serial.print((t1 - t0) / 1000.0f, 1);
  Serial.print(" ms, inference ");
  Serial.print((t2 - t1) / 1000.0f, 1);
  Serial.print(" ms, skipped windows ");
  Serial.print((unsigned long)windows.skipped());
  Serial.print(", overrun ");
  Serial.print(overrun);
  Serial.println(")");
#else
  (void)t0;
  (void)t1;
  (void)t2;
#endif
  if (heard >= 0) {
    Serial.print("Heard \\"");
    Serial.print(impulse::labels[heard]);
    Serial.print("\\" (");
    Serial.print((float)recognizer.average(heard), 2);
    Serial.print(") at ");
    Serial.print(at_s, 3);
    Serial.println(" s");
  }
}

void setup() {
  Serial.begin(115200);
  while (!Serial && millis() < 3000) {
  }
${interpreterSetupCpp(opts.builtinCodes)}  PDM.onReceive(on_pdm_data);
#if defined(TML_PDM_GAIN)
  PDM.setGain(TML_PDM_GAIN);
#endif
  if (!PDM.begin(1, 16000)) halt("Failed to start the PDM microphone.");
  Serial.println("Listening.");
}

void loop() {
  update_written();
  uint64_t start;
  if (windows.next(written, &start)) classify(start);
}
`;
}
