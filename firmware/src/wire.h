// Little-endian payload writer/reader with bounds checks (no heap).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace tml {
class Writer {
 public:
  Writer(uint8_t* buf, size_t cap) : b_(buf), cap_(cap) {}
  Writer& u8(uint8_t v) { if (room(1)) b_[n_++] = v; return *this; }
  Writer& u16(uint16_t v) { if (room(2)) { b_[n_++] = (uint8_t)v; b_[n_++] = (uint8_t)(v >> 8); } return *this; }
  Writer& u32(uint32_t v) {
    if (room(4)) for (int i = 0; i < 4; i++) b_[n_++] = (uint8_t)(v >> (8 * i));
    return *this;
  }
  Writer& i16(int16_t v) { return u16((uint16_t)v); }
  Writer& f32(float v) { uint32_t u; memcpy(&u, &v, 4); return u32(u); }
  Writer& bytes(const uint8_t* p, size_t n) { if (room(n)) { memcpy(b_ + n_, p, n); n_ += n; } return *this; }
  // u8 length + UTF-8 bytes, cut to 255.
  Writer& str(const char* s) {
    size_t n = strlen(s);
    if (n > 255) n = 255;
    u8((uint8_t)n);
    return bytes((const uint8_t*)s, n);
  }
  size_t size() const { return n_; }
  bool ok() const { return ok_; }

 private:
  bool room(size_t n) { if (n_ + n > cap_) { ok_ = false; return false; } return true; }
  uint8_t* b_;
  size_t cap_, n_ = 0;
  bool ok_ = true;
};

inline uint32_t get_u32(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
inline uint16_t get_u16(const uint8_t* p) { return (uint16_t)(p[0] | (p[1] << 8)); }
inline void put_u32(uint8_t* p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
inline void put_u16(uint8_t* p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
}  // namespace tml
