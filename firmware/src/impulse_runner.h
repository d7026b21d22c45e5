// The impulse's on-device pipeline up to the model input: picks the impulse's axes (by name) out of
// the sensor frames, runs the impulse's DSP with the kernels of dsp_generated.h (generated from the
// same source as the studio's Arduino export), standardises the features ((x - mean) / std from the
// descriptor, float32) and quantizes them into the int8 input tensor.
// The TFLM hook runs it before Invoke(); the host build runs it to compare with the TypeScript DSP.
#pragma once
#include <stdint.h>

#include "device_core.h"
#include "flash.h"
#include "impulse_descriptor.h"

namespace tml {
class ImpulseRunner {
 public:
  ImpulseRunner() {}
  ~ImpulseRunner() { release(); }
  ImpulseRunner(const ImpulseRunner&) = delete;
  ImpulseRunner& operator=(const ImpulseRunner&) = delete;

  // Reads the descriptor from the slot payload (SLOT_DATA_OFFSET, payloadLength bytes, CRC already
  // verified) and prepares scratch memory. Returns nullptr on success, else a short reason.
  const char* load(Flash& f, uint32_t payloadLength, const SensorDesc& sensor);
  // For a payload without descriptor: the raw block over all sensor axes (firmware 0.1 behaviour).
  const char* loadRaw(const SensorDesc& sensor, uint16_t windowFrames, uint16_t strideFrames, uint16_t featureCount);
  void release();

  bool loaded() const { return loaded_; }
  bool hasDescriptor() const { return hasDescriptor_; }
  const ImpulseDescriptor& desc() const { return d_; }
  const SlotPayload& payload() const { return p_; }

  // window: desc().windowFrames frames of sensorAxes values, oldest first. Writes the features;
  // returns how many, or -1 (wrong axis count, out too small).
  int features(const float* window, uint8_t sensorAxes, float* out, int outLen);
  // In place: x[i] = (x[i] - mean[i % N]) / std[i % N] with the descriptor's N entries (none: unchanged).
  void standardize(float* x, int n) const;
  bool standardizes() const { return normCount_ > 0; }
  // int8 input tensor: round half away from zero of (x / scale) + zero point, clamped to int8.
  static void quantize(const float* x, int n, float scale, int32_t zeroPoint, int8_t* out);

 private:
  const char* prepare(uint8_t sensorAxes);

  ImpulseDescriptor d_;
  SlotPayload p_ = {0, 0, 0};
  bool loaded_ = false, hasDescriptor_ = false;
  uint8_t sensorAxes_ = 0;
  uint8_t axisMap_[DESC_MAX_AXES];
  float* sel_ = nullptr;  // window with the impulse's axes only
  float* xf_ = nullptr;
  double* xd_ = nullptr;
  double* re_ = nullptr;
  double* im_ = nullptr;
  double* power_ = nullptr;
  float* mean_ = nullptr;  // normCount_ standardisation entries each
  float* std_ = nullptr;
  uint16_t normCount_ = 0;
};
}  // namespace tml
