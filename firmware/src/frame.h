// Protocol frames: COBS(type u8, seq u8, len u16 LE, payload, crc32 LE) + 0x00, and an incremental
// decoder that resynchronises at every 0x00 and drops over-long blocks without buffering them.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "cobs.h"
#include "protocol_ids.h"

namespace tml {
static const size_t MAX_RAW_FRAME = FRAME_HEADER_SIZE + MAX_PAYLOAD + FRAME_CRC_SIZE;
static const size_t MAX_ENCODED_FRAME = MAX_RAW_FRAME + (MAX_RAW_FRAME + 253) / 254 + 1;

// Writes the frame with its delimiter into out (room for MAX_ENCODED_FRAME + 1); returns its length,
// 0 if len > MAX_PAYLOAD.
size_t encode_frame(uint8_t type, uint8_t seq, const uint8_t* payload, uint16_t len, uint8_t* out);

struct Frame {
  uint8_t type;
  uint8_t seq;
  uint16_t len;
  const uint8_t* payload;  // valid until the next push()
};

class FrameDecoder {
 public:
  // Feeds one byte; returns true when a complete valid frame is in f.
  bool push(uint8_t b, Frame& f);
  void reset() { len_ = 0; overflow_ = false; }
  uint32_t frames = 0, errors = 0, crc_errors = 0;

 private:
  uint8_t buf_[MAX_ENCODED_FRAME];
  uint8_t raw_[MAX_ENCODED_FRAME];
  size_t len_ = 0;
  bool overflow_ = false;
};
}  // namespace tml
