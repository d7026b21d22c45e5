/**
 * Builds an Arduino library zip for the impulse: library.properties, src/<Name>.h (model data,
 * impulse constants, the on-device DSP and the window clock, all in namespace <Name>), an example
 * sketch reading the board's IMU at the impulse's rate, and a README saying what to install.
 *
 * A pure function of what training saved: the int8 .tflite bytes, the ImpulseConfig, the input
 * standardisation, the labels and the project name. Everything else is derived here: the spectral
 * filter's second-order sections are designed from the impulse's settings (as the app's spectral
 * block designs them), the library name and C++ namespace from the project name, the window starts
 * from the impulse's stride (window k starts at frame round(k × stride ms × Hz / 1000), as in
 * src/dsp/windowing.ts, also for fractional strides). Audio impulses (MFE, MFCC, spectrogram) get
 * their own library (arduino-audio-library.ts: the PDM microphone and continuous recognition).
 * DOM-free core module.
 */
import { zipSync, strToU8 } from 'fflate';
import { StudioError, type ErrorCode } from '../../core/errors.ts';
import type { ImpulseConfig, InputNormalization, QuantParams } from '../../core/impulse.ts';
import { dspContext, getDspBlock } from '../../dsp/registry.ts';
import { strideFrames } from '../../dsp/windowing.ts';
import { readTflite } from '../tflite/reader.ts';
import { cString, makeCHeader } from './c-header.ts';
import { estimateDeployment } from './estimate.ts';
import { makeAudioLibraryFiles } from './arduino-audio-library.ts';
import type { ContinuousSettings } from './audio-recognizer-cpp.ts';
import { isAudioBlock } from './templates/audio-dsp-cpp.ts';
import { makeDspCpp } from './templates/dsp-cpp.ts';
import { defaultAxisUnits, imuAxisSources, makeSketch } from './templates/sketch-ino.ts';

export interface ArduinoLibraryInput {
  /** The int8 model. */
  tflite: Uint8Array;
  impulse: ImpulseConfig;
  /** Int8 input/output quantization; default impulse.quantization. */
  input?: QuantParams;
  output?: QuantParams;
  /** Input standardisation of the model; default impulse.normalization (null: none). */
  normalization?: InputNormalization | null;
  /** Class labels; default impulse.labels. */
  labels?: string[];
  /** The project's name: the library, its header and its namespace are named after it. */
  projectName?: string;
  /** Library name to use as given (sanitised like a project name); wins over projectName. */
  name?: string;
  /** Units of the impulse's axes, in axis order (e.g. from the samples); default m/s² and deg/s. */
  axisUnits?: string[];
  version?: string;
  /** Audio impulses: the sketch's continuous recognition (hop, averaging, threshold, refractory time, background labels). */
  continuous?: Partial<ContinuousSettings>;
}

/** The TFLite Micro Arduino library the sketch is written against. */
export const TFLM_ARDUINO_LIBRARY = {
  name: 'Arduino_TensorFlowLite',
  version: '2.4.0-ALPHA',
  source: 'https://github.com/tensorflow/tflite-micro-arduino-examples',
};

/** The IMU libraries the example sketch includes, by board (exact Library Manager names). */
export const IMU_ARDUINO_LIBRARIES = [
  { name: 'Arduino_LSM9DS1', board: 'Arduino Nano 33 BLE Sense Rev1 (LSM9DS1)' },
  { name: 'Arduino_BMI270_BMM150', board: 'Arduino Nano 33 BLE Sense Rev2 (BMI270)' },
  { name: 'Seeed Arduino LSM6DS3', board: 'Seeed XIAO nRF52840 Sense (LSM6DS3TR-C), "Seeed nRF52 mbed-enabled Boards" core (on the non-mbed core the sketch reads its registers)' },
] as const;

/**
 * Names a library must not take, compared case-insensitively (file systems on Windows and macOS are):
 * headers of the C/C++ library and the Arduino cores (src/<Name>.h would shadow <name.h>), libraries
 * the sketch or common sketches include, the cores' CamelCase globals and classes (the library name is
 * also a namespace), and the former fixed export name. Lower-case identifiers (C++ keywords, the
 * sketch's own names) cannot collide: library names start with a capital; all-capital names (the
 * macros' style: HIGH, ADC, D13, I2C_MODE …) are never used as they are.
 */
const RESERVED = new Set(
  [
    // C / C++ library headers
    'assert', 'complex', 'ctype', 'errno', 'fenv', 'float', 'inttypes', 'iso646', 'limits', 'locale', 'math', 'setjmp', 'signal',
    'stdalign', 'stdarg', 'stdatomic', 'stdbool', 'stddef', 'stdint', 'stdio', 'stdlib', 'stdnoreturn', 'string', 'tgmath', 'threads',
    'time', 'uchar', 'wchar', 'wctype', 'new', 'memory', 'vector', 'array', 'algorithm', 'functional', 'utility', 'cmath', 'cstdint',
    // Arduino cores: headers, globals, classes
    'Arduino', 'WString', 'String', 'Print', 'Printable', 'Stream', 'HardwareSerial', 'Client', 'Server', 'Udp', 'IPAddress', 'binary',
    'pins_arduino', 'variant', 'api', 'mbed', 'rtos', 'PluggableUSB', 'Serial', 'Serial1', 'Serial2', 'SerialUSB', 'Wire', 'Wire1',
    'TwoWire', 'Keyboard', 'Mouse',
    // Libraries (built-in, TFLM, IMUs, common) and their classes
    'Servo', 'Ethernet', 'WiFi', 'WiFiNINA', 'Stepper', 'SoftwareSerial', 'LiquidCrystal', 'Firmata', 'Audio', 'Scheduler', 'Bridge',
    'Esplora', 'USBHost', 'ArduinoBLE', 'TensorFlowLite', 'Arduino_TensorFlowLite', 'Chirale_TensorFlowLite', 'Arduino_LSM9DS1',
    'Arduino_BMI270_BMM150', 'Arduino_LSM6DSOX', 'Arduino_LSM6DS3', 'LSM6DS3', 'LSM9DS1Class', 'BoschSensorClass', 'SparkFunLSM6DS3',
    'Adafruit_MPU6050', 'Adafruit_Sensor',
    // the name every export had before libraries were named after their project
    'TinyML_Impulse',
  ].map((s) => s.toLowerCase()),
);

/** Longest library name: Arduino allows 63 characters; the example folder adds `_classify`. */
const MAX_NAME = 48;

/**
 * An Arduino library name that is also a C++ identifier, from a project name: accents dropped,
 * every run of other characters one underscore, no leading/trailing/double underscores (reserved in
 * C++), a capital letter first (a name starting with a digit gets `Impulse_` in front), at most 48
 * characters, never empty (TinyML_Project), and never reserved or all capitals (those get `_Impulse`
 * appended).
 */
export function arduinoLibraryName(projectName: string): string {
  let s = projectName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s === '') s = 'TinyML_Project';
  if (/^[0-9]/.test(s)) s = `Impulse_${s}`;
  s = s[0].toUpperCase() + s.slice(1);
  if (s.length > MAX_NAME) s = s.slice(0, MAX_NAME).replace(/_+$/, '');
  if (RESERVED.has(s.toLowerCase()) || !/[a-z]/.test(s)) s = `${s}_Impulse`;
  return s;
}

function exportError(code: ErrorCode<'model'>, message: string, remedy: string): StudioError {
  return new StudioError({ family: 'model', code, message, remedy });
}

/**
 * The frame counter's window clock (C++, in the library's namespace): window k starts at frame
 * round(k × stride) with halves rounded up (JavaScript's Math.round, as windowing.ts places training
 * windows), starts not after the previous one are skipped (strides under one frame), and a window is
 * complete when its last frame arrives. k × stride is computed in double like the studio does.
 */
export const WINDOW_CLOCK_CPP = `// Window k starts at frame round(k x stride frames), halves rounded up: where the studio's training
// placed its windows, also when the stride is not a whole number of frames (29.5 -> 0, 30, 59, 89, ...).
class WindowClock {
 public:
  explicit WindowClock(double stride_frames = kStrideFrames, uint32_t window_frames = kWindowSamples)
      : stride_(stride_frames), size_(window_frames) {}
  // Call once per received frame; true when the frames so far end window k (its last kWindowSamples
  // frames are then the window). last_start() is that window's first frame.
  bool push() {
    frames_++;
    if (frames_ != next_start_ + size_) return false;
    last_start_ = next_start_;
    do next_start_ = start_of(++k_);
    while (next_start_ <= last_start_);
    return true;
  }
  uint64_t last_start() const { return last_start_; }
  uint64_t frames() const { return frames_; }
  // The studio's start of window k: Math.round(k * stride) in IEEE double.
  uint64_t start_of(uint64_t k) const {
    const double x = (double)k * stride_;
    const double f = floor(x);
    return (uint64_t)(x - f >= 0.5 ? f + 1.0 : f);
  }

 private:
  double stride_;
  uint64_t size_;
  uint64_t frames_ = 0;
  uint64_t k_ = 0;
  uint64_t next_start_ = 0;
  uint64_t last_start_ = 0;
};
`;

/** A double literal that round-trips the float64 value. */
function cDouble(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

export function makeArduinoLibraryFiles(inp: ArduinoLibraryInput): Record<string, string> {
  // Without a project name, the labels name it (still distinct for most projects; pass projectName).
  const name = arduinoLibraryName(inp.name ?? inp.projectName ?? `Impulse_${(inp.labels ?? inp.impulse.labels).join('_')}`);
  const imp: ImpulseConfig = {
    ...inp.impulse,
    labels: inp.labels ?? inp.impulse.labels,
    normalization: inp.normalization === null ? undefined : (inp.normalization ?? inp.impulse.normalization),
  };
  const w = imp.windowing;
  const block = imp.dsp.block;
  if (isAudioBlock(block)) return audioLibrary(inp, name, imp);
  if (block !== 'raw' && block !== 'flatten' && block !== 'spectral') {
    throw new StudioError({
      family: 'dsp',
      code: 'export-dsp-unsupported',
      message: `The Arduino export cannot run the ${block} DSP block on the board.`,
      remedy: 'Use the raw, flatten or spectral block for on-device classification, or export only the model and C header.',
    });
  }
  // The app's block checks the settings first (filter order, cut-off, FFT length …) with its messages.
  const ctx = dspContext(imp);
  const dspBlock = getDspBlock(block);
  dspBlock.validate(ctx);
  const appDim = dspBlock.createRunner(ctx).dim;
  const model = readTflite(inp.tflite);
  const dsp = makeDspCpp(imp);
  if (dsp.featureCount !== appDim) {
    throw exportError('export-dsp-mismatch', `The on-device DSP gives ${dsp.featureCount} features where the app's gives ${appDim}.`, 'Report this as a bug; export the C header meanwhile.');
  }
  const sg = model.subgraphs[0];
  const inputSize = sg.tensors[sg.inputs[0]].shape.reduce((a, b) => a * b, 1);
  if (dsp.featureCount !== inputSize) {
    throw exportError('export-feature-mismatch', `The DSP block gives ${dsp.featureCount} features but the model takes ${inputSize}.`, 'Export with the impulse the model was trained with, or retrain after changing DSP settings.');
  }
  const body = makeCHeader({ tflite: inp.tflite, impulse: imp, input: inp.input, output: inp.output, name: 'model', bare: true });
  const NAME = name.toUpperCase();
  const guard = `${NAME}_TINYML_IMPULSE_H_`;
  const macros = [...new Set([...`${body}\n${dsp.definitions}`.matchAll(/^#define (\w+)/gm)].map((m) => m[1]))];
  const stride = strideFrames(w);
  const standardized = imp.normalization !== undefined;
  const libHeader = `// ${name}.h: the TinyML Studio impulse of project ${cString(inp.projectName ?? name)} as an Arduino library.
// Everything is in namespace ${name} (the preprocessor macros used to build it are undefined at the
// end), so libraries of several projects can be installed, and even included, side by side.
#ifndef ${guard}
#define ${guard}

#include <stddef.h>
#include <stdint.h>
${dsp.includes}

namespace ${name} {

${body}
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
constexpr int kAxisCount = IMPULSE_AXIS_COUNT;
constexpr int kFeatureCount = IMPULSE_FEATURE_COUNT;
constexpr bool kInputStandardized = ${standardized ? 'true' : 'false'};
// Sample rate (Hz) and stride in frames (stride ms x Hz / 1000, may be fractional), in double as the studio computes them.
constexpr double kFrequencyHz = ${cDouble(w.frequencyHz)};
constexpr double kStrideFrames = ${cDouble(stride)};
static const char* const* const labels = model_labels;
static const char* const* const axes = impulse_axes;

inline const unsigned char* model_data() { return model_tflite; }
inline unsigned int model_size() { return model_tflite_len; }

// Features of one window (kWindowSamples frames x kAxisCount axes, frame-major); returns the count.
static inline int extract_features(const float* window, int samples, float* out, int out_len) {
  return impulse_extract_features(window, samples, out, out_len);
}

// Model input i from feature i: ${standardized ? 'standardised ((x - mean) / std in float32), then ' : ''}quantized to int8 (round half away, clamp).
static inline int8_t quantize_input(int i, float feature) {
${standardized ? '  const float x = (feature - kFeatureMean[i]) / kFeatureStd[i];' : '  (void)i;\n  const float x = feature;'}
  const long q = lroundf(x / kInputScale) + kInputZeroPoint;
  return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}
static inline float dequantize_output(int8_t q) { return (q - kOutputZeroPoint) * kOutputScale; }

${WINDOW_CLOCK_CPP}
}  // namespace ${name}

${macros.map((m) => `#undef ${m}`).join('\n')}

#endif  // ${guard}
`;
  const units = w.axes.map((a, i) => inp.axisUnits?.[i] ?? defaultAxisUnits(a));
  const imu = imuAxisSources(w.axes, units);
  const sketch = makeSketch({
    header: `${name}.h`,
    namespace: name,
    builtinCodes: model.operatorCodes.map((c) => c.builtinCode),
    imu: imu.sources,
    imuProblem: imu.problem,
    axes: w.axes,
  });
  const est = estimateDeployment(model, { dspInputValues: ctx.windowFrames * w.axes.length });
  const version = inp.version ?? '1.0.0';
  const depends = [TFLM_ARDUINO_LIBRARY.name, ...IMU_ARDUINO_LIBRARIES.map((l) => l.name)];
  // One line per property: control characters (newlines, tabs …) become spaces.
  const oneLine = (t: string) => Array.from(t, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('');
  const props = [
    `name=${name}`,
    `version=${version}`,
    'author=TinyML Studio',
    'maintainer=TinyML Studio user',
    oneLine(`sentence=Runs the "${imp.labels.join(', ')}" impulse (${block} + int8 model) with TensorFlow Lite Micro.`),
    'paragraph=Generated offline by TinyML Studio: model data, impulse constants, on-device DSP and an example sketch reading the board IMU.',
    'category=Data Processing',
    'url=https://github.com/tensorflow/tflite-micro-arduino-examples',
    'architectures=*',
    `depends=${depends.join(', ')}`,
    `includes=${name}.h`,
    '',
  ].join('\n');
  const stepsNote = Number.isInteger(stride) ? `${stride} samples` : `${stride} samples on average: window k starts at sample round(k × ${stride}), as in training`;
  const readme = `# ${name}

Generated by TinyML Studio${inp.projectName ? ` from project "${oneLine(inp.projectName)}"` : ''}. Labels: ${oneLine(imp.labels.join(', '))}.
DSP block: ${block}; window ${w.windowMs} ms at ${w.frequencyHz} Hz over ${w.axes.join(', ')} (${units.join(', ')}); stride ${w.strideMs} ms (${stepsNote}).
Model: ${inp.tflite.length} bytes int8, ${est.macs} MACs; planned tensor arena ${est.arena.totalBytes} bytes (the header reserves it with headroom).
Everything is in the C++ namespace \`${name}\`, so this library installs next to other projects' libraries.

## What to install

- **${TFLM_ARDUINO_LIBRARY.name} ${TFLM_ARDUINO_LIBRARY.version}** (TensorFlow Lite Micro for Arduino), from
  ${TFLM_ARDUINO_LIBRARY.source}: clone or download the repository into your Arduino \`libraries\` folder
  (it is not in the Library Manager). The sketch uses the MicroInterpreter API without an ErrorReporter.
- The IMU library of your board, from the Library Manager (Sketch → Include Library → Manage Libraries…):
${IMU_ARDUINO_LIBRARIES.map((l) => `  - ${l.board}: **${l.name}**`).join('\n')}
  - any other board with an MPU6050 or LSM6DS3/LSM6DSL/LSM6DSOX on its I2C (Wire) pins: nothing (the sketch reads the registers).
- Board cores: Arduino Mbed OS Nano Boards (Nano 33 BLE Sense), Seeed nRF52 mbed-enabled Boards (XIAO nRF52840 Sense),
  Arduino Mbed OS RP2040 Boards or arduino-pico (RP2040), esp32 (ESP32-S3).

## Use

1. Install this folder as a library (Sketch → Include Library → Add .ZIP Library…).
2. Open File → Examples → ${name} → ${name}_classify. On a Nano 33 BLE Sense Rev1 set
   \`TML_NANO33_BLE_SENSE_REV\` to 1 at the top (Rev2 is the default: both IMU libraries define \`IMU\`).
3. Upload and open the Serial Monitor at 115200 baud. The sketch reads the IMU every 1/${w.frequencyHz} s
   (paced by micros(), no drift), converts its g and deg/s to the units the impulse was trained in
   (${imu.sources ? imu.sources.map((x) => `${x.axis} ${x.units}`).join(', ') : `not possible here: ${imu.problem}`}; 1 g = 9.80665 m/s²), and prints
   the scores and timings of every window. "late readings" counts samples taken late because DSP and
   inference took longer than one sample period.
4. No IMU? \`#define TML_INPUT_CSV\` and send one CSV line per sample (${w.axes.join(', ')}) at 115200 baud.

Estimated inference time: ${est.targets.map((t) => `${t.target.name}: ${t.inferenceMs >= 1 ? t.inferenceMs.toFixed(1) : Number(t.inferenceMs.toPrecision(2))} ms`).join('; ')}.
`;
  return {
    [`${name}/library.properties`]: props,
    [`${name}/README.md`]: readme,
    [`${name}/src/${name}.h`]: libHeader,
    [`${name}/examples/${name}_classify/${name}_classify.ino`]: sketch,
  };
}

/** An audio impulse's library: the audio DSP from the TypeScript blocks, the PDM microphone, continuous recognition. */
function audioLibrary(inp: ArduinoLibraryInput, name: string, imp: ImpulseConfig): Record<string, string> {
  const model = readTflite(inp.tflite);
  const body = makeCHeader({ tflite: inp.tflite, impulse: imp, input: inp.input, output: inp.output, name: 'model', bare: true });
  const { files, featureCount } = makeAudioLibraryFiles({
    name,
    projectName: inp.projectName,
    impulse: imp,
    model,
    tfliteBytes: inp.tflite.length,
    body,
    continuous: inp.continuous,
    version: inp.version ?? '1.0.0',
    tflm: TFLM_ARDUINO_LIBRARY,
  });
  const sg = model.subgraphs[0];
  const inputSize = sg.tensors[sg.inputs[0]].shape.reduce((a, b) => a * b, 1);
  if (featureCount !== inputSize) {
    throw exportError('export-feature-mismatch', `The DSP block gives ${featureCount} features but the model takes ${inputSize}.`, 'Export with the impulse the model was trained with, or retrain after changing DSP settings.');
  }
  return files;
}

/** The library as a zip archive (Uint8Array). */
export function makeArduinoLibraryZip(inp: ArduinoLibraryInput): Uint8Array {
  const files = makeArduinoLibraryFiles(inp);
  const entries: Record<string, Uint8Array> = {};
  for (const [path, text] of Object.entries(files)) entries[path] = strToU8(text);
  return zipSync(entries, { level: 6, mtime: new Date(2024, 0, 1) });
}

