#include "tflm_hook.h"

#include <Arduino.h>
#include <stdlib.h>
#include <string.h>

#ifndef TINYML_ARENA_BYTES
#define TINYML_ARENA_BYTES (48 * 1024)
#endif

#if defined(ARDUINO) && __has_include(<TensorFlowLite.h>)
#include <TensorFlowLite.h>
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {
alignas(16) uint8_t g_arena[TINYML_ARENA_BYTES];

// The ops the studio's exporter emits, nothing more (keeps flash use small).
using Resolver = tflite::MicroMutableOpResolver<11>;
void add_ops(Resolver& r) {
  r.AddFullyConnected();
  r.AddConv2D();
  r.AddDepthwiseConv2D();
  r.AddMaxPool2D();
  r.AddAveragePool2D();
  r.AddReshape();
  r.AddSoftmax();
  r.AddAdd();
  r.AddMean();
  r.AddQuantize();
  r.AddDequantize();
}

// Runs the model on a window of raw IMU frames: the model's input size / 6 axes gives the window.
// (Models whose impulse needs DSP features in firmware are not supported yet: use the raw block.)
class TflmHook : public tml::InferenceHook {
 public:
  explicit TflmHook(tml::Flash* f) : flash_(f) {}
  bool load(const uint8_t* model, uint32_t length, uint32_t arena) override {
    unload();
    if (arena > sizeof(g_arena)) return false;
    if (!model) {  // flash not memory-mapped (ESP32): copy to RAM
      copy_ = (uint8_t*)malloc(length);
      if (!copy_ || !flash_->read(tml::SLOT_DATA_OFFSET, copy_, length)) return false;
      model = copy_;
    }
    const tflite::Model* m = tflite::GetModel(model);
    if (m->version() != TFLITE_SCHEMA_VERSION) return false;
    add_ops(resolver_);
    interp_ = new (interpBuf_) tflite::MicroInterpreter(m, resolver_, g_arena, sizeof(g_arena));
    if (interp_->AllocateTensors() != kTfLiteOk) { unload(); return false; }
    TfLiteTensor* in = interp_->input(0);
    size_t elems = in->bytes / (in->type == kTfLiteFloat32 ? 4 : 1);
    window_ = (uint16_t)(elems / 6);
    if (window_ == 0) { unload(); return false; }
    return true;
  }
  void unload() override {
    if (interp_) interp_->~MicroInterpreter();
    interp_ = nullptr;
    free(copy_);
    copy_ = nullptr;
    window_ = 0;
  }
  uint16_t windowFrames() const override { return window_ ? window_ : 1; }
  uint16_t strideFrames() const override { return window_ > 1 ? window_ / 2 : 1; }
  bool run(const float* w, uint8_t axes, tml::InferenceResult& r) override {
    if (!interp_ || axes != 6) return false;
    TfLiteTensor* in = interp_->input(0);
    uint32_t n = (uint32_t)window_ * axes;
    if (in->type == kTfLiteInt8) {
      float s = in->params.scale;
      int zp = in->params.zero_point;
      for (uint32_t i = 0; i < n; i++) {
        long q = lroundf(w[i] / s) + zp;
        in->data.int8[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
      }
    } else {
      memcpy(in->data.f, w, n * sizeof(float));
    }
    uint32_t t0 = micros();
    if (interp_->Invoke() != kTfLiteOk) return false;
    r.timingUs = micros() - t0;
    TfLiteTensor* o = interp_->output(0);
    uint32_t k = o->bytes / (o->type == kTfLiteFloat32 ? 4 : 1);
    r.count = (uint8_t)(k > tml::MAX_CLASSES ? tml::MAX_CLASSES : k);
    r.labelIndex = 0;
    for (uint8_t i = 0; i < r.count; i++) {
      r.scores[i] = o->type == kTfLiteInt8 ? (o->data.int8[i] - o->params.zero_point) * o->params.scale : o->data.f[i];
      if (r.scores[i] > r.scores[r.labelIndex]) r.labelIndex = i;
    }
    return true;
  }

 private:
  tml::Flash* flash_;
  Resolver resolver_;
  alignas(tflite::MicroInterpreter) uint8_t interpBuf_[sizeof(tflite::MicroInterpreter)];
  tflite::MicroInterpreter* interp_ = nullptr;
  uint8_t* copy_ = nullptr;
  uint16_t window_ = 0;
};
}  // namespace

tml::InferenceHook* tflm_hook(tml::Flash* flash) {
  static TflmHook h(flash);
  return &h;
}
uint32_t tflm_arena_capacity() { return TINYML_ARENA_BYTES; }

#else
tml::InferenceHook* tflm_hook(tml::Flash*) { return nullptr; }
uint32_t tflm_arena_capacity() { return 0; }
#endif
