#include "board_flash.h"

#include <Arduino.h>
#include <string.h>

namespace {
// Fallback when no flash driver exists for the architecture: a RAM slot (lost at reset).
class RamFlash : public tml::Flash {
 public:
  uint32_t size() const override { return sizeof(mem_); }
  uint32_t sectorSize() const override { return 4096; }
  uint32_t programUnit() const override { return 4; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override { if (a + n > sizeof(mem_)) return false; memcpy(b, mem_ + a, n); return true; }
  bool erase(uint32_t a, uint32_t n) override { if (a + n > sizeof(mem_)) return false; memset(mem_ + a, 0xFF, n); return true; }
  bool program(uint32_t a, const uint8_t* b, uint32_t n) override {
    if (a + n > sizeof(mem_)) return false;
    for (uint32_t i = 0; i < n; i++) mem_[a + i] &= b[i];
    return true;
  }
  const uint8_t* mapped(uint32_t a) override { return mem_ + a; }
  RamFlash() { memset(mem_, 0xFF, sizeof(mem_)); }

 private:
  uint8_t mem_[4096 + 32 * 1024];
};
}  // namespace

#if defined(ARDUINO_ARCH_MBED) && (defined(ARDUINO_ARDUINO_NANO33BLE) || defined(ARDUINO_SEEED_XIAO_NRF52840_SENSE))
#include <FlashIAP.h>
namespace {
// nRF52840 internal flash through mbed FlashIAP; the slot is memory-mapped.
class Nrf52Flash : public tml::Flash {
 public:
  static const uint32_t BASE = 0xC0000, SIZE = 0x30000;
  Nrf52Flash() { iap_.init(); }
  uint32_t size() const override { return SIZE; }
  uint32_t sectorSize() const override { return 4096; }
  uint32_t programUnit() const override { return 4; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override { memcpy(b, (const void*)(BASE + a), n); return true; }
  bool erase(uint32_t a, uint32_t n) override { return iap_.erase(BASE + a, n) == 0; }
  bool program(uint32_t a, const uint8_t* b, uint32_t n) override { return iap_.program(b, BASE + a, n) == 0; }
  const uint8_t* mapped(uint32_t a) override { return (const uint8_t*)(BASE + a); }

 private:
  mbed::FlashIAP iap_;
};
}  // namespace
tml::Flash* board_flash() {
  static Nrf52Flash f;
  return &f;
}

#elif defined(ARDUINO_ARCH_RP2040) || defined(ARDUINO_ARCH_MBED_RP2040)
#include <hardware/flash.h>
#include <hardware/sync.h>
namespace {
// RP2040 / RP2350 QSPI flash; the slot is read through XIP.
class RpFlash : public tml::Flash {
 public:
#if defined(ARDUINO_NANO_RP2040_CONNECT)
  static const uint32_t OFFSET = 0xE00000;
#elif defined(PICO_RP2350)
  static const uint32_t OFFSET = 0x3C0000;
#else
  static const uint32_t OFFSET = 0x1C0000;
#endif
  static const uint32_t SIZE = 0x40000;
  uint32_t size() const override { return SIZE; }
  uint32_t sectorSize() const override { return 4096; }
  uint32_t programUnit() const override { return 256; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override { memcpy(b, (const void*)(XIP_BASE + OFFSET + a), n); return true; }
  bool erase(uint32_t a, uint32_t n) override {
    uint32_t s = save_and_disable_interrupts();
    flash_range_erase(OFFSET + a, n);
    restore_interrupts(s);
    return true;
  }
  bool program(uint32_t a, const uint8_t* b, uint32_t n) override {
    uint32_t s = save_and_disable_interrupts();
    flash_range_program(OFFSET + a, b, n);
    restore_interrupts(s);
    return true;
  }
  const uint8_t* mapped(uint32_t a) override { return (const uint8_t*)(XIP_BASE + OFFSET + a); }
};
}  // namespace
tml::Flash* board_flash() {
  static RpFlash f;
  return &f;
}

#elif defined(ARDUINO_ARCH_ESP32)
#include <esp_partition.h>
namespace {
// ESP32: the "spiffs" data partition of the default partition table is the model slot (not mapped).
class EspFlash : public tml::Flash {
 public:
  EspFlash() { p_ = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_SPIFFS, nullptr); }
  bool ok() const { return p_ != nullptr; }
  uint32_t size() const override { return p_ ? (p_->size / 4096) * 4096 : 0; }
  uint32_t sectorSize() const override { return 4096; }
  uint32_t programUnit() const override { return 4; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override { return esp_partition_read(p_, a, b, n) == ESP_OK; }
  bool erase(uint32_t a, uint32_t n) override { return esp_partition_erase_range(p_, a, n) == ESP_OK; }
  bool program(uint32_t a, const uint8_t* b, uint32_t n) override { return esp_partition_write(p_, a, b, n) == ESP_OK; }

 private:
  const esp_partition_t* p_;
};
}  // namespace
tml::Flash* board_flash() {
  static EspFlash f;
  if (f.ok()) return &f;
  static RamFlash r;
  return &r;
}

#else
tml::Flash* board_flash() {
  static RamFlash r;
  return &r;
}
#endif
