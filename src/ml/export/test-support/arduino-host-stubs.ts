/**
 * Test support: minimal Arduino, Wire, IMU-library and TensorFlow Lite Micro headers for compiling
 * the exported Arduino library and its example sketch with the host's g++, and a driver that runs the
 * sketch on the host. Only the declarations the sketch uses; behaviour only where a test observes it:
 *
 * - time: `micros()` advances a fake clock by HOST_US_PER_CALL (default 50 µs) per call;
 * - Serial: `read()`/`available()` read stdin (CSV mode), prints go to stdout; end of stdin ends the run;
 * - Wire: an MPU6050 at 0x68 (WHO_AM_I 0x75 = 0x68) whose 14 data bytes at 0x3B come from stdin, one
 *   line of six int16 values (ax ay az gx gy gz) per burst read; or (HOST_IMU_LSM6DS3_WIRE1) an
 *   LSM6DS3TR-C at 0x6A on Wire1, silent until its power pin goes high, data at 0x22 (gyro, then
 *   accelerometer, little-endian); it prints `R <µs>` at every read; end of stdin ends the run;
 * - TFLM: `Invoke()` prints `Q` and the int8 input tensor (HOST_INPUT_SIZE values), outputs zeros,
 *   and takes HOST_INVOKE_US (default 0) of fake time.
 *
 * Not part of the app: imported by tests only.
 */

const ARDUINO_H = `#pragma once
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define HIGH 1
#define LOW 0
#define INPUT 0
#define OUTPUT 1
unsigned long micros();
unsigned long millis();
void delay(unsigned long ms);
void pinMode(int pin, int mode);
void digitalWrite(int pin, int value);
class HostSerial {
 public:
  void begin(unsigned long) {}
  explicit operator bool() const { return true; }
  int available();
  int read();
  size_t print(const char* s);
  size_t print(char c);
  size_t print(int v);
  size_t print(unsigned int v);
  size_t print(long v);
  size_t print(unsigned long v);
  size_t print(double v, int digits = 2);
  size_t println(const char* s);
  size_t println();
};
extern HostSerial Serial;
`;

const WIRE_H = `#pragma once
#include <Arduino.h>
class TwoWire {
 public:
  void begin();
  void setClock(uint32_t hz);
  void beginTransmission(uint8_t addr);
  size_t write(uint8_t b);
  uint8_t endTransmission(bool stop = true);
  uint8_t requestFrom(uint8_t addr, uint8_t n);
  int available();
  int read();
};
extern TwoWire Wire;
extern TwoWire Wire1;
`;

const ARDUINO_IMU_H = `#pragma once
#ifndef HOST_LIBRARY_IMU
#define HOST_LIBRARY_IMU 1
#endif
#include <Arduino.h>
class HostLibraryImu {
 public:
  int begin();
  int accelerationAvailable();
  int readAcceleration(float& x, float& y, float& z);
  int gyroscopeAvailable();
  int readGyroscope(float& x, float& y, float& z);
};
extern HostLibraryImu IMU;
`;

const LSM6DS3_H = `#pragma once
#ifndef HOST_SEEED_IMU
#define HOST_SEEED_IMU 1
#endif
#include <Arduino.h>
#define I2C_MODE 1
#define SPI_MODE 0
typedef enum { IMU_SUCCESS, IMU_HW_ERROR } status_t;
class LSM6DS3 {
 public:
  LSM6DS3(uint8_t busType = I2C_MODE, uint8_t inputArg = 0x6B);
  status_t begin();
  float readFloatAccelX();
  float readFloatAccelY();
  float readFloatAccelZ();
  float readFloatGyroX();
  float readFloatGyroY();
  float readFloatGyroZ();
};
`;

const SCHEMA_H = `#pragma once
#include <stdint.h>
#define TFLITE_SCHEMA_VERSION (3)
namespace tflite {
struct Model {
  uint32_t version() const { return TFLITE_SCHEMA_VERSION; }
};
inline const Model* GetModel(const void* buf) { return reinterpret_cast<const Model*>(buf); }
}  // namespace tflite
`;

const RESOLVER_H = `#pragma once
typedef enum { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;
namespace tflite {
template <unsigned int N>
class MicroMutableOpResolver {
 public:
  TfLiteStatus AddFullyConnected() { return kTfLiteOk; }
  TfLiteStatus AddConv2D() { return kTfLiteOk; }
  TfLiteStatus AddDepthwiseConv2D() { return kTfLiteOk; }
  TfLiteStatus AddMaxPool2D() { return kTfLiteOk; }
  TfLiteStatus AddAveragePool2D() { return kTfLiteOk; }
  TfLiteStatus AddReshape() { return kTfLiteOk; }
  TfLiteStatus AddSoftmax() { return kTfLiteOk; }
  TfLiteStatus AddMean() { return kTfLiteOk; }
  TfLiteStatus AddAdd() { return kTfLiteOk; }
  TfLiteStatus AddQuantize() { return kTfLiteOk; }
  TfLiteStatus AddDequantize() { return kTfLiteOk; }
};
}  // namespace tflite
`;

const INTERPRETER_H = `#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"
#ifndef HOST_INPUT_SIZE
#define HOST_INPUT_SIZE 1
#endif
#ifndef HOST_OUTPUT_SIZE
#define HOST_OUTPUT_SIZE 1
#endif
void host_invoke_hook();  // defined by the host driver (time an inference takes)
typedef union { int8_t* int8; float* f; } TfLitePtrUnion;
typedef struct { TfLitePtrUnion data; } TfLiteTensor;
namespace tflite {
class MicroInterpreter {
 public:
  template <class Resolver>
  MicroInterpreter(const Model*, Resolver&, uint8_t*, size_t) {
    in_.data.int8 = in_buf_;
    out_.data.int8 = out_buf_;
  }
  TfLiteStatus AllocateTensors() { return kTfLiteOk; }
  TfLiteTensor* input(size_t) { return &in_; }
  TfLiteTensor* output(size_t) { return &out_; }
  size_t arena_used_bytes() const { return 0; }
  TfLiteStatus Invoke() {
    printf("Q");
    for (int i = 0; i < HOST_INPUT_SIZE; i++) printf(" %d", in_buf_[i]);
    printf("\\n");
    for (int i = 0; i < HOST_OUTPUT_SIZE; i++) out_buf_[i] = -128;
    host_invoke_hook();
    return kTfLiteOk;
  }

 private:
  int8_t in_buf_[HOST_INPUT_SIZE] = {0};
  int8_t out_buf_[HOST_OUTPUT_SIZE] = {0};
  TfLiteTensor in_, out_;
};
}  // namespace tflite
`;

/** Header files by path (relative to an include directory). */
export const ARDUINO_HOST_HEADERS: Record<string, string> = {
  'Arduino.h': ARDUINO_H,
  'Wire.h': WIRE_H,
  'Arduino_LSM9DS1.h': ARDUINO_IMU_H,
  'Arduino_BMI270_BMM150.h': ARDUINO_IMU_H,
  'LSM6DS3.h': LSM6DS3_H,
  'TensorFlowLite.h': '#pragma once\n',
  'tensorflow/lite/schema/schema_generated.h': SCHEMA_H,
  'tensorflow/lite/micro/micro_mutable_op_resolver.h': RESOLVER_H,
  'tensorflow/lite/micro/micro_interpreter.h': INTERPRETER_H,
};

/** The host driver: definitions of the stubs, the sketch (`sketch.cpp`, the .ino with `#include <Arduino.h>` first), and main(). */
export const ARDUINO_HOST_MAIN = `#include <Arduino.h>
#include <Wire.h>
#ifndef HOST_US_PER_CALL
#define HOST_US_PER_CALL 50
#endif
static uint64_t host_now_us = 0;
unsigned long micros() { host_now_us += HOST_US_PER_CALL; return (unsigned long)(uint32_t)host_now_us; }
unsigned long millis() { return micros() / 1000; }
void delay(unsigned long ms) {
  host_now_us += (uint64_t)ms * 1000;
  if (host_now_us > 1000000000000ull) { fflush(stdout); exit(5); }
}
#ifndef HOST_INVOKE_US
#define HOST_INVOKE_US 0
#endif
void host_invoke_hook() { host_now_us += HOST_INVOKE_US; }
void pinMode(int, int) {}
#ifndef HOST_IMU_POWER_PIN
#define HOST_IMU_POWER_PIN -1
#endif
static bool imu_powered_flag = false;
void digitalWrite(int pin, int value) {
  if (pin == HOST_IMU_POWER_PIN && value == HIGH) imu_powered_flag = true;
}

HostSerial Serial;
static int host_peek = -2;
int HostSerial::available() {
  if (host_peek == -2) host_peek = getchar();
  if (host_peek == EOF) { fflush(stdout); exit(0); }
  return 1;
}
int HostSerial::read() {
  available();
  int c = host_peek;
  host_peek = -2;
  return c;
}
size_t HostSerial::print(const char* s) { return (size_t)printf("%s", s); }
size_t HostSerial::print(char c) { return (size_t)printf("%c", c); }
size_t HostSerial::print(int v) { return (size_t)printf("%d", v); }
size_t HostSerial::print(unsigned int v) { return (size_t)printf("%u", v); }
size_t HostSerial::print(long v) { return (size_t)printf("%ld", v); }
size_t HostSerial::print(unsigned long v) { return (size_t)printf("%lu", v); }
size_t HostSerial::print(double v, int digits) { return (size_t)printf("%.*f", digits, v); }
size_t HostSerial::println(const char* s) { return (size_t)printf("%s\\n", s); }
size_t HostSerial::println() { return (size_t)printf("\\n"); }

// The IMU, its samples from stdin ("ax ay az gx gy gz" int16 per line): an MPU6050 at 0x68 on Wire,
// or with HOST_IMU_LSM6DS3_WIRE1 an LSM6DS3TR-C at 0x6A on Wire1 that answers only once its power
// pin (HOST_IMU_POWER_PIN) is driven high.
#ifdef HOST_IMU_LSM6DS3_WIRE1
#define HOST_IMU_BUS Wire1
#define HOST_IMU_ADDR 0x6A
#else
#define HOST_IMU_BUS Wire
#define HOST_IMU_ADDR 0x68
#endif
TwoWire Wire, Wire1;
static uint8_t wire_addr = 0, wire_reg = 0, wire_buf[16];
static int wire_len = 0, wire_pos = 0;
void TwoWire::begin() {}
void TwoWire::setClock(uint32_t) {}
void TwoWire::beginTransmission(uint8_t addr) { wire_addr = addr; wire_len = -1; }
size_t TwoWire::write(uint8_t b) {
  if (wire_len == -1) { wire_reg = b; wire_len = 0; }
  return 1;
}
static bool imu_here(const TwoWire* bus, uint8_t addr) {
#ifdef HOST_IMU_LSM6DS3_WIRE1
  if (!imu_powered_flag) return false;
#endif
  return bus == &HOST_IMU_BUS && addr == HOST_IMU_ADDR;
}
uint8_t TwoWire::endTransmission(bool) { return imu_here(this, wire_addr) ? 0 : 2; }
static void put16(uint8_t* p, int v, bool big) {
  p[big ? 0 : 1] = (uint8_t)((v >> 8) & 0xFF);
  p[big ? 1 : 0] = (uint8_t)(v & 0xFF);
}
uint8_t TwoWire::requestFrom(uint8_t addr, uint8_t n) {
  if (!imu_here(this, addr)) return 0;
  wire_pos = 0;
  wire_len = n;
  memset(wire_buf, 0, sizeof wire_buf);
#ifdef HOST_IMU_LSM6DS3_WIRE1
  const bool data = wire_reg == 0x22 && n == 12;
  if (wire_reg == 0x0F) wire_buf[0] = 0x6A;
#else
  const bool data = wire_reg == 0x3B && n == 14;
  if (wire_reg == 0x75) wire_buf[0] = 0x68;
#endif
  if (data) {
    int v[6];
    if (scanf("%d %d %d %d %d %d", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) { fflush(stdout); exit(0); }
    printf("R %llu\\n", (unsigned long long)host_now_us);
#ifdef HOST_IMU_LSM6DS3_WIRE1
    for (int i = 0; i < 3; i++) { put16(wire_buf + 2 * i, v[3 + i], false); put16(wire_buf + 6 + 2 * i, v[i], false); }
#else
    for (int i = 0; i < 3; i++) { put16(wire_buf + 2 * i, v[i], true); put16(wire_buf + 8 + 2 * i, v[3 + i], true); }
#endif
  }
  return n;
}
int TwoWire::available() { return wire_len - wire_pos; }
int TwoWire::read() { return wire_pos < wire_len ? wire_buf[wire_pos++] : -1; }

#include "sketch.cpp"

// Library-driven IMUs (HOST_LIBRARY_IMU: the Arduino_LSM9DS1 / Arduino_BMI270_BMM150 API; HOST_SEEED_IMU:
// Seeed's LSM6DS3 class, which answers only once HOST_IMU_POWER_PIN went high): one stdin line
// "ax ay az gx gy gz" (g, deg/s) per reading, "R <µs>" printed at each.
#if defined(HOST_LIBRARY_IMU) || defined(HOST_SEEED_IMU)
static float lib_frame[6];
static void lib_next() {
  if (scanf("%f %f %f %f %f %f", &lib_frame[0], &lib_frame[1], &lib_frame[2], &lib_frame[3], &lib_frame[4], &lib_frame[5]) != 6) { fflush(stdout); exit(0); }
  printf("R %llu\\n", (unsigned long long)host_now_us);
}
#endif
#ifdef HOST_LIBRARY_IMU
HostLibraryImu IMU;
int HostLibraryImu::begin() { return 1; }
int HostLibraryImu::accelerationAvailable() { return 1; }
int HostLibraryImu::readAcceleration(float& x, float& y, float& z) { lib_next(); x = lib_frame[0]; y = lib_frame[1]; z = lib_frame[2]; return 1; }
int HostLibraryImu::gyroscopeAvailable() { return 1; }
int HostLibraryImu::readGyroscope(float& x, float& y, float& z) { x = lib_frame[3]; y = lib_frame[4]; z = lib_frame[5]; return 1; }
#endif
#ifdef HOST_SEEED_IMU
LSM6DS3::LSM6DS3(uint8_t, uint8_t) {}
status_t LSM6DS3::begin() { return imu_powered_flag ? IMU_SUCCESS : IMU_HW_ERROR; }
float LSM6DS3::readFloatAccelX() { lib_next(); return lib_frame[0]; }
float LSM6DS3::readFloatAccelY() { return lib_frame[1]; }
float LSM6DS3::readFloatAccelZ() { return lib_frame[2]; }
float LSM6DS3::readFloatGyroX() { return lib_frame[3]; }
float LSM6DS3::readFloatGyroY() { return lib_frame[4]; }
float LSM6DS3::readFloatGyroZ() { return lib_frame[5]; }
#endif

int main() {
  setup();
  for (;;) loop();
}
`;
