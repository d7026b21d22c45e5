// Consistent Overhead Byte Stuffing (no 0x00 in the output; the caller adds the 0x00 delimiter).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace tml {
inline size_t cobs_max_encoded(size_t n) { return n + (n + 253) / 254 + 1; }
// Encodes n bytes into out (room for cobs_max_encoded(n)); returns the encoded length.
size_t cobs_encode(const uint8_t* src, size_t n, uint8_t* out);
// Decodes one block; returns the decoded length or -1 if malformed or out_cap is too small.
long cobs_decode(const uint8_t* src, size_t n, uint8_t* out, size_t out_cap);
}  // namespace tml
