// Host build of the runtime's impulse pipeline: loads a model slot image (as the studio builds it,
// model + impulse descriptor), verifies it like the firmware at boot, and runs the same
// ImpulseRunner the TFLM hook runs (axis selection, DSP from dsp_generated.h, input standardisation,
// int8 quantization) on
// windows read from stdin. TFLite Micro itself is not part of the host build: it stops at the int8
// input tensor. src/ml/export/impulse-firmware.test.ts compares its output with the TypeScript DSP.
//
//   tinyml_impulse SLOT_FILE     stdin: windows of W frames x 6 values (accX..gyrZ), whitespace separated
//   output: "D block axes window stride features inputInt8 scale zeroPoint", then per window
//           "F f0 f1 ..." (DSP features, %.9g) and "Q q0 q1 ..." (int8 tensor of the standardised
//           features); "E reason" and exit 3 on errors.
//   tinyml_impulse --quantize SCALE ZERO_POINT   stdin: values -> "Q q0 q1 ..." (the int8 quantizer alone)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

#include "../src/device_core.h"
#include "../src/impulse_runner.h"
#include "../src/model_slot.h"

using namespace tml;

// Read-only slot image in memory (a flash that is never written).
class ImageFlash : public Flash {
 public:
  explicit ImageFlash(std::vector<uint8_t> b) : m_(std::move(b)) {}
  uint32_t size() const override { return (uint32_t)m_.size(); }
  uint32_t sectorSize() const override { return 4096; }
  uint32_t programUnit() const override { return 256; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override {
    if ((uint64_t)a + n > m_.size()) return false;
    memcpy(b, m_.data() + a, n);
    return true;
  }
  bool erase(uint32_t, uint32_t) override { return false; }
  bool program(uint32_t, const uint8_t*, uint32_t) override { return false; }
  const uint8_t* mapped(uint32_t a) override { return m_.data() + a; }

 private:
  std::vector<uint8_t> m_;
};

static int fail(const char* why) {
  printf("E %s\n", why);
  return 3;
}

// --quantize SCALE ZERO_POINT: ImpulseRunner::quantize on the values of stdin ("nan", "inf" allowed),
// one "Q q0 q1 ..." line.
static int quantize_tool(float scale, long zeroPoint) {
  std::vector<float> x;
  float v;
  while (scanf("%f", &v) == 1) x.push_back(v);
  std::vector<int8_t> q(x.size());
  ImpulseRunner::quantize(x.data(), (int)x.size(), scale, (int32_t)zeroPoint, q.data());
  printf("Q");
  for (int8_t k : q) printf(" %d", k);
  printf("\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 4 && strcmp(argv[1], "--quantize") == 0) return quantize_tool(strtof(argv[2], nullptr), strtol(argv[3], nullptr, 0));
  if (argc != 2) {
    fprintf(stderr, "usage: tinyml_impulse SLOT_FILE < windows | tinyml_impulse --quantize SCALE ZERO_POINT < values\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "rb");
  if (!f) return fail("cannot open slot file");
  std::vector<uint8_t> img;
  uint8_t buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) img.insert(img.end(), buf, buf + n);
  fclose(f);
  // Pad to whole sectors like a real slot region.
  img.resize((img.size() + 4095) / 4096 * 4096 + 4096, 0xFF);
  ImageFlash flash(img);

  SlotRecord h;
  uint8_t meta[SLOT_HEADER_SIZE];
  if (!flash.read(0, meta, SLOT_HEADER_SIZE) || !decode_slot_record(meta, SLOT_HEADER_MAGIC, h)) return fail("no valid slot header");
  uint32_t c = 0;
  if (h.length == 0 || h.length > slot_capacity(flash.size()) || !flash_crc32(flash, SLOT_DATA_OFFSET, h.length, c) || c != h.crc32)
    return fail("slot CRC mismatch");

  // The 6-axis IMU of the runtime's boards (same axis names as firmware/tinyml_runtime/board_imu.cpp).
  SensorDesc imu = {};
  imu.name = "imu";
  imu.axisCount = 6;
  const char* names[6] = {"accX", "accY", "accZ", "gyrX", "gyrY", "gyrZ"};
  for (int a = 0; a < 6; a++) imu.axes[a] = {names[a], a < 3 ? "m/s2" : "deg/s"};

  ImpulseRunner runner;
  const char* err = runner.load(flash, h.length, imu);
  if (err) return fail(err);
  const ImpulseDescriptor& d = runner.desc();
  printf("D %u %u %u %u %u %u %.9g %d\n", d.block, d.axisCount, d.windowFrames, d.strideFrames, d.featureCount, d.inputInt8 ? 1 : 0,
         (double)d.inputScale, (int)d.inputZeroPoint);
  const uint32_t values = (uint32_t)d.windowFrames * imu.axisCount;
  std::vector<float> window(values), feat(d.featureCount);
  std::vector<int8_t> q(d.featureCount);
  for (;;) {
    for (uint32_t i = 0; i < values; i++)
      if (scanf("%f", &window[i]) != 1) return i == 0 ? 0 : fail("window cut off");
    int k = runner.features(window.data(), imu.axisCount, feat.data(), (int)feat.size());
    if (k != (int)d.featureCount) return fail("feature extraction failed");
    printf("F");
    for (int i = 0; i < k; i++) printf(" %.9g", (double)feat[i]);
    printf("\nQ");
    runner.standardize(feat.data(), k);
    ImpulseRunner::quantize(feat.data(), k, d.inputScale, d.inputZeroPoint, q.data());
    for (int i = 0; i < k; i++) printf(" %d", q[i]);
    printf("\n");
  }
}
