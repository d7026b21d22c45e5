#include "tflm_hook.h"

#include <Arduino.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef TINYML_ARENA_BYTES
#define TINYML_ARENA_BYTES (48 * 1024)
#endif

// Which TensorFlow Lite Micro this build links (a real #include: Arduino's library discovery follows
// #include lines only, never __has_include):
//   TINYML_PICO_SDK        firmware/pico (CMake): the TFLM sources are compiled into the image
//   mbed (Nano 33 BLE Sense, Nano RP2040 Connect, XIAO nRF52840 Sense), ESP32: the Arduino library
//                          Chirale_TensorFlowLite (2.0.0), which must be installed
//   TINYML_NO_TFLM         build without a model runner (streaming only; INFO reports arena 0)
//   other cores (arduino-pico): no Arduino TFLM library supports them; flash the prebuilt image
//                          public/firmware/tinyml-runtime-rp2040.uf2 instead (firmware/README.md)
#if defined(TINYML_NO_TFLM)
#elif defined(TINYML_PICO_SDK)
#define TINYML_HAS_TFLM 1
#elif defined(ARDUINO_ARCH_MBED) || defined(ARDUINO_ARCH_ESP32)
#include <Chirale_TensorFlowLite.h>
#define TINYML_HAS_TFLM 1
#endif

#if defined(TINYML_HAS_TFLM)
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

// Runs the impulse on the sensor window: the ImpulseRunner picks the impulse's axes, runs its DSP
// (settings from the impulse descriptor in the slot), standardises and quantizes; then TFLM invokes
// the model.
// A slot without descriptor (firmware 0.1 models) runs the raw window of all axes.
class TflmHook : public tml::InferenceHook {
 public:
  TflmHook(tml::Flash* f, const tml::SensorDesc* sensor) : flash_(f), sensor_(sensor) {}
  void setLogger(void (*log)(const char*)) { log_ = log; }
  bool load(const uint8_t* payload, uint32_t length, uint32_t arena) override {
    unload();
    if (!sensor_) return fail("no sensor for inference");
    if (arena > sizeof(g_arena)) return fail("model needs a larger tensor arena than TINYML_ARENA_BYTES");
    const char* why = runner_.load(*flash_, length, *sensor_);
    bool described = why == nullptr;
    if (!described && tml::read_slot_payload(*flash_, length, probe_)) return fail(why);
    uint32_t modelLength = described ? runner_.payload().modelLength : length;
    const uint8_t* model = payload;
    if (!model) {  // flash not memory-mapped (ESP32): copy the model to RAM
      copy_ = (uint8_t*)malloc(modelLength);
      if (!copy_ || !flash_->read(tml::SLOT_DATA_OFFSET, copy_, modelLength)) return fail("cannot copy the model to RAM");
      model = copy_;
    }
    const tflite::Model* m = tflite::GetModel(model);
    if (m->version() != TFLITE_SCHEMA_VERSION) return fail("model schema version");
    if (!opsAdded_) add_ops(resolver_);
    opsAdded_ = true;
    interp_ = new (interpBuf_) tflite::MicroInterpreter(m, resolver_, g_arena, sizeof(g_arena));
    if (interp_->AllocateTensors() != kTfLiteOk) return fail("AllocateTensors failed");
    TfLiteTensor* in = interp_->input(0);
    uint32_t elems = in->bytes / (in->type == kTfLiteFloat32 ? 4 : 1);
    if (!described) {
      uint16_t window = (uint16_t)(elems / sensor_->axisCount);
      why = runner_.loadRaw(*sensor_, window, window > 1 ? window / 2 : 1, (uint16_t)elems);
      if (why) return fail(why);
    }
    const tml::ImpulseDescriptor& d = runner_.desc();
    if (elems != d.featureCount) return fail("the model input does not match the impulse's feature count");
    if (in->type == kTfLiteInt8 && described) {
      if (!d.inputInt8 || in->params.zero_point != d.inputZeroPoint ||
          fabsf(in->params.scale - d.inputScale) > 1e-6f * fabsf(d.inputScale))
        return fail("the model's input quantization differs from the impulse descriptor");
    }
    features_ = (float*)malloc(sizeof(float) * elems);
    if (!features_) return fail("out of memory");
    return true;
  }
  void unload() override {
    if (interp_) interp_->~MicroInterpreter();
    interp_ = nullptr;
    free(copy_);
    copy_ = nullptr;
    free(features_);
    features_ = nullptr;
    runner_.release();
  }
  uint16_t windowFrames() const override { return runner_.loaded() ? runner_.desc().windowFrames : 1; }
  uint16_t strideFrames() const override { return runner_.loaded() ? runner_.desc().strideFrames : 1; }
  // The descriptor's rate in mHz (DeviceCore samples sensor 0 at it, PROTOCOL.md); bare models: none.
  uint32_t sampleRateMilliHz() const override {
    if (!interp_ || !runner_.hasDescriptor()) return 0;
    return (uint32_t)lroundf(runner_.desc().sampleRateHz * 1000.0f);
  }
  bool run(const float* w, uint8_t axes, tml::InferenceResult& r) override {
    if (!interp_ || !features_) return false;
    const tml::ImpulseDescriptor& d = runner_.desc();
    int n = runner_.features(w, axes, features_, d.featureCount);
    if (n != (int)d.featureCount) return false;
    runner_.standardize(features_, n);  // (x - mean) / std from the descriptor, when it has one
    TfLiteTensor* in = interp_->input(0);
    if (in->type == kTfLiteInt8) {
      float s = runner_.hasDescriptor() ? d.inputScale : in->params.scale;
      int32_t zp = runner_.hasDescriptor() ? d.inputZeroPoint : in->params.zero_point;
      tml::ImpulseRunner::quantize(features_, n, s, zp, in->data.int8);
    } else {
      memcpy(in->data.f, features_, n * sizeof(float));
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
  bool fail(const char* why) {
    if (log_) log_(why);
    unload();
    return false;
  }
  tml::Flash* flash_;
  const tml::SensorDesc* sensor_;
  void (*log_)(const char*) = nullptr;
  Resolver resolver_;
  bool opsAdded_ = false;
  alignas(tflite::MicroInterpreter) uint8_t interpBuf_[sizeof(tflite::MicroInterpreter)];
  tflite::MicroInterpreter* interp_ = nullptr;
  tml::ImpulseRunner runner_;
  tml::SlotPayload probe_;
  uint8_t* copy_ = nullptr;
  float* features_ = nullptr;
};
}  // namespace

tml::InferenceHook* tflm_hook(tml::Flash* flash, const tml::SensorDesc* sensor, void (*log)(const char*)) {
  static TflmHook h(flash, sensor);
  h.setLogger(log);
  return &h;
}
uint32_t tflm_arena_capacity() { return TINYML_ARENA_BYTES; }

#else
tml::InferenceHook* tflm_hook(tml::Flash*, const tml::SensorDesc*, void (*)(const char*)) { return nullptr; }
uint32_t tflm_arena_capacity() { return 0; }
#endif
