#include "frame.h"

#include <string.h>

#include "crc32.h"

namespace tml {
size_t encode_frame(uint8_t type, uint8_t seq, const uint8_t* payload, uint16_t len, uint8_t* out) {
  if (len > MAX_PAYLOAD) return 0;
  static uint8_t raw[MAX_RAW_FRAME];
  raw[0] = type;
  raw[1] = seq;
  raw[2] = (uint8_t)(len & 0xFF);
  raw[3] = (uint8_t)(len >> 8);
  if (len) memcpy(raw + FRAME_HEADER_SIZE, payload, len);
  size_t p = FRAME_HEADER_SIZE + len;
  uint32_t c = crc32(raw, p);
  raw[p] = (uint8_t)c;
  raw[p + 1] = (uint8_t)(c >> 8);
  raw[p + 2] = (uint8_t)(c >> 16);
  raw[p + 3] = (uint8_t)(c >> 24);
  size_t n = cobs_encode(raw, p + FRAME_CRC_SIZE, out);
  out[n] = 0;
  return n + 1;
}

bool FrameDecoder::push(uint8_t b, Frame& f) {
  if (b != 0) {
    if (overflow_) return false;
    if (len_ < sizeof(buf_)) {
      buf_[len_++] = b;
    } else {
      overflow_ = true;
      len_ = 0;
    }
    return false;
  }
  if (overflow_) {
    overflow_ = false;
    errors++;
    return false;
  }
  if (len_ == 0) return false;
  long n = cobs_decode(buf_, len_, raw_, sizeof(raw_));
  len_ = 0;
  if (n < 0) {
    errors++;
    return false;
  }
  if ((size_t)n < FRAME_HEADER_SIZE + FRAME_CRC_SIZE) {
    errors++;
    return false;
  }
  uint16_t plen = (uint16_t)(raw_[2] | (raw_[3] << 8));
  if (plen > MAX_PAYLOAD || (size_t)plen != (size_t)n - FRAME_HEADER_SIZE - FRAME_CRC_SIZE) {
    errors++;
    return false;
  }
  size_t p = FRAME_HEADER_SIZE + plen;
  uint32_t got = (uint32_t)raw_[p] | ((uint32_t)raw_[p + 1] << 8) | ((uint32_t)raw_[p + 2] << 16) |
                 ((uint32_t)raw_[p + 3] << 24);
  if (got != crc32(raw_, p)) {
    errors++;
    crc_errors++;
    return false;
  }
  frames++;
  f.type = raw_[0];
  f.seq = raw_[1];
  f.len = plen;
  f.payload = raw_ + FRAME_HEADER_SIZE;
  return true;
}
}  // namespace tml
