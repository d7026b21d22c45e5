#include "board_flash.h"

#include <Arduino.h>
#include <string.h>

#include "board_slots.h"

namespace {
const char* g_problem = nullptr;

#if !defined(TINYML_SLOT_ADDRESS)
// Only boards without a flash slot: a RAM slot of 36 KB (lost at reset).
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
  alignas(16) uint8_t mem_[4096 + 32 * 1024];
};
#else
// A board whose flash slot cannot be used (the problem is logged at start): no slot at all, so
// MODEL_BEGIN is answered TOO_LARGE with capacity 0 instead of spending RAM on a fallback.
class NoFlash : public tml::Flash {
 public:
  uint32_t size() const override { return 0; }
  uint32_t sectorSize() const override { return 4096; }
  uint32_t programUnit() const override { return 4; }
  bool read(uint32_t, uint8_t*, uint32_t n) override { return n == 0; }
  bool erase(uint32_t, uint32_t n) override { return n == 0; }
  bool program(uint32_t, const uint8_t*, uint32_t n) override { return n == 0; }
};
#endif

tml::Flash* unusable_slot(const char* why) {
  g_problem = why;
#if !defined(TINYML_SLOT_ADDRESS)
  static RamFlash r;
#else
  static NoFlash r;
#endif
  return &r;
}
}  // namespace

const char* board_flash_problem() { return g_problem; }

#if !defined(TINYML_SLOT_ADDRESS)
tml::Flash* board_flash() { return unusable_slot("no flash slot for this board: models are kept in RAM (36 KB, lost at reset)"); }

#elif defined(ARDUINO_ARCH_MBED) && (defined(ARDUINO_ARDUINO_NANO33BLE) || defined(ARDUINO_SEEED_XIAO_NRF52840_SENSE))
#include <FlashIAP.h>
namespace {
// nRF52840 internal flash through mbed FlashIAP; the slot is memory-mapped.
class Nrf52Flash : public tml::Flash {
 public:
  static const uint32_t BASE = TINYML_SLOT_ADDRESS, SIZE = TINYML_SLOT_SIZE;
  Nrf52Flash() { iap_.init(); }
  uint32_t size() const override { return SIZE; }
  uint32_t sectorSize() const override { return TINYML_SLOT_SECTOR; }
  uint32_t programUnit() const override { return 4; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override { memcpy(b, (const void*)(uintptr_t)(BASE + a), n); return true; }
  bool erase(uint32_t a, uint32_t n) override { return iap_.erase(BASE + a, n) == 0; }
  bool program(uint32_t a, const uint8_t* b, uint32_t n) override { return iap_.program(b, BASE + a, n) == 0; }
  const uint8_t* mapped(uint32_t a) override { return (const uint8_t*)(uintptr_t)(BASE + a); }

 private:
  mbed::FlashIAP iap_;
};
}  // namespace
tml::Flash* board_flash() {
  static Nrf52Flash f;
  return &f;
}

#elif defined(ARDUINO_ARCH_RP2040) || defined(TARGET_RP2040) || defined(TINYML_PICO_SDK)
// arduino-pico (ARDUINO_ARCH_RP2040), Arduino mbed Nano RP2040 Connect (TARGET_RP2040), firmware/pico.
#include <hardware/flash.h>
#include <hardware/sync.h>
#if defined(TINYML_PICO_SDK)
// pico-sdk linker symbol: end of the image in flash.
extern "C" uint8_t __flash_binary_end[];
#elif !defined(ARDUINO_ARCH_MBED)
// arduino-pico's linker symbols: end of the sketch, LittleFS region, EEPROM sector.
extern "C" uint8_t __flash_binary_end[], _FS_start[], _FS_end[], _EEPROM_start[];
#endif
namespace {
// RP2040 / RP2350 QSPI flash; the slot is read through XIP.
class RpFlash : public tml::Flash {
 public:
  static const uint32_t OFFSET = TINYML_SLOT_ADDRESS - TINYML_FLASH_BASE, SIZE = TINYML_SLOT_SIZE;
  uint32_t size() const override { return SIZE; }
  uint32_t sectorSize() const override { return TINYML_SLOT_SECTOR; }
  uint32_t programUnit() const override { return 256; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override { memcpy(b, (const void*)(uintptr_t)(XIP_BASE + OFFSET + a), n); return true; }
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
  const uint8_t* mapped(uint32_t a) override { return (const uint8_t*)(uintptr_t)(XIP_BASE + OFFSET + a); }
};

// The slot must not overlap the sketch, the LittleFS region or the EEPROM sector of arduino-pico.
const char* rp_layout_problem() {
#if defined(TINYML_PICO_SDK)
  if ((uintptr_t)__flash_binary_end > TINYML_SLOT_ADDRESS) return "the firmware image reaches into the model slot: no model slot";
#elif !defined(ARDUINO_ARCH_MBED)
  const uintptr_t s = TINYML_SLOT_ADDRESS, e = s + TINYML_SLOT_SIZE;
  const uintptr_t fs0 = (uintptr_t)_FS_start, fs1 = (uintptr_t)_FS_end, ee = (uintptr_t)_EEPROM_start;
  if ((uintptr_t)__flash_binary_end > s) return "the sketch reaches into the model slot: no model slot";
  if (fs1 > fs0 && fs0 < e && s < fs1) return "the LittleFS region overlaps the model slot (choose Flash Size with no FS): no model slot";
  if (ee < e && s < ee + 4096) return "the EEPROM sector overlaps the model slot: no model slot";
#endif
  return nullptr;
}
}  // namespace
tml::Flash* board_flash() {
  static RpFlash f;
  const char* p = rp_layout_problem();
  if (p) return unusable_slot(p);
  return &f;
}

#elif defined(ARDUINO_ARCH_ESP32)
#include <esp_partition.h>
namespace {
// ESP32: the data partition at TINYML_SLOT_ADDRESS ("spiffs" in the default table); not mapped.
class EspFlash : public tml::Flash {
 public:
  EspFlash() {
    esp_partition_iterator_t it = esp_partition_find(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, nullptr);
    for (; it; it = esp_partition_next(it)) {
      const esp_partition_t* p = esp_partition_get(it);
      if (p->address == TINYML_SLOT_ADDRESS && p->size >= TINYML_SLOT_SIZE) { p_ = p; break; }
    }
    if (it) esp_partition_iterator_release(it);
  }
  bool ok() const { return p_ != nullptr; }
  uint32_t size() const override { return TINYML_SLOT_SIZE; }
  uint32_t sectorSize() const override { return TINYML_SLOT_SECTOR; }
  uint32_t programUnit() const override { return 4; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override { return esp_partition_read(p_, a, b, n) == ESP_OK; }
  bool erase(uint32_t a, uint32_t n) override { return esp_partition_erase_range(p_, a, n) == ESP_OK; }
  bool program(uint32_t a, const uint8_t* b, uint32_t n) override { return esp_partition_write(p_, a, b, n) == ESP_OK; }

 private:
  const esp_partition_t* p_ = nullptr;
};
}  // namespace
tml::Flash* board_flash() {
  static EspFlash f;
  if (f.ok()) return &f;
  return unusable_slot("no data partition at the model slot address (use the default partition table): no model slot");
}

#else
tml::Flash* board_flash() { return unusable_slot("no flash driver for this board: no model slot"); }
#endif
