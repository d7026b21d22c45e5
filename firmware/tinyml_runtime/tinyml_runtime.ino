// TinyML Studio runtime firmware: streams the board's IMU over the framed protocol, receives models
// into the flash model slot and runs them with TensorFlow Lite Micro. See firmware/README.md.
//
// Boards: Nano 33 BLE Sense Rev1/Rev2, Nano RP2040 Connect, Raspberry Pi Pico (+ MPU6050/LSM6DS3),
// XIAO nRF52840 Sense, ESP32 (+ MPU6050/LSM6DS3).
#include <tinyml_core.h>

#include "board_flash.h"
#include "board_imu.h"
#include "tflm_hook.h"

#ifndef TINYML_BAUD
#define TINYML_BAUD 115200
#endif

class SerialOutput : public tml::Output {
 public:
  void write(const uint8_t* d, size_t n) override { Serial.write(d, n); }
};

static SerialOutput out;
static tml::DeviceCore* core = nullptr;
static uint32_t lastMicros = 0;
static uint64_t clockUs = 0;

static void log_warning(const char* text) {
  if (core) core->log(tml::LOG_WARN, text);
}

void setup() {
  Serial.begin(TINYML_BAUD);
  tml::Sensor* imu = board_imu_begin();
  tml::Flash* flash = board_flash();
  tml::DeviceConfig cfg = {};
  cfg.board = board_name();
  cfg.firmwareVersion = "0.4.0";
  cfg.sensorCount = 0;
  if (imu) cfg.sensors[cfg.sensorCount++] = imu;
  cfg.flash = flash;
  cfg.arenaCapacity = tflm_arena_capacity();
  cfg.inference = tflm_hook(flash, imu ? &imu->desc() : nullptr, log_warning);
  cfg.out = &out;
  static tml::DeviceCore c(cfg);
  core = &c;
  core->begin();
  lastMicros = micros();
  if (!imu) core->log(tml::LOG_ERROR, "no IMU found");
  if (board_flash_problem()) core->log(tml::LOG_WARN, board_flash_problem());
}

void loop() {
  uint8_t buf[64];
  int n = Serial.available();
  while (n > 0) {
    int k = Serial.readBytes(buf, n > (int)sizeof(buf) ? sizeof(buf) : n);
    if (k <= 0) break;
    core->receive(buf, (size_t)k);
    n -= k;
  }
  uint32_t now = micros();
  clockUs += (uint32_t)(now - lastMicros);  // 64-bit clock from the wrapping 32-bit micros()
  lastMicros = now;
  core->tick(clockUs);
}
