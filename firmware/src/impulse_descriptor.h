// Impulse descriptor (PROTOCOL.md "Impulse descriptor"): the impulse's windowing, DSP settings,
// quantization, labels and input standardisation, stored in the model slot after the model. Encoded by the studio in
// src/ml/export/impulse-descriptor.ts; this is the decoder. No heap.
#pragma once
#include <stdint.h>

#include "flash.h"
#include "protocol_ids.h"

namespace tml {
static const uint8_t DESC_MAX_AXES = 9;
static const uint8_t DESC_MAX_LABELS = 16;
static const uint8_t DESC_MAX_SOS = 8;
static const uint8_t DESC_NAME_BYTES = 31;
static const uint16_t DESC_MAX_NORM = 4096;  // standardisation entries
static const uint32_t DESC_MAX_BYTES = 2048 + 2 + 8u * DESC_MAX_NORM;

enum DspBlockId : uint8_t { DSP_RAW = 0, DSP_FLATTEN = 1, DSP_SPECTRAL = 2 };
enum FilterTypeId : uint8_t { FILTER_NONE = 0, FILTER_LOW = 1, FILTER_HIGH = 2 };

struct ImpulseDescriptor {
  uint8_t block;
  uint8_t axisCount;
  uint16_t windowFrames, strideFrames, featureCount;
  float sampleRateHz, scale;
  bool inputInt8;
  float inputScale, outputScale;
  int32_t inputZeroPoint, outputZeroPoint;
  uint8_t labelCount;
  uint8_t flattenStats;  // bit i: average, minimum, maximum, rms, stdev, skewness, kurtosis; bit 7: motion shape
  bool doLog, overlap;
  uint16_t fftLength, hop, binLo, binHi;
  uint8_t filterType, filterOrder, sosCount;
  float filterCutoff;
  float sos[DESC_MAX_SOS * 5];  // b0 b1 b2 a1 a2 per section
  char axes[DESC_MAX_AXES][DESC_NAME_BYTES + 1];
  char labels[DESC_MAX_LABELS][DESC_NAME_BYTES + 1];
  // Input standardisation: normCount f32 means then normCount f32 stds at byte normOffset of the
  // decoded buffer (0 entries: the model takes raw features). Feature i uses entry i % normCount.
  uint16_t normCount;
  uint32_t normOffset;
};

// Where the model and the descriptor sit inside the slot payload (offsets from SLOT_DATA_OFFSET).
struct SlotPayload {
  uint32_t modelLength;
  uint32_t descriptorOffset;  // 0 when the payload is a bare model
  uint32_t descriptorLength;
};

// Reads the payload trailer; a payload without a valid trailer is a bare model (returns false).
bool read_slot_payload(Flash& f, uint32_t payloadLength, SlotPayload& out);

// Decodes descriptor bytes; returns nullptr on success or a short reason.
const char* decode_impulse_descriptor(const uint8_t* b, uint32_t n, ImpulseDescriptor& d);
}  // namespace tml
