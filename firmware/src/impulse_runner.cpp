#include "impulse_runner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp_generated.h"
#include "wire.h"

namespace tml {

void ImpulseRunner::release() {
  free(sel_);
  free(xf_);
  free(xd_);
  free(re_);
  free(im_);
  free(power_);
  free(mean_);
  free(std_);
  sel_ = xf_ = mean_ = std_ = nullptr;
  xd_ = re_ = im_ = power_ = nullptr;
  normCount_ = 0;
  loaded_ = hasDescriptor_ = false;
}

const char* ImpulseRunner::prepare(uint8_t sensorAxes) {
  const uint32_t W = d_.windowFrames, A = d_.axisCount;
  if ((uint32_t)W * sensorAxes > MAX_WINDOW_VALUES) return "window longer than the device ring";
  sensorAxes_ = sensorAxes;
  sel_ = (float*)malloc(sizeof(float) * W * A);
  if (!sel_) return "out of memory";
  if (d_.block == DSP_FLATTEN || d_.block == DSP_SPECTRAL) {
    xd_ = (double*)malloc(sizeof(double) * W);
    if (!xd_) return "out of memory";
  }
  if (d_.block == DSP_SPECTRAL) {
    const uint32_t F = d_.fftLength;
    xf_ = (float*)malloc(sizeof(float) * W);
    re_ = (double*)malloc(sizeof(double) * F);
    im_ = (double*)malloc(sizeof(double) * F);
    power_ = (double*)malloc(sizeof(double) * (F / 2 + 1));
    if (!xf_ || !re_ || !im_ || !power_) return "out of memory";
  }
  uint32_t expect = 0;
  if (d_.block == DSP_RAW) expect = W * A;
  if (d_.block == DSP_FLATTEN) expect = (uint32_t)impulse_flatten_count(A, d_.flattenStats);
  if (d_.block == DSP_SPECTRAL) expect = A * (5u + d_.binHi - d_.binLo + 1u);
  if (expect != d_.featureCount) return "feature count does not match the DSP settings";
  loaded_ = true;
  return nullptr;
}

const char* ImpulseRunner::load(Flash& f, uint32_t payloadLength, const SensorDesc& sensor) {
  release();
  if (!read_slot_payload(f, payloadLength, p_)) return "no impulse descriptor in the slot";
  if (p_.descriptorLength > DESC_MAX_BYTES) return "descriptor too large";
  // The descriptor is read into a temporary buffer; only the standardisation arrays are kept.
  uint8_t* buf = (uint8_t*)malloc(p_.descriptorLength);
  if (!buf) return "out of memory";
  const char* err = f.read(SLOT_DATA_OFFSET + p_.descriptorOffset, buf, p_.descriptorLength) ? decode_impulse_descriptor(buf, p_.descriptorLength, d_) : "flash read failed";
  if (!err && d_.normCount > 0) {
    mean_ = (float*)malloc(sizeof(float) * d_.normCount);
    std_ = (float*)malloc(sizeof(float) * d_.normCount);
    if (mean_ && std_) {
      for (uint32_t i = 0; i < 2u * d_.normCount; i++) {
        uint32_t u = get_u32(buf + d_.normOffset + 4 * i);  // little-endian f32
        memcpy(i < d_.normCount ? &mean_[i] : &std_[i - d_.normCount], &u, 4);
      }
      normCount_ = d_.normCount;
    } else {
      err = "out of memory";
    }
  }
  free(buf);
  if (err) {
    release();
    return err;
  }
  for (uint8_t a = 0; a < d_.axisCount; a++) {
    bool found = false;
    for (uint8_t s = 0; s < sensor.axisCount && !found; s++) {
      if (strcmp(sensor.axes[s].name, d_.axes[a]) == 0) {
        axisMap_[a] = s;
        found = true;
      }
    }
    if (!found) return "the impulse uses an axis the sensor does not have";
  }
  hasDescriptor_ = true;
  const char* r = prepare(sensor.axisCount);
  if (r) release();
  return r;
}

const char* ImpulseRunner::loadRaw(const SensorDesc& sensor, uint16_t windowFrames, uint16_t strideFrames, uint16_t featureCount) {
  release();
  memset(&d_, 0, sizeof(d_));
  p_.descriptorOffset = p_.descriptorLength = 0;
  d_.block = DSP_RAW;
  d_.axisCount = sensor.axisCount;
  d_.windowFrames = windowFrames;
  d_.strideFrames = strideFrames ? strideFrames : 1;
  d_.featureCount = featureCount;
  d_.scale = 1.0f;
  for (uint8_t a = 0; a < sensor.axisCount && a < DESC_MAX_AXES; a++) axisMap_[a] = a;
  const char* r = prepare(sensor.axisCount);
  if (r) release();
  return r;
}

int ImpulseRunner::features(const float* window, uint8_t sensorAxes, float* out, int outLen) {
  if (!loaded_ || sensorAxes != sensorAxes_) return -1;
  const int W = d_.windowFrames, A = d_.axisCount;
  for (int i = 0; i < W; i++)
    for (int a = 0; a < A; a++) sel_[i * A + a] = window[i * sensorAxes + axisMap_[a]];
  switch (d_.block) {
    case DSP_RAW:
      return impulse_raw_features(sel_, W, A, d_.scale, out, outLen);
    case DSP_FLATTEN:
      return impulse_flatten_features(sel_, W, A, (double)d_.scale, d_.flattenStats, xd_, out, outLen);
    case DSP_SPECTRAL: {
      impulse_spectral_params p;
      p.fft_length = d_.fftLength;
      p.hop = d_.hop;
      p.bin_lo = d_.binLo;
      p.bin_hi = d_.binHi;
      p.do_log = d_.doLog ? 1 : 0;
      p.scale = d_.scale;
      p.sos_count = d_.sosCount;
      p.sos = d_.sos;
      return impulse_spectral_features(sel_, W, A, &p, xf_, xd_, re_, im_, power_, out, outLen);
    }
    default:
      return -1;
  }
}

void ImpulseRunner::standardize(float* x, int n) const {
  if (normCount_ == 0) return;
  for (int i = 0; i < n; i++) {
    const int k = i % normCount_;
    x[i] = (x[i] - mean_[k]) / std_[k];
  }
}

void ImpulseRunner::quantize(const float* x, int n, float scale, int32_t zeroPoint, int8_t* out) {
  // Saturating: NaN gives 0 (as the studio's quantizeFeatures), anything beyond the int8 range is
  // clamped before the conversion, so no overflow whatever the features or the zero point.
  for (int i = 0; i < n; i++) {
    float r = x[i] / scale;
    if (r != r) {
      out[i] = 0;
      continue;
    }
    if (r > 1024.0f) r = 1024.0f;
    if (r < -1024.0f) r = -1024.0f;
    int64_t q = (int64_t)lroundf(r) + (int64_t)zeroPoint;
    out[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
  }
}
}  // namespace tml
