#include "cobs.h"

namespace tml {
size_t cobs_encode(const uint8_t* src, size_t n, uint8_t* out) {
  size_t code_pos = 0, w = 1;
  uint8_t code = 1;
  for (size_t i = 0; i < n; i++) {
    uint8_t b = src[i];
    if (b == 0) {
      out[code_pos] = code;
      code_pos = w++;
      code = 1;
    } else {
      out[w++] = b;
      code++;
      if (code == 0xFF) {
        out[code_pos] = code;
        code_pos = w++;
        code = 1;
      }
    }
  }
  out[code_pos] = code;
  return w;
}

long cobs_decode(const uint8_t* src, size_t n, uint8_t* out, size_t out_cap) {
  size_t r = 0, w = 0;
  while (r < n) {
    uint8_t code = src[r++];
    if (code == 0) return -1;
    size_t stop = r + code - 1;
    if (stop > n) return -1;
    if (w + (size_t)(code - 1) > out_cap) return -1;
    for (; r < stop; r++) {
      if (src[r] == 0) return -1;
      out[w++] = src[r];
    }
    if (code != 0xFF && r < n) {
      if (w >= out_cap) return -1;
      out[w++] = 0;
    }
  }
  return (long)w;
}
}  // namespace tml
