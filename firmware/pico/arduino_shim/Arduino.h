// A thin Arduino API over the pico-sdk: just what the runtime sketch (tinyml_runtime.ino,
// board_imu.cpp, board_flash.cpp, tflm_hook.cpp) uses, so those files compile unchanged.
//   Serial  USB CDC (pico_stdio_usb's driver, binary: no CR/LF translation)
//   Wire    I2C0 at 400 kHz on SDA GP4 / SCL GP5 (internal pull-ups on; add 4.7 kΩ for long wires)
//   micros(), millis(), delay(), delayMicroseconds()
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pico/stdlib.h"

unsigned long micros();
unsigned long millis();
void delay(unsigned long ms);
void delayMicroseconds(unsigned int us);

class UsbSerial {
 public:
  void begin(unsigned long baud);
  size_t write(const uint8_t* data, size_t n);
  size_t write(uint8_t b) { return write(&b, 1); }
  int available();
  int read();
  size_t readBytes(uint8_t* buf, size_t n);
  size_t readBytes(char* buf, size_t n) { return readBytes((uint8_t*)buf, n); }
  explicit operator bool() const { return true; }

 private:
  int peeked_ = -1;
};
extern UsbSerial Serial;

#include "Wire.h"
