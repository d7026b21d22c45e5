#include "model_slot.h"

#include "crc32.h"
#include "wire.h"

namespace tml {
void encode_slot_record(uint32_t magic, const SlotRecord& r, uint8_t out[SLOT_HEADER_SIZE]) {
  put_u32(out + 0, magic);
  put_u16(out + 4, SLOT_FORMAT_VERSION);
  put_u16(out + 6, (uint16_t)SLOT_HEADER_SIZE);
  put_u32(out + 8, r.length);
  put_u32(out + 12, r.crc32);
  put_u32(out + 16, r.arena);
  put_u32(out + 20, r.sequence);
  put_u32(out + 24, 0);
  put_u32(out + 28, crc32(out, 28));
}

bool decode_slot_record(const uint8_t* b, uint32_t magic, SlotRecord& r) {
  if (get_u32(b) != magic) return false;
  if (get_u16(b + 4) != SLOT_FORMAT_VERSION || get_u16(b + 6) != SLOT_HEADER_SIZE) return false;
  if (get_u32(b + 28) != crc32(b, 28)) return false;
  r.length = get_u32(b + 8);
  r.crc32 = get_u32(b + 12);
  r.arena = get_u32(b + 16);
  r.sequence = get_u32(b + 20);
  return true;
}

uint32_t slot_capacity(uint32_t slot_size) {
  if (slot_size <= SLOT_DATA_OFFSET) return 0;
  uint32_t by_size = slot_size - SLOT_DATA_OFFSET;
  uint32_t by_progress = (SLOT_DATA_OFFSET - SLOT_PROGRESS_OFFSET) / 4 * SLOT_PROGRESS_BLOCK;
  return by_size < by_progress ? by_size : by_progress;
}

bool flash_crc32(Flash& f, uint32_t addr, uint32_t n, uint32_t& crc) {
  uint8_t buf[256];
  uint32_t c = 0;
  while (n) {
    uint32_t k = n < sizeof(buf) ? n : (uint32_t)sizeof(buf);
    if (!f.read(addr, buf, k)) return false;
    c = crc32_update(c, buf, k);
    addr += k;
    n -= k;
  }
  crc = c;
  return true;
}
}  // namespace tml
