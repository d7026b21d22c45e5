#include "crc32.h"

namespace tml {
namespace {
struct Table {
  uint32_t t[256];
  Table() {
    for (uint32_t n = 0; n < 256; n++) {
      uint32_t c = n;
      for (int k = 0; k < 8; k++) c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
      t[n] = c;
    }
  }
};
const Table& table() {
  static Table tbl;
  return tbl;
}
}  // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t n) {
  const uint32_t* t = table().t;
  uint32_t c = crc ^ 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) c = t[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}
}  // namespace tml
