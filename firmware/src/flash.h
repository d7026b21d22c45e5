// The model slot's flash region, NOR semantics: erase sets 0xFF, program only clears bits.
// Addresses are relative to the slot start. Board glue implements it (nRF52 NVMC, RP2040 flash_range_*,
// ESP32 partition); the host build uses a file-backed memory.
#pragma once
#include <stdint.h>

namespace tml {
class Flash {
 public:
  virtual ~Flash() {}
  virtual uint32_t size() const = 0;
  virtual uint32_t sectorSize() const = 0;
  // Program granularity (<= 256): program() addresses and lengths are multiples of it.
  virtual uint32_t programUnit() const = 0;
  virtual bool read(uint32_t addr, uint8_t* buf, uint32_t n) = 0;
  virtual bool erase(uint32_t addr, uint32_t n) = 0;
  virtual bool program(uint32_t addr, const uint8_t* buf, uint32_t n) = 0;
  // Memory-mapped address of slot offset addr (XIP), or nullptr: TFLite Micro reads the model in place.
  virtual const uint8_t* mapped(uint32_t addr) { (void)addr; return nullptr; }
};
}  // namespace tml
