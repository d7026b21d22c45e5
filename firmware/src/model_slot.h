// Model slot layout (see PROTOCOL.md): header @0 (written last), pending record @32, progress words @64,
// model @SLOT_DATA_OFFSET. Header and pending record: magic, format version u16, size u16, length, crc32,
// arena size, sequence, reserved, record crc32.
#pragma once
#include <stdint.h>
#include "flash.h"
#include "protocol_ids.h"

namespace tml {
struct SlotRecord {
  uint32_t length = 0, crc32 = 0, arena = 0, sequence = 0;
};

void encode_slot_record(uint32_t magic, const SlotRecord& r, uint8_t out[SLOT_HEADER_SIZE]);
bool decode_slot_record(const uint8_t* b, uint32_t magic, SlotRecord& r);
uint32_t slot_capacity(uint32_t slot_size);
// CRC-32 over flash [addr, addr + n) read in small pieces.
bool flash_crc32(Flash& f, uint32_t addr, uint32_t n, uint32_t& crc);
}  // namespace tml
