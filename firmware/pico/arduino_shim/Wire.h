// Arduino TwoWire over pico-sdk hardware_i2c (see Arduino.h for the pins).
#pragma once
#include <stddef.h>
#include <stdint.h>

class TwoWire {
 public:
  TwoWire(int bus, unsigned sda, unsigned scl) : bus_(bus), sda_(sda), scl_(scl) {}
  void begin();
  void setClock(uint32_t hz) { clock_ = hz; }
  void beginTransmission(uint8_t addr);
  size_t write(uint8_t b);
  // 0 success, 2 address NACK, 4 other error (Arduino's codes). sendStop false: repeated start next.
  uint8_t endTransmission(bool sendStop = true);
  uint8_t requestFrom(uint8_t addr, uint8_t n, bool sendStop = true);
  int available() const { return (int)(rxLen_ - rxPos_); }
  int read() { return rxPos_ < rxLen_ ? rx_[rxPos_++] : -1; }

 private:
  int bus_;
  unsigned sda_, scl_;
  uint32_t clock_ = 400000;
  bool begun_ = false;
  uint8_t addr_ = 0;
  uint8_t tx_[32];
  size_t txLen_ = 0;
  bool txOverflow_ = false;
  bool pendingNoStop_ = false;
  uint8_t rx_[32];
  size_t rxLen_ = 0, rxPos_ = 0;
};
extern TwoWire Wire;
