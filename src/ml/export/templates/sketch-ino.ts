/**
 * The Arduino example sketch (as a TypeScript string template): reads the board's IMU at the
 * impulse's sample rate (paced by a drift-free clock on micros()), or CSV lines over serial, slides
 * windows exactly where training placed them (the library's WindowClock), runs the impulse's DSP,
 * standardises and quantizes the features, invokes TensorFlow Lite Micro and prints the scores.
 *
 * IMU per board, chosen by the core's board macros: Nano 33 BLE Sense Rev1 (LSM9DS1,
 * Arduino_LSM9DS1) or Rev2 (BMI270, Arduino_BMI270_BMM150; both libraries define a global `IMU`, so
 * the revision is a #define), XIAO nRF52840 Sense (LSM6DS3TR-C, powered through PIN_LSM6DS3TR_C_POWER
 * first, on the internal Wire1: with Seeed Arduino LSM6DS3 on the mbed-enabled core, by registers on
 * the non-mbed core, where that library would use Wire), any other board: an MPU6050 or
 * LSM6DS3-family IMU on Wire, driven by its registers. Every reader gives acceleration
 * in g and rotation in deg/s; the sketch converts to the units the impulse was trained in.
 * DOM-free core module.
 */
import { BuiltinOperator } from '../../tflite/schema.ts';
import { cFloat, cString } from '../c-header.ts';

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

/** Standard gravity: m/s² per g. */
/** The sketch's file-scope TFLM objects (model, interpreter, its tensors, the arena). */
export const INTERPRETER_STATE_CPP = `static const tflite::Model* tfl_model = nullptr;
static tflite::MicroInterpreter* interpreter = nullptr;
static TfLiteTensor* input = nullptr;
static TfLiteTensor* output = nullptr;
alignas(16) static uint8_t tensor_arena[impulse::kTensorArenaSize];
`;

/** setup()'s lines that load the model, register its operators, allocate the arena and report its use (`halt` must exist). */
export function interpreterSetupCpp(builtinCodes: number[]): string {
  const calls = resolverCalls(builtinCodes);
  return `  tfl_model = tflite::GetModel(impulse::model_data());
  if (tfl_model->version() != TFLITE_SCHEMA_VERSION) halt("Model schema version does not match the TensorFlow Lite library.");
  static tflite::MicroMutableOpResolver<${calls.length}> resolver;
${calls.map((c) => `  resolver.${c}();`).join('\n')}
  static tflite::MicroInterpreter static_interpreter(tfl_model, resolver, tensor_arena, impulse::kTensorArenaSize);
  interpreter = &static_interpreter;
  if (interpreter->AllocateTensors() != kTfLiteOk) halt("AllocateTensors() failed: raise the tensor arena size in the library header.");
  input = interpreter->input(0);
  output = interpreter->output(0);
  Serial.print("Ready. Arena used: ");
  Serial.print((unsigned long)interpreter->arena_used_bytes());
  Serial.println(" bytes.");
`;
}

export const STANDARD_GRAVITY = 9.80665;

/** How one impulse axis comes from the IMU: channel 0–2 acceleration X/Y/Z (g), 3–5 rotation X/Y/Z (deg/s), times factor. */
export interface ImuAxisSource {
  axis: string;
  channel: number;
  factor: number;
  units: string;
}

/** Units the studio records when nothing else is known: m/s² for acceleration, deg/s for rotation. */
export function defaultAxisUnits(axis: string): string {
  return /^gyr/i.test(axis) ? 'deg/s' : 'm/s²';
}

/**
 * Maps the impulse's axes onto the IMU's six channels with the unit conversion from the readers' g and
 * deg/s; null when an axis is not an accelerometer or gyroscope axis or its unit is unknown (the
 * sketch then reads CSV over serial).
 */
export function imuAxisSources(axes: string[], units: string[]): { sources: ImuAxisSource[] | null; problem?: string } {
  const sources: ImuAxisSource[] = [];
  for (const [i, axis] of axes.entries()) {
    const acc = /^acc(?:el(?:eration)?)?[ _-]?([xyz])$/i.exec(axis);
    const gyr = /^gyr(?:o(?:scope)?)?[ _-]?([xyz])$/i.exec(axis);
    const m = acc ?? gyr;
    if (!m) return { sources: null, problem: `axis "${axis}" is not an accelerometer or gyroscope axis` };
    const channel = 'xyz'.indexOf(m[1].toLowerCase()) + (acc ? 0 : 3);
    const u = (units[i] ?? defaultAxisUnits(axis)).trim().toLowerCase().replace('²', '2').replace('°', 'deg').replace(/\s+/g, '');
    let factor: number | undefined;
    if (acc) factor = { g: 1, mg: 1000, 'm/s2': STANDARD_GRAVITY, 'm/s^2': STANDARD_GRAVITY, ms2: STANDARD_GRAVITY }[u];
    else factor = { dps: 1, 'deg/s': 1, degs: 1, 'rad/s': Math.PI / 180, rads: Math.PI / 180 }[u];
    if (factor === undefined) return { sources: null, problem: `axis "${axis}" is in "${units[i]}", a unit the IMU code does not convert to` };
    sources.push({ axis, channel, factor, units: units[i] ?? defaultAxisUnits(axis) });
  }
  return { sources };
}

export interface SketchOptions {
  /** The library's header file name, e.g. `Gesture_Demo.h`. */
  header: string;
  /** The library's C++ namespace. */
  namespace: string;
  builtinCodes: number[];
  /** Impulse axes mapped onto the IMU, or null: CSV over serial is the default input. */
  imu: ImuAxisSource[] | null;
  /** Why the IMU cannot give the impulse's axes (when imu is null). */
  imuProblem?: string;
  /** The impulse's axes, for the CSV comment. */
  axes: string[];
}

export function makeSketch(opts: SketchOptions): string {
  const imu = opts.imu;
  const csvDefault = imu
    ? `// #define TML_INPUT_CSV`
    : `// The impulse cannot be read from the IMU (${opts.imuProblem ?? 'unknown axes'}), so samples come as CSV:
#define TML_INPUT_CSV`;
  const imuTable = imu
    ? `// Impulse axis i = IMU channel kImuChannel[i] (0-2 acceleration X/Y/Z in g, 3-5 rotation X/Y/Z in
// deg/s) x kImuFactor[i], in the units the impulse was trained in (${imu.map((s) => `${s.axis} ${s.units}`).join(', ')}).
const int kImuChannel[impulse::kAxisCount] = {${imu.map((s) => s.channel).join(', ')}};
const float kImuFactor[impulse::kAxisCount] = {${imu.map((s) => cFloat(s.factor)).join(', ')}};`
    : '';
  return `// Runs the TinyML Studio impulse on the board: IMU at the impulse's rate -> windows where training
// put them -> DSP -> standardise -> int8 model (TensorFlow Lite Micro) -> scores on Serial (115200).
//
// Input: the board's IMU, chosen from the board you compile for:
//   Arduino Nano 33 BLE Sense Rev1 (LSM9DS1, library Arduino_LSM9DS1) or Rev2 (BMI270, library
//   Arduino_BMI270_BMM150): set TML_NANO33_BLE_SENSE_REV below;
//   Seeed XIAO nRF52840 Sense (LSM6DS3TR-C: library "Seeed Arduino LSM6DS3" on the mbed-enabled core,
//   registers on Wire1 on the non-mbed "Seeed nRF52 Boards" core);
//   any other board: an MPU6050 or LSM6DS3/LSM6DSL/LSM6DSOX wired to the Wire (I2C) pins.
// Or CSV lines over serial (one value per axis: ${opts.axes.join(', ')}): #define TML_INPUT_CSV.

// ---- Options ----
${csvDefault}
#ifndef TML_NANO33_BLE_SENSE_REV
#define TML_NANO33_BLE_SENSE_REV 2  // 1 = Rev1 (LSM9DS1), 2 = Rev2 (BMI270)
#endif

#include <TensorFlowLite.h>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

#include <${opts.header}>

#if !defined(TML_INPUT_CSV)
#if defined(ARDUINO_ARDUINO_NANO33BLE)
#if TML_NANO33_BLE_SENSE_REV == 1
#include <Arduino_LSM9DS1.h>
#define TML_IMU_NAME "LSM9DS1 (Nano 33 BLE Sense Rev1)"
#define TML_IMU_ODR_HZ 119
#else
#include <Arduino_BMI270_BMM150.h>
#define TML_IMU_NAME "BMI270 (Nano 33 BLE Sense Rev2)"
#define TML_IMU_ODR_HZ 100
#endif
#define TML_IMU_ARDUINO 1
#elif defined(ARDUINO_SEEED_XIAO_NRF52840_SENSE) || defined(TARGET_SEEED_XIAO_NRF52840_SENSE)
// Seeed nRF52 mbed-enabled core: the library drives the IMU on the internal Wire1.
#include <LSM6DS3.h>
#include <Wire.h>
#define TML_IMU_NAME "LSM6DS3TR-C (XIAO nRF52840 Sense)"
#define TML_IMU_ODR_HZ 416
#define TML_IMU_SEEED 1
#elif defined(ARDUINO_Seeed_XIAO_nRF52840_Sense)
// Seeed nRF52 (non-mbed) core: the library would talk on Wire (the pads), so the registers are read
// on the internal Wire1, after powering the IMU.
#include <Wire.h>
#define TML_IMU_NAME "LSM6DS3TR-C on Wire1 (XIAO nRF52840 Sense)"
#define TML_IMU_ODR_HZ 416
#define TML_IMU_WIRE 1
#define TML_IMU_BUS Wire1
#elif defined(__AVR__)
#error "TensorFlow Lite Micro does not run on AVR boards (Uno, Mega, Nano): use an Arm Cortex-M, RP2040 or ESP32 board."
#else
#include <Wire.h>
#define TML_IMU_NAME "MPU6050 / LSM6DS3 on Wire"
#define TML_IMU_ODR_HZ 416
#define TML_IMU_WIRE 1
#define TML_IMU_BUS Wire
#endif
#endif  // !TML_INPUT_CSV

namespace impulse = ${opts.namespace};

// File-scope state and helpers are static (no anonymous namespace: the IDE's generated prototypes
// would make calls from setup()/loop() ambiguous).
${INTERPRETER_STATE_CPP}static float ring[impulse::kWindowSamples * impulse::kAxisCount];  // the last kWindowSamples frames
static float window_buf[impulse::kWindowSamples * impulse::kAxisCount];
static float features[impulse::kFeatureCount];
static impulse::WindowClock window_clock;
static uint64_t frames = 0;  // frames received since start

#if defined(TML_INPUT_CSV)
static char line[256];
static int line_len = 0;

// One frame (all axes) from a CSV line; false until a complete line has arrived.
static bool read_frame(float* values) {
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
    for (int a = 0; a < impulse::kAxisCount; a++) {
      char* end = nullptr;
      values[a] = strtof(p, &end);
      if (end == p) return false;
      p = (*end == ',') ? end + 1 : end;
    }
    return true;
  }
  return false;
}
#else
${imuTable || '#error "The impulse\'s axes cannot be read from the IMU: define TML_INPUT_CSV."'}

#if defined(TML_IMU_ARDUINO)
static float last_acc[3] = {0, 0, 0}, last_gyr[3] = {0, 0, 0};
static bool imu_begin() { return IMU.begin() != 0; }
// Latest acceleration (g) and rotation (deg/s); the IMU's own rate may be below the impulse's.
static bool imu_read(float* ch) {
  float x, y, z;
  if (IMU.accelerationAvailable() && IMU.readAcceleration(x, y, z)) { last_acc[0] = x; last_acc[1] = y; last_acc[2] = z; }
  if (IMU.gyroscopeAvailable() && IMU.readGyroscope(x, y, z)) { last_gyr[0] = x; last_gyr[1] = y; last_gyr[2] = z; }
  for (int i = 0; i < 3; i++) { ch[i] = last_acc[i]; ch[3 + i] = last_gyr[i]; }
  return true;
}
#elif defined(TML_IMU_SEEED)
static LSM6DS3 lsm6ds3(I2C_MODE, 0x6A);
static bool imu_begin() {
#if defined(PIN_LSM6DS3TR_C_POWER)
  pinMode(PIN_LSM6DS3TR_C_POWER, OUTPUT);  // the IMU is powered from this pin (P1.08)
  digitalWrite(PIN_LSM6DS3TR_C_POWER, HIGH);
  delay(10);
#endif
  return lsm6ds3.begin() == 0;
}
static bool imu_read(float* ch) {
  ch[0] = lsm6ds3.readFloatAccelX(); ch[1] = lsm6ds3.readFloatAccelY(); ch[2] = lsm6ds3.readFloatAccelZ();
  ch[3] = lsm6ds3.readFloatGyroX(); ch[4] = lsm6ds3.readFloatGyroY(); ch[5] = lsm6ds3.readFloatGyroZ();
  return true;
}
#elif defined(TML_IMU_WIRE)
static enum { IMU_NONE, IMU_MPU6050, IMU_LSM6DS3 } imu_kind = IMU_NONE;
static uint8_t imu_addr = 0;

static uint8_t reg_read(uint8_t addr, uint8_t reg) {
  TML_IMU_BUS.beginTransmission(addr);
  TML_IMU_BUS.write(reg);
  if (TML_IMU_BUS.endTransmission(false) != 0) return 0xFF;
  if (TML_IMU_BUS.requestFrom(addr, (uint8_t)1) != 1) return 0xFF;
  return (uint8_t)TML_IMU_BUS.read();
}
static void reg_write(uint8_t addr, uint8_t reg, uint8_t v) {
  TML_IMU_BUS.beginTransmission(addr);
  TML_IMU_BUS.write(reg);
  TML_IMU_BUS.write(v);
  TML_IMU_BUS.endTransmission();
}
static bool reg_burst(uint8_t addr, uint8_t reg, uint8_t* out, uint8_t n) {
  TML_IMU_BUS.beginTransmission(addr);
  TML_IMU_BUS.write(reg);
  if (TML_IMU_BUS.endTransmission(false) != 0) return false;
  if (TML_IMU_BUS.requestFrom(addr, n) != n) return false;
  for (uint8_t i = 0; i < n; i++) out[i] = (uint8_t)TML_IMU_BUS.read();
  return true;
}

static bool imu_begin() {
#if defined(PIN_LSM6DS3TR_C_POWER)
  pinMode(PIN_LSM6DS3TR_C_POWER, OUTPUT);  // the XIAO's IMU is powered from this pin (P1.08)
  digitalWrite(PIN_LSM6DS3TR_C_POWER, HIGH);
  delay(10);
#endif
  TML_IMU_BUS.begin();
  TML_IMU_BUS.setClock(400000);
  for (uint8_t addr = 0x68; addr <= 0x69; addr++) {
    if (reg_read(addr, 0x75) == 0x68) {  // MPU6050 WHO_AM_I
      imu_kind = IMU_MPU6050;
      imu_addr = addr;
      reg_write(addr, 0x6B, 0x00);  // PWR_MGMT_1: wake up
      reg_write(addr, 0x19, 0x00);  // SMPLRT_DIV: 1 kHz with the low-pass on
      reg_write(addr, 0x1A, 0x03);  // CONFIG: low-pass 44 Hz
      reg_write(addr, 0x1B, 0x18);  // GYRO_CONFIG: +-2000 deg/s (16.4 LSB per deg/s)
      reg_write(addr, 0x1C, 0x08);  // ACCEL_CONFIG: +-4 g (8192 LSB per g)
      return true;
    }
  }
  for (uint8_t addr = 0x6A; addr <= 0x6B; addr++) {
    const uint8_t id = reg_read(addr, 0x0F);  // WHO_AM_I: LSM6DS3 0x69, LSM6DS3TR-C/LSM6DSL 0x6A, LSM6DSOX 0x6C
    if (id == 0x69 || id == 0x6A || id == 0x6C) {
      imu_kind = IMU_LSM6DS3;
      imu_addr = addr;
      reg_write(addr, 0x12, 0x44);  // CTRL3_C: block data update, register address auto-increment
      reg_write(addr, 0x10, 0x68);  // CTRL1_XL: 416 Hz, +-4 g (0.122 mg per LSB)
      reg_write(addr, 0x11, 0x6C);  // CTRL2_G: 416 Hz, +-2000 deg/s (70 mdeg/s per LSB)
      return true;
    }
  }
  return false;
}
static bool imu_read(float* ch) {
  uint8_t b[14];
  if (imu_kind == IMU_MPU6050) {
    if (!reg_burst(imu_addr, 0x3B, b, 14)) return false;  // ACCEL_XOUT_H .. GYRO_ZOUT_L, big-endian
    for (int i = 0; i < 3; i++) ch[i] = (int16_t)((b[2 * i] << 8) | b[2 * i + 1]) / 8192.0f;
    for (int i = 0; i < 3; i++) ch[3 + i] = (int16_t)((b[8 + 2 * i] << 8) | b[9 + 2 * i]) / 16.4f;
    return true;
  }
  if (!reg_burst(imu_addr, 0x22, b, 12)) return false;  // OUTX_L_G .. OUTZ_H_XL, little-endian
  for (int i = 0; i < 3; i++) ch[3 + i] = (int16_t)(b[2 * i] | (b[2 * i + 1] << 8)) * 0.070f;
  for (int i = 0; i < 3; i++) ch[i] = (int16_t)(b[6 + 2 * i] | (b[7 + 2 * i] << 8)) * 0.000122f;
  return true;
}
#endif

// Sampling clock: frame n is due n / kFrequencyHz seconds after the first, counted on a 64-bit sum
// of micros() steps (wrap-safe, no drift: lateness of one reading does not delay the next).
static uint64_t clock_us = 0;
static uint32_t last_micros = 0;
static uint64_t next_frame = 0;
static unsigned long late_frames = 0;
static const double kPeriodUs = 1e6 / impulse::kFrequencyHz;

// One frame when it is due: the IMU channels mapped and converted to the impulse's axes and units.
static bool read_frame(float* values) {
  const uint32_t now = micros();
  clock_us += (uint32_t)(now - last_micros);
  last_micros = now;
  const double due = (double)next_frame * kPeriodUs;
  if ((double)clock_us < due) return false;
  if ((double)clock_us > due + kPeriodUs) late_frames++;  // DSP + inference took longer than a sample period
  next_frame++;
  float ch[6];
  if (!imu_read(ch)) return false;
  for (int a = 0; a < impulse::kAxisCount; a++) values[a] = ch[kImuChannel[a]] * kImuFactor[a];
  return true;
}
#endif  // TML_INPUT_CSV

static void halt(const char* why) {
  Serial.println(why);
  while (true) delay(1000);
}

static void classify() {
  unsigned long t0 = micros();
  int n = impulse::extract_features(window_buf, impulse::kWindowSamples, features, impulse::kFeatureCount);
  unsigned long t1 = micros();
  if (n != impulse::kInputSize) {
    Serial.println("Feature count does not match the model input.");
    return;
  }
  for (int i = 0; i < n; i++) input->data.int8[i] = impulse::quantize_input(i, features[i]);
  if (interpreter->Invoke() != kTfLiteOk) {
    Serial.println("Invoke() failed.");
    return;
  }
  unsigned long t2 = micros();
  int best = 0;
  for (int i = 0; i < impulse::kOutputSize; i++) {
    if (output->data.int8[i] > output->data.int8[best]) best = i;
    Serial.print(i < impulse::kLabelCount ? impulse::labels[i] : "?");
    Serial.print(": ");
    Serial.print(impulse::dequantize_output(output->data.int8[i]), 3);
    Serial.print(i + 1 < impulse::kOutputSize ? ", " : "");
  }
  Serial.print("  -> ");
  Serial.print(best < impulse::kLabelCount ? impulse::labels[best] : "?");
  Serial.print("  (dsp ");
  Serial.print((t1 - t0) / 1000.0f, 1);
  Serial.print(" ms, inference ");
  Serial.print((t2 - t1) / 1000.0f, 1);
  Serial.print(" ms");
#if !defined(TML_INPUT_CSV)
  if (late_frames) {
    Serial.print(", ");
    Serial.print(late_frames);
    Serial.print(" late readings");
  }
#endif
  Serial.println(")");
}

void setup() {
  Serial.begin(115200);
  while (!Serial && millis() < 3000) {
  }
${interpreterSetupCpp(opts.builtinCodes)}#if defined(TML_INPUT_CSV)
  Serial.println(${cString(`Send one CSV line per sample (${opts.axes.join(', ')}) at the impulse's rate.`)});
#else
  if (!imu_begin()) {
#if defined(TML_IMU_WIRE) && !defined(ARDUINO_Seeed_XIAO_nRF52840_Sense)
    halt("No IMU found on Wire: connect an MPU6050 (0x68/0x69) or LSM6DS3 (0x6A/0x6B) to SDA/SCL and 3.3 V, or #define TML_INPUT_CSV.");
#elif defined(ARDUINO_ARDUINO_NANO33BLE)
    halt("IMU not found: on a Nano 33 BLE Sense Rev1 set TML_NANO33_BLE_SENSE_REV to 1, on a Rev2 to 2.");
#else
    halt("IMU not found: " TML_IMU_NAME ".");
#endif
  }
  Serial.print("IMU: ");
  Serial.println(TML_IMU_NAME);
  if (impulse::kFrequencyHz > TML_IMU_ODR_HZ) Serial.println("Note: the IMU updates more slowly than the impulse samples; some readings repeat.");
  last_micros = micros();
#endif
}

void loop() {
  float frame[impulse::kAxisCount];
  if (!read_frame(frame)) return;
  const int slot = (int)(frames % impulse::kWindowSamples);
  for (int a = 0; a < impulse::kAxisCount; a++) ring[slot * impulse::kAxisCount + a] = frame[a];
  frames++;
  if (!window_clock.push()) return;
  // The window is the last kWindowSamples frames, oldest first.
  const int oldest = (int)(frames % impulse::kWindowSamples);
  for (int i = 0; i < impulse::kWindowSamples; i++) {
    const int src = (oldest + i) % impulse::kWindowSamples;
    for (int a = 0; a < impulse::kAxisCount; a++) window_buf[i * impulse::kAxisCount + a] = ring[src * impulse::kAxisCount + a];
  }
  classify();
}
`;
}
