#include "impulse_descriptor.h"

#include <math.h>
#include <string.h>

#include "crc32.h"
#include "wire.h"

namespace tml {
static float get_f32(const uint8_t* p) {
  uint32_t u = get_u32(p);
  float f;
  memcpy(&f, &u, 4);
  return f;
}

bool read_slot_payload(Flash& f, uint32_t len, SlotPayload& out) {
  out.modelLength = len;
  out.descriptorOffset = out.descriptorLength = 0;
  if (len <= SLOT_TRAILER_SIZE) return false;
  uint8_t t[SLOT_TRAILER_SIZE];
  if (!f.read(SLOT_DATA_OFFSET + len - SLOT_TRAILER_SIZE, t, SLOT_TRAILER_SIZE)) return false;
  uint32_t model = get_u32(t), off = get_u32(t + 4), dlen = get_u32(t + 8);
  uint32_t trailerAt = len - SLOT_TRAILER_SIZE;
  if (get_u32(t + 12) != SLOT_TRAILER_MAGIC || model == 0 || dlen == 0) return false;
  if (off != (model + SLOT_PAYLOAD_ALIGN - 1) / SLOT_PAYLOAD_ALIGN * SLOT_PAYLOAD_ALIGN) return false;
  if ((uint64_t)off + dlen > trailerAt || (off + dlen + 3) / 4 * 4 != trailerAt) return false;
  out.modelLength = model;
  out.descriptorOffset = off;
  out.descriptorLength = dlen;
  return true;
}

const char* decode_impulse_descriptor(const uint8_t* b, uint32_t n, ImpulseDescriptor& d) {
  memset(&d, 0, sizeof(d));
  if (n < DESCRIPTOR_HEADER_SIZE + 4u) return "descriptor too short";
  if (get_u32(b) != DESCRIPTOR_MAGIC) return "descriptor magic";
  if (get_u16(b + 4) != DESCRIPTOR_VERSION) return "descriptor version";
  if (get_u16(b + 6) != DESCRIPTOR_HEADER_SIZE) return "descriptor header size";
  uint32_t total = get_u32(b + 8);
  if (total > n || total < DESCRIPTOR_HEADER_SIZE + 4u) return "descriptor length";
  if (get_u32(b + total - 4) != crc32(b, total - 4)) return "descriptor crc";
  d.block = b[12];
  d.axisCount = b[13];
  d.windowFrames = get_u16(b + 14);
  d.strideFrames = get_u16(b + 16);
  d.featureCount = get_u16(b + 18);
  d.sampleRateHz = get_f32(b + 20);
  d.scale = get_f32(b + 24);
  d.inputScale = get_f32(b + 28);
  d.inputZeroPoint = (int32_t)get_u32(b + 32);
  d.outputScale = get_f32(b + 36);
  d.outputZeroPoint = (int32_t)get_u32(b + 40);
  d.inputInt8 = b[44] == 1;
  d.labelCount = b[45];
  d.flattenStats = b[46];
  d.doLog = (b[47] & 1) != 0;
  d.overlap = (b[47] & 2) != 0;
  d.fftLength = get_u16(b + 48);
  d.hop = get_u16(b + 50);
  d.binLo = get_u16(b + 52);
  d.binHi = get_u16(b + 54);
  d.filterType = b[56];
  d.filterOrder = b[57];
  d.sosCount = b[58];
  d.filterCutoff = get_f32(b + 60);
  if (d.block > DSP_SPECTRAL) return "unknown DSP block";
  if (d.axisCount < 1 || d.axisCount > DESC_MAX_AXES) return "axis count";
  if (d.labelCount > DESC_MAX_LABELS || d.sosCount > DESC_MAX_SOS) return "label or filter count";
  if (d.windowFrames < 1 || d.strideFrames < 1 || d.featureCount < 1) return "window or feature count";
  if (d.inputInt8 && !(d.inputScale > 0 && isfinite(d.inputScale))) return "input scale";
  if (d.inputZeroPoint < -128 || d.inputZeroPoint > 127) return "input zero point";
  if (d.outputZeroPoint < -128 || d.outputZeroPoint > 127) return "output zero point";
  if (!isfinite(d.outputScale) || d.outputScale < 0) return "output scale";
  if (!(d.sampleRateHz > 0 && d.sampleRateHz <= 1e6f)) return "sample rate";
  if (!isfinite(d.scale)) return "scale-axes";
  if (d.block == DSP_SPECTRAL) {
    uint16_t f = d.fftLength;
    if (f < 4 || f > 4096 || (f & (f - 1)) != 0) return "FFT length";
    if (d.hop < 1 || d.binLo < 1 || d.binHi < d.binLo || d.binHi > f / 2) return "FFT bins";
  }
  if (d.block == DSP_FLATTEN && (d.flattenStats & 0x7F) == 0) return "no flatten statistic";
  uint32_t o = DESCRIPTOR_HEADER_SIZE, end = total - 4;
  if (o + 20u * d.sosCount > end) return "filter sections cut off";
  for (uint32_t i = 0; i < 5u * d.sosCount; i++) d.sos[i] = get_f32(b + o + 4 * i);
  o += 20u * d.sosCount;
  for (uint32_t i = 0; i < (uint32_t)d.axisCount + d.labelCount; i++) {
    if (o >= end || o + 1u + b[o] > end) return "names cut off";
    uint8_t len = b[o];
    if (len > DESC_NAME_BYTES) return "name too long";
    char* dst = i < d.axisCount ? d.axes[i] : d.labels[i - d.axisCount];
    memcpy(dst, b + o + 1, len);
    dst[len] = 0;
    o += 1u + len;
  }
  if (o + 2u > end) return "standardisation cut off";
  d.normCount = get_u16(b + o);
  o += 2;
  if (o + 8u * d.normCount != end) return "standardisation length";
  if (d.normCount > DESC_MAX_NORM || (d.normCount > 0 && d.featureCount % d.normCount != 0)) return "standardisation count";
  d.normOffset = o;
  for (uint32_t i = 0; i < 2u * d.normCount; i++) {
    float v = get_f32(b + o + 4 * i);
    if (!isfinite(v) || (i >= d.normCount && !(v > 0))) return "standardisation value";
  }
  return nullptr;
}
}  // namespace tml
