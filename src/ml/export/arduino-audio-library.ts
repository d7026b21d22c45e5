/**
 * The Arduino library of an audio impulse (MFE, MFCC or spectrogram on one int16 audio axis):
 * src/<Name>.h (model data, impulse constants, the audio DSP generated from the TypeScript blocks,
 * the continuous recognizer), an example sketch listening with the PDM microphone, a README.
 * Called by makeArduinoLibraryFiles for audio blocks. DOM-free core module.
 */
import type { ImpulseConfig } from '../../core/impulse.ts';
import type { TfliteModel } from '../tflite/schema.ts';
import { cString } from './c-header.ts';
import { audioDspCost, estimateDeployment } from './estimate.ts';
import { AUDIO_RECOGNIZER_CPP, DEFAULT_CONTINUOUS, continuousPlan, guessBackgroundLabels, type ContinuousSettings } from './audio-recognizer-cpp.ts';
import { makeAudioDspCpp } from './templates/audio-dsp-cpp.ts';
import { makeAudioSketch } from './templates/sketch-audio-ino.ts';

export interface AudioLibraryParts {
  name: string;
  projectName?: string;
  impulse: ImpulseConfig;
  model: TfliteModel;
  tfliteBytes: number;
  /** The model data, labels and quantization as C (makeCHeader's bare body). */
  body: string;
  continuous?: Partial<ContinuousSettings>;
  version: string;
  tflm: { name: string; version: string; source: string };
}

/** A double literal that round-trips the float64 value. */
function cDouble(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** The library's files (paths under <Name>/). `featureCount` is checked by the caller against the model. */
export function makeAudioLibraryFiles(p: AudioLibraryParts): { files: Record<string, string>; featureCount: number } {
  const { name, impulse: imp } = p;
  const w = imp.windowing;
  const dsp = makeAudioDspCpp(imp);
  const cont: ContinuousSettings = { ...DEFAULT_CONTINUOUS, ...p.continuous };
  const windowSamples = dsp.plan.samples;
  const cp = continuousPlan(cont, w.frequencyHz, windowSamples, dsp.plan.frameStride);
  const NAME = name.toUpperCase();
  const guard = `${NAME}_TINYML_IMPULSE_H_`;
  const macros = [...new Set([...`${p.body}\n${dsp.definitions}`.matchAll(/^#define (\w+)/gm)].map((m) => m[1]))];
  const standardized = imp.normalization !== undefined;
  const backgroundLabels = cont.background ?? guessBackgroundLabels(imp.labels);
  const background = imp.labels.map((l) => backgroundLabels.includes(l));
  const keywords = imp.labels.filter((l) => !backgroundLabels.includes(l));
  const header = `// ${name}.h: the TinyML Studio audio impulse of project ${cString(p.projectName ?? name)} as an Arduino library.
// Everything is in namespace ${name} (the preprocessor macros used to build it are undefined at the
// end), so libraries of several projects can be installed, and even included, side by side.
#ifndef ${guard}
#define ${guard}

#include <stddef.h>
#include <stdint.h>
${dsp.includes}

namespace ${name} {

${p.body}
${dsp.definitions}
// ---- The impulse as C++ constants ----
constexpr int kInputSize = MODEL_INPUT_SIZE;
constexpr int kOutputSize = MODEL_OUTPUT_SIZE;
constexpr float kInputScale = MODEL_INPUT_SCALE;
constexpr int kInputZeroPoint = MODEL_INPUT_ZERO_POINT;
constexpr float kOutputScale = MODEL_OUTPUT_SCALE;
constexpr int kOutputZeroPoint = MODEL_OUTPUT_ZERO_POINT;
constexpr size_t kTensorArenaSize = MODEL_TENSOR_ARENA_SIZE;
constexpr int kLabelCount = MODEL_LABEL_COUNT;
constexpr int kWindowSamples = IMPULSE_WINDOW_SAMPLES;
constexpr int kFeatureCount = IMPULSE_FEATURE_COUNT;
constexpr bool kInputStandardized = ${standardized ? 'true' : 'false'};
constexpr double kFrequencyHz = ${cDouble(w.frequencyHz)};
static const char* const* const labels = model_labels;

// ---- Continuous recognition (the app's rules): a window every ${+cp.hopMs.toFixed(2)} ms, ${cont.averaging} averaged, threshold ${cont.threshold}, ${cont.refractoryMs} ms refractory ----
constexpr int kHopSamples = ${cp.hopSamples};
constexpr int kRingSamples = ${cp.ringSamples};  // the window + two hops
constexpr int kAveraging = ${cont.averaging};
constexpr double kThreshold = ${cDouble(cont.threshold)};
constexpr double kRefractoryMs = ${cDouble(cont.refractoryMs)};
// Background labels are never reported as heard.
static const bool kBackground[MODEL_LABEL_COUNT > 0 ? MODEL_LABEL_COUNT : 1] = {${background.length ? background.join(', ') : 'false'}};

inline const unsigned char* model_data() { return model_tflite; }
inline unsigned int model_size() { return model_tflite_len; }

// Features of the window of kWindowSamples int16 samples that starts at ring[start] and wraps at
// capacity (the sketch's microphone buffer); returns the count, -1 if out_len is too small.
static inline int extract_features(const volatile int16_t* ring, int capacity, int start, float* out, int out_len) {
  return impulse_extract_audio_features(ring, capacity, start, out, out_len);
}
// Continuous recognition: the window starting at sample abs_start of the stream (at
// ring[abs_start % capacity]). out must be the previous call's buffer: the frames this window shares
// with the previous one are moved, not computed again (the same features in a fraction of the time).
// written (optional): the count of samples the microphone has written into the ring (mod 2^32);
// returns -2 when it overwrote a sample of the window before it was read.
static inline int extract_features_continuous(const volatile int16_t* ring, int capacity, uint64_t abs_start, const volatile uint32_t* written, float* out, int out_len) {
  return impulse_extract_audio_features_continuous(ring, capacity, abs_start, written, out, out_len);
}
// Features of kWindowSamples consecutive samples.
static inline int extract_features(const int16_t* samples, float* out, int out_len) {
  return impulse_extract_audio_features(samples, kWindowSamples, 0, out, out_len);
}

// Model input i from feature i: ${standardized ? 'standardised ((x - mean) / std in float32), then ' : ''}quantized to int8 (round half away, clamp).
static inline int8_t quantize_input(int i, float feature) {
${standardized ? '  const float x = (feature - kFeatureMean[i]) / kFeatureStd[i];' : '  (void)i;\n  const float x = feature;'}
  const long q = lroundf(x / kInputScale) + kInputZeroPoint;
  return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}
static inline float dequantize_output(int8_t q) { return (q - kOutputZeroPoint) * kOutputScale; }

${AUDIO_RECOGNIZER_CPP}
}  // namespace ${name}

${macros.map((m) => `#undef ${m}`).join('\n')}

#endif  // ${guard}
`;
  const sketch = makeAudioSketch({ header: `${name}.h`, namespace: name, builtinCodes: p.model.operatorCodes.map((c) => c.builtinCode), frequencyHz: w.frequencyHz });
  const est = estimateDeployment(p.model, { dsp: imp });
  const cost = audioDspCost(imp) as NonNullable<ReturnType<typeof audioDspCost>>;
  const oneLine = (t: string) => Array.from(t, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('');
  const props = [
    `name=${name}`,
    `version=${p.version}`,
    'author=TinyML Studio',
    'maintainer=TinyML Studio user',
    oneLine(`sentence=Listens for "${keywords.join(', ')}" (${imp.dsp.block} + int8 model) with TensorFlow Lite Micro and the PDM microphone.`),
    'paragraph=Generated offline by TinyML Studio: model data, impulse constants, the audio DSP and an example sketch with continuous recognition.',
    'category=Data Processing',
    'url=https://github.com/tensorflow/tflite-micro-arduino-examples',
    'architectures=*',
    `depends=${p.tflm.name}`,
    `includes=${name}.h`,
    '',
  ].join('\n');
  const nrf = est.targets.find((t) => t.target.id === 'nrf52840');
  const ms = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));
  const readme = `# ${name}

Generated by TinyML Studio${p.projectName ? ` from project "${oneLine(p.projectName)}"` : ''}. Labels: ${oneLine(imp.labels.join(', '))}${backgroundLabels.length ? ` (background, never reported: ${oneLine(backgroundLabels.join(', '))})` : ''}.
DSP block: ${imp.dsp.block} (${dsp.plan.frames} frames × ${dsp.plan.perFrame}); window ${w.windowMs} ms at ${w.frequencyHz} Hz.
Continuous recognition: a window every ${+cp.hopMs.toFixed(2)} ms (${cp.hopSamples} samples, a whole number of DSP frames), the average of the last ${cont.averaging} windows' probabilities, threshold ${cont.threshold}, ${cont.refractoryMs} ms between detections, re-armed when the average falls below the threshold (the app's rules).
Model: ${p.tfliteBytes} bytes int8, ${est.macs} MACs; planned tensor arena ${est.arena.totalBytes} bytes (the header reserves it with headroom).
RAM for the audio: ${Math.round(cost.ramBytes / 1024)} KB (the DSP's buffers, the features and the ${Math.round((cp.ringSamples * 2) / 1024)} KB microphone ring); flash: ${Math.round(cost.flashBytes / 1024)} KB of DSP tables and code.

## What to install

- **${p.tflm.name} ${p.tflm.version}** (TensorFlow Lite Micro for Arduino), from ${p.tflm.source}: clone or
  download the repository into your Arduino \`libraries\` folder (it is not in the Library Manager).
- The \`PDM\` library comes with the board core: Arduino Mbed OS Nano Boards (Nano 33 BLE Sense) or
  Seeed nRF52 mbed-enabled Boards (XIAO nRF52840 Sense).

## Use

1. Install this folder as a library (Sketch → Include Library → Add .ZIP Library…).
2. Open File → Examples → ${name} → ${name}_listen, upload, open the Serial Monitor at 115200 baud.
3. Say a keyword: the sketch prints \`Heard "…" (score) at … s\`. \`#define TML_PRINT_EVERY_WINDOW\` prints
   every window's scores, the DSP and inference times and the windows skipped because the board was busy.

The DSP is the studio's own MFE/MFCC/spectrogram in float64, as in training, so the board computes the
same features as the app; frames shared with the previous window are moved, not computed again. Estimated
time per window${nrf ? ` on a Nano 33 BLE Sense: DSP ${ms(nrf.dspMs)} ms + inference ${ms(nrf.inferenceMs)} ms (planning figures, see the Deploy step)` : ''}:
when that is longer than the hop, the sketch classifies the newest window and skips the ones in between.
`;
  return {
    featureCount: dsp.featureCount,
    files: {
      [`${name}/library.properties`]: props,
      [`${name}/README.md`]: readme,
      [`${name}/src/${name}.h`]: header,
      [`${name}/examples/${name}_listen/${name}_listen.ino`]: sketch,
    },
  };
}
