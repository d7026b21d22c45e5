// CRC-32/IEEE (reflected 0xEDB88320, init and final XOR 0xFFFFFFFF) for frames and models.
// Part of the portable TinyML runtime protocol core (no Arduino dependency).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace tml {
// Continue a CRC: pass the previous result (0 to start).
uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t n);
inline uint32_t crc32(const uint8_t* data, size_t n) { return crc32_update(0, data, n); }
}  // namespace tml
