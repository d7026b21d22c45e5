// Structure-aware fuzz driver of the portable firmware core (device_core, frame, cobs, model_slot,
// impulse_descriptor, impulse_runner), meant to be built with -fsanitize=address,undefined
// -fno-sanitize-recover=all (make -C firmware/host fuzz, scripts/fuzz-firmware.mjs).
//
// Every case is a pure function of its seed: a random board (1..9 axes, odd rates and int16 scales, one
// or two sensors, slot size, arena), then a few hundred random steps:
//   - frames of every host message type (firmware/protocol/spec.json), valid or with mutated payloads,
//     unknown and device-side types, fed in random chunk sizes with wire corruption and noise;
//   - model uploads (bare model, model + valid impulse descriptor, wrong descriptor with a good CRC,
//     truncated, corrupted CRC, out-of-order and repeated chunks, resumed after a reboot);
//   - clock steps and jumps (ms to days), reboots that keep the flash, flash faults (erase/program
//     failures that leave the range half done, power loss in the middle of an erase or program).
// After every step it checks invariants: every byte the device sent decodes as a valid frame of a
// device message type with a well-formed payload; every intact command got exactly one reply, in order;
// SAMPLES follow the stream that was started (axes, format, batch size, counters, exact values);
// INFERENCE only while inference is on; a slot in state VALID has a header whose CRC matches the flash.
// Each case ends with a recovery check (no stuck state): HELLO answers INFO, a clean upload commits
// and survives a reboot, a stream at the largest batch the device accepts delivers contiguous batches.
//
//   tinyml_fuzz [--seed S] [--cases N] [--seconds T] [--steps K] [--verbose] [--break-output]
//     runs seeds S, S+1, ... until N cases or T seconds; prints "cases <n> seeds <S>..<E> steps <k>".
//     On an invariant failure: "FAIL seed <s> step <k>: <reason>" and exit 1; a sanitizer finding
//     aborts after "FUZZ-SEED <s> step <k>" on stderr. Reproduce with --seed <s> --cases 1 --verbose.
//   tinyml_fuzz --scenario begin-flash-fault|nan-int16   fixed regression scenarios
//     --break-output damages one frame the device sends (the checks must then fail: a self-test).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

#include "../src/cobs.h"
#include "../src/crc32.h"
#include "../src/device_core.h"
#include "../src/frame.h"
#include "../src/impulse_descriptor.h"
#include "../src/impulse_runner.h"
#include "../src/model_slot.h"
#include "../src/wire.h"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_SANITIZED 1
#endif
#endif
#if defined(FUZZ_SANITIZED)
#include <sanitizer/common_interface_defs.h>
#endif

using namespace tml;

namespace {
typedef std::vector<uint8_t> Bytes;

uint64_t g_seed = 0;
// totals over all cases (printed at the end: shows what the run exercised)
uint64_t g_replies = 0, g_samples = 0, g_inferences = 0, g_powerLosses = 0, g_reboots = 0, g_loads = 0, g_commits = 0;
uint64_t g_step = 0;
bool g_verbose = false;
bool g_breakOutput = false;  // --break-output: self-test of the checks (the 50th frame sent is damaged)

struct Failure {
  std::string why;
};

[[noreturn]] void fail(const std::string& why) { throw Failure{why}; }
#define CHECK(cond, msg)                                                                 \
  do {                                                                                   \
    if (!(cond)) fail(std::string(msg) + " [" #cond "] at fuzz_main.cpp:" + std::to_string(__LINE__)); \
  } while (0)

// ------------------------------------------------------------------ randomness

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x1234567ull) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return n ? (uint32_t)(next() % n) : 0; }
  uint32_t range(uint32_t lo, uint32_t hi) { return lo + below(hi - lo + 1); }
  bool pct(uint32_t p) { return below(100) < p; }
  uint8_t byte() { return (uint8_t)next(); }
  float unit() { return (float)(next() >> 40) / (float)(1ull << 24); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below((uint32_t)v.size())]; }
};

void put32(Bytes& b, uint32_t v) { for (int i = 0; i < 4; i++) b.push_back((uint8_t)(v >> (8 * i))); }
void put16(Bytes& b, uint16_t v) { b.push_back((uint8_t)v); b.push_back((uint8_t)(v >> 8)); }
void putf(Bytes& b, float f) { uint32_t u; memcpy(&u, &f, 4); put32(b, u); }
float getf(const uint8_t* p) { uint32_t u = get_u32(p); float f; memcpy(&f, &u, 4); return f; }

// ------------------------------------------------------------------ fakes with faults

struct PowerLoss {};

// NOR flash in memory: erase sets 0xFF, program ANDs. Faults: an erase or program that fails after
// doing part of its range, and a power loss (thrown) in the middle of one.
class FuzzFlash : public Flash {
 public:
  FuzzFlash(uint32_t size, uint32_t unit) : mem(size, 0xFF), unit_(unit) {}
  uint32_t size() const override { return (uint32_t)mem.size(); }
  uint32_t sectorSize() const override { return 4096; }
  uint32_t programUnit() const override { return unit_; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override {
    CHECK((uint64_t)a + n <= mem.size(), "flash read out of range");
    memcpy(b, mem.data() + a, n);
    return !(readFailPct && rng->pct(readFailPct));
  }
  bool erase(uint32_t a, uint32_t n) override {
    CHECK(a % 4096 == 0 && n % 4096 == 0 && n > 0 && (uint64_t)a + n <= mem.size(), "flash erase not sector aligned or out of range");
    ops++;
    if (powerLossAt && ops == powerLossAt) {
      partial(a, n, nullptr);
      throw PowerLoss{};
    }
    if (eraseFailPct && rng->pct(eraseFailPct)) {
      partial(a, n, nullptr);
      return false;
    }
    memset(mem.data() + a, 0xFF, n);
    return true;
  }
  bool program(uint32_t a, const uint8_t* b, uint32_t n) override {
    CHECK(a % unit_ == 0 && n % unit_ == 0 && n > 0 && (uint64_t)a + n <= mem.size(), "flash program not aligned or out of range");
    ops++;
    if (powerLossAt && ops == powerLossAt) {
      partial(a, n, b);
      throw PowerLoss{};
    }
    if (programFailPct && rng->pct(programFailPct)) {
      partial(a, n, b);
      return false;
    }
    for (uint32_t i = 0; i < n; i++) mem[a + i] &= b[i];
    return true;
  }
  const uint8_t* mapped(uint32_t a) override { return mem.data() + a; }
  void clearFaults() { eraseFailPct = programFailPct = readFailPct = 0; powerLossAt = 0; }

  Bytes mem;
  Rng* rng = nullptr;
  uint32_t eraseFailPct = 0, programFailPct = 0, readFailPct = 0;
  uint64_t ops = 0, powerLossAt = 0;

 private:
  // An interrupted erase leaves a prefix erased and garbage after it; an interrupted program a prefix
  // programmed.
  void partial(uint32_t a, uint32_t n, const uint8_t* b) {
    uint32_t k = rng->below(n + 1);
    for (uint32_t i = 0; i < k; i++) mem[a + i] = b ? (uint8_t)(mem[a + i] & b[i]) : 0xFF;
    if (!b && k < n && rng->pct(50)) mem[a + k] &= rng->byte();
  }
  uint32_t unit_;
};

const char* const AXIS_NAMES[9] = {"accX", "accY", "accZ", "gyrX", "gyrY", "gyrZ", "magX", "magY", "magZ"};

// A sensor whose value is a pure function of (frame index mod 2^32, axis), so SAMPLES can be checked.
class FuzzSensor : public Sensor {
 public:
  FuzzSensor(Rng& r, const char* name) {
    d_.name = name;
    d_.axisCount = (uint8_t)(r.pct(60) ? r.pick(std::vector<uint32_t>{3, 6, 9}) : r.range(1, MAX_AXES));
    static const char* units[3] = {"m/s2", "deg/s", "uT"};
    for (int a = 0; a < d_.axisCount; a++) {
      d_.axes[a].name = AXIS_NAMES[r.pct(90) ? a : r.below(9)];
      d_.axes[a].units = units[a / 3];
      static const std::vector<float> per = {4096.0f, 16.0f, 64.0f, 1.0f, 32767.0f, 0.001f, 1e6f, 3.0f};
      d_.int16PerUnit[a] = r.pick(per);
    }
    static const std::vector<uint32_t> rates = {1, 1000, 25000, 50000, 62500, 100000, 104000, 200000, 1000000, 4000000000u};
    d_.rateCount = (uint8_t)r.range(1, MAX_RATES);
    for (int i = 0; i < d_.rateCount; i++) d_.ratesMilliHz[i] = r.pct(80) ? rates[r.range(2, 7)] : r.pick(rates);
    d_.defaultRateMilliHz = d_.ratesMilliHz[r.below(d_.rateCount)];
    glitch_ = r.pct(15);
    amp_ = r.pct(20) ? 1e6f : 4.0f;
  }
  bool forceNaN = false;  // scenario nan-int16: axis 0 reads NaN every third frame
  const SensorDesc& desc() const override { return d_; }
  bool setRate(uint32_t rate) override {
    bool ok = false;
    for (int i = 0; i < d_.rateCount; i++) ok = ok || d_.ratesMilliHz[i] == rate;
    CHECK(ok, "core set a rate the sensor does not offer");
    return true;
  }
  void read(uint64_t index, float* out) override {
    for (int a = 0; a < d_.axisCount; a++) out[a] = value((uint32_t)index, a);
  }
  float value(uint32_t index, int a) const {
    if (forceNaN && a == 0 && index % 3 == 1) return NAN;
    uint32_t h = index * 2654435761u ^ (uint32_t)a * 40503u;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    if (glitch_ && h % 97 == 0) {
      static const float odd[5] = {INFINITY, -INFINITY, 3e38f, -3e38f, NAN};
      return odd[(h >> 8) % 5];
    }
    return ((float)(h & 0xFFFF) / 32768.0f - 1.0f) * amp_;
  }

 private:
  SensorDesc d_ = {};
  bool glitch_ = false;
  float amp_ = 4.0f;
};

// The firmware's model runner without TFLite Micro (firmware/tinyml_runtime/tflm_hook.cpp): the
// ImpulseRunner reads the descriptor from the slot, runs the DSP, standardises and quantizes. A bare
// model's input size is taken from its first two bytes (TFLM would read it from the model).
class FuzzHook : public InferenceHook {
 public:
  FuzzHook(Flash* f, const SensorDesc* s, Rng* r) : flash_(f), sensor_(s), rng_(r) {}
  bool load(const uint8_t* payload, uint32_t length, uint32_t arena) override {
    unload();
    CHECK(payload != nullptr, "mapped flash");
    loads++;
    g_loads++;
    if (arena > 60000) return false;
    const char* why = runner_.load(*flash_, length, *sensor_);
    bool described = why == nullptr;
    if (!described && read_slot_payload(*flash_, length, probe_)) return false;
    uint32_t modelLength = described ? runner_.payload().modelLength : length;
    uint32_t elems = modelLength >= 2 ? (uint32_t)(payload[0] | (payload[1] << 8)) % 700 + 1 : 1;
    if (!described) {
      uint16_t window = (uint16_t)(elems / sensor_->axisCount);
      why = runner_.loadRaw(*sensor_, window, window > 1 ? window / 2 : 1, (uint16_t)elems);
      if (why) return false;
    }
    const ImpulseDescriptor& d = runner_.desc();
    if (!described && elems != d.featureCount) return false;
    features_.assign(d.featureCount, 0.0f);
    q_.assign(d.featureCount, 0);
    loaded_ = true;
    return true;
  }
  void unload() override {
    runner_.release();
    loaded_ = false;
  }
  uint16_t windowFrames() const override { return runner_.loaded() ? runner_.desc().windowFrames : 1; }
  uint16_t strideFrames() const override { return runner_.loaded() ? runner_.desc().strideFrames : 1; }
  uint32_t sampleRateMilliHz() const override {
    if (!loaded_ || !runner_.hasDescriptor()) return 0;
    return (uint32_t)lroundf(runner_.desc().sampleRateHz * 1000.0f);
  }
  bool run(const float* w, uint8_t axes, InferenceResult& r) override {
    CHECK(loaded_, "run without a loaded model");
    runs++;
    const ImpulseDescriptor& d = runner_.desc();
    // The real DSP for the first windows of a case (a spectral block over 9 axes is slow under ASan).
    if (runs <= 40) {
      int n = runner_.features(w, axes, features_.data(), (int)features_.size());
      CHECK(n == (int)d.featureCount, "feature extraction failed on a loaded impulse");
      runner_.standardize(features_.data(), n);
      float s = runner_.hasDescriptor() && d.inputInt8 ? d.inputScale : 0.05f;
      ImpulseRunner::quantize(features_.data(), n, s, runner_.hasDescriptor() ? d.inputZeroPoint : 0, q_.data());
    }
    r.count = (uint8_t)rng_->range(0, 40);  // the core caps it at MAX_CLASSES
    r.labelIndex = (uint8_t)rng_->below(256);
    for (int i = 0; i < MAX_CLASSES; i++) r.scores[i] = q_.empty() ? 0.0f : (float)q_[i % q_.size()] / 128.0f;
    r.timingUs = (uint32_t)rng_->next();
    return reliable || rng_->pct(95);
  }
  uint64_t loads = 0, runs = 0;
  bool reliable = false;

 private:
  Flash* flash_;
  const SensorDesc* sensor_;
  Rng* rng_;
  ImpulseRunner runner_;
  SlotPayload probe_;
  bool loaded_ = false;
  std::vector<float> features_;
  std::vector<int8_t> q_;
};

// Checks every frame the moment the core sends it (the core's state is then the one the frame reports).
class CaptureOutput : public Output {
 public:
  void write(const uint8_t* d, size_t n) override {
    bytes.insert(bytes.end(), d, d + n);
    if (g_breakOutput && ++writes == 50 && n > 3) bytes[bytes.size() - 2] ^= bytes[bytes.size() - 2] == 0x80 ? 0x01 : 0x80;
    if (onWrite) onWrite();
  }
  Bytes bytes;
  std::function<void()> onWrite;
  uint64_t writes = 0;
};

// ------------------------------------------------------------------ host-side builders

Bytes frame(uint8_t type, uint8_t seq, const Bytes& p) {
  Bytes out(MAX_ENCODED_FRAME + 1);
  size_t n = encode_frame(type, seq, p.data(), (uint16_t)p.size(), out.data());
  CHECK(n > 0, "frame encoding");
  out.resize(n);
  return out;
}

// Impulse descriptor bytes (PROTOCOL.md "Impulse descriptor"), consistent unless mutated later.
Bytes make_descriptor(Rng& r, const SensorDesc& s) {
  uint8_t block = (uint8_t)r.below(3);
  uint8_t axes = (uint8_t)r.range(1, s.axisCount < DESC_MAX_AXES ? s.axisCount : DESC_MAX_AXES);
  uint16_t window = (uint16_t)(r.pct(80) ? r.range(1, 64) : r.range(1, 1200));
  uint16_t stride = (uint16_t)r.range(1, window + 2);
  uint8_t stats = (uint8_t)r.range(1, 127);
  uint16_t fft = (uint16_t)(1u << r.range(2, r.pct(90) ? 7 : 12));
  uint16_t binLo = (uint16_t)r.range(1, fft / 2), binHi = (uint16_t)r.range(binLo, fft / 2);
  uint8_t sos = (uint8_t)(r.pct(50) ? 0 : r.range(1, DESC_MAX_SOS));
  uint32_t features = 0;
  if (block == DSP_RAW) features = (uint32_t)window * axes;
  if (block == DSP_FLATTEN) for (int b = 0; b < 7; b++) features += axes * ((stats >> b) & 1);
  if (block == DSP_SPECTRAL) features = axes * (5u + binHi - binLo + 1u);
  if (features > 65535) features = 65535;
  uint8_t labels = (uint8_t)r.range(0, DESC_MAX_LABELS);
  uint16_t norm = 0;
  if (r.pct(60)) {
    std::vector<uint32_t> div;
    for (uint32_t k = 1; k <= features && k <= 64; k++) if (features % k == 0) div.push_back(k);
    norm = (uint16_t)(r.pct(50) ? features <= DESC_MAX_NORM ? features : div.back() : r.pick(div));
  }
  static const std::vector<float> rates = {25.0f, 50.0f, 62.5f, 100.0f, 104.0f, 200.0f, 99.7f, 0.001f, 1e6f};
  float offered = (float)s.ratesMilliHz[r.below(s.rateCount)] / 1000.0f;
  Bytes b(DESCRIPTOR_HEADER_SIZE, 0);
  put_u32(&b[0], DESCRIPTOR_MAGIC);
  put_u16(&b[4], DESCRIPTOR_VERSION);
  put_u16(&b[6], DESCRIPTOR_HEADER_SIZE);
  b[12] = block;
  b[13] = axes;
  put_u16(&b[14], window);
  put_u16(&b[16], stride);
  put_u16(&b[18], (uint16_t)features);
  float rate = r.pct(70) ? offered : r.pick(rates), scale = r.pct(80) ? 1.0f : r.pick(std::vector<float>{0.0f, -2.5f, 1e30f, 1e-30f});
  float inScale = r.pick(std::vector<float>{0.05f, 1e-30f, 3e38f, 1.0f / 256});
  memcpy(&b[20], &rate, 4);
  memcpy(&b[24], &scale, 4);
  memcpy(&b[28], &inScale, 4);
  put_u32(&b[32], (uint32_t)(int32_t)r.range(0, 255) - 128u);
  float outScale = 1.0f / 256;
  memcpy(&b[36], &outScale, 4);
  put_u32(&b[40], (uint32_t)(int32_t)r.range(0, 255) - 128u);
  b[44] = (uint8_t)r.below(2);
  b[45] = labels;
  b[46] = stats;
  b[47] = (uint8_t)r.below(4);
  put_u16(&b[48], fft);
  put_u16(&b[50], (uint16_t)r.range(1, fft));
  put_u16(&b[52], binLo);
  put_u16(&b[54], binHi);
  b[56] = (uint8_t)r.below(3);
  b[57] = (uint8_t)r.range(1, 8);
  b[58] = sos;
  float cutoff = 5.0f;
  memcpy(&b[60], &cutoff, 4);
  for (int i = 0; i < 5 * sos; i++) {
    // a stable low-pass-like section, or odd numbers
    static const float coef[5] = {0.2f, 0.4f, 0.2f, -0.6f, 0.2f};
    putf(b, r.pct(90) ? coef[i % 5] : r.pick(std::vector<float>{1e30f, -1e30f, 2.0f, NAN}));
  }
  // axis names: the sensor's, in a random order (sometimes one it lacks)
  for (int a = 0; a < axes; a++) {
    const char* n = r.pct(95) ? s.axes[r.below(s.axisCount)].name : "nope";
    b.push_back((uint8_t)strlen(n));
    b.insert(b.end(), n, n + strlen(n));
  }
  for (int l = 0; l < labels; l++) {
    uint8_t len = (uint8_t)r.range(0, DESC_NAME_BYTES);
    b.push_back(len);
    for (int i = 0; i < len; i++) b.push_back((uint8_t)r.range(32, 126));
  }
  put16(b, norm);
  for (int i = 0; i < norm; i++) putf(b, r.pct(95) ? (float)r.range(0, 100) / 10.0f : 3e38f);
  for (int i = 0; i < norm; i++) putf(b, r.pct(95) ? (float)r.range(1, 100) / 10.0f : 1e-38f);
  put_u32(&b[8], (uint32_t)b.size() + 4);
  put32(b, crc32(b.data(), b.size()));
  return b;
}

// Slot payload: model, zeros to 16, descriptor, zeros to 4, trailer (model-slot.ts buildSlotPayload).
Bytes make_payload(const Bytes& model, const Bytes& desc) {
  Bytes p = model;
  while (p.size() % SLOT_PAYLOAD_ALIGN) p.push_back(0);
  uint32_t off = (uint32_t)p.size();
  p.insert(p.end(), desc.begin(), desc.end());
  while (p.size() % 4) p.push_back(0);
  put32(p, (uint32_t)model.size());
  put32(p, off);
  put32(p, (uint32_t)desc.size());
  put32(p, SLOT_TRAILER_MAGIC);
  return p;
}

// ------------------------------------------------------------------ the case

struct Sent {
  size_t end;  // offset in the input stream just past the frame's delimiter
  uint8_t type, seq;
  uint16_t len;
  Bytes payload;
};

struct Stream {
  bool on = false;
  uint8_t sensor = 0, format = 0, fpb = 1;
  uint64_t next = 0;  // counter expected next (u32 on the wire)
  bool gapAllowed = false;
};

class Case {
 public:
  explicit Case(uint64_t seed) : r_(seed) {}
  void run(uint32_t steps);
  // Fixed regression scenarios (tests/unit/firmware-fuzz.test.ts): begin-flash-fault, nan-int16.
  void scenario(const std::string& name);
  void cleanup();
  uint64_t stepsDone = 0;

 private:
  // board
  void boot();
  void reboot();
  // traffic
  void sendFrames(const std::vector<Bytes>& frames, const std::vector<bool>& intact, const std::vector<Sent>& meta);
  void command(uint8_t type, const Bytes& p);
  void randomCommand();
  Bytes payloadFor(uint8_t type);
  void tick(uint64_t dt);
  void upload(bool clean);
  // checks
  void drainOutput();
  void checkFrame(const Frame& f);
  void checkSlot();
  void recovery();
  const SensorDesc& sensor(uint8_t i) { return sensors_[i]->desc(); }

  Rng r_;
  // board description, fixed for the case
  std::vector<FuzzSensor*> sensors_;
  FuzzFlash* flash_ = nullptr;
  uint32_t arena_ = 0;
  bool withHook_ = true;
  FuzzHook* hook_ = nullptr;
  DeviceCore* core_ = nullptr;
  CaptureOutput out_;
  size_t outDone_ = 0;
  FrameDecoder outDec_;
  // host view
  uint8_t seq_ = 0;
  uint64_t now_ = 0;
  std::vector<Sent> expect_;  // intact commands still waiting for their reply
  Stream stream_;
  bool inferring_ = false;
  std::vector<uint32_t> begunCrcs_;
  bool quiet_ = false;
  uint32_t lastAckValue_ = 0;  // a clean link (recovery check)
  uint32_t replies_ = 0, samples_ = 0, inferences_ = 0, powerLosses_ = 0, reboots_ = 0;
};

void Case::boot() {
  DeviceConfig cfg = {};
  cfg.board = "fuzz board";
  cfg.firmwareVersion = "0.0.0-fuzz";
  cfg.sensorCount = (uint8_t)sensors_.size();
  for (size_t i = 0; i < sensors_.size(); i++) cfg.sensors[i] = sensors_[i];
  cfg.flash = flash_;
  cfg.arenaCapacity = arena_;
  delete hook_;
  hook_ = withHook_ ? new FuzzHook(flash_, &sensor(0), &r_) : nullptr;
  cfg.inference = hook_;
  cfg.out = &out_;
  delete core_;
  core_ = new DeviceCore(cfg);
  stream_ = Stream();
  inferring_ = false;
  expect_.clear();
  core_->begin();  // reads only: never loses power
  drainOutput();
  checkSlot();
}

void Case::reboot() {
  reboots_++;
  drainOutput();
  // a frame cut by the reset never completes: the host side starts clean too
  outDec_.reset();
  boot();
}

void Case::drainOutput() {
  Frame f;
  for (; outDone_ < out_.bytes.size(); outDone_++) {
    uint32_t errs = outDec_.errors;
    if (outDec_.push(out_.bytes[outDone_], f)) checkFrame(f);
    CHECK(outDec_.errors == errs, "the device sent bytes that are not a valid frame");
  }
  if (out_.bytes.size() > (1u << 20)) {
    out_.bytes.clear();
    outDone_ = 0;
  }
}

std::string hex(const uint8_t* p, size_t n) {
  std::string s;
  char b[4];
  for (size_t i = 0; i < n && i < 48; i++) {
    snprintf(b, sizeof(b), "%02x", p[i]);
    s += b;
  }
  return s;
}

void Case::checkFrame(const Frame& f) {
  const uint8_t* p = f.payload;
  const uint16_t n = f.len;
  if (g_verbose) fprintf(stderr, "  <- type %02x seq %u len %u %s\n", f.type, f.seq, n, hex(p, n).c_str());
  bool reply = f.type == MSG_ACK || f.type == MSG_NACK || f.type == MSG_INFO || f.type == MSG_MODEL_STATUS;
  if (reply) {
    CHECK(!expect_.empty(), "a reply nobody asked for");
    Sent cmd = expect_.front();
    expect_.erase(expect_.begin());
    replies_++;
    if (f.type == MSG_ACK || f.type == MSG_NACK) {
      CHECK(n == (f.type == MSG_ACK ? 6 : 7), "ACK/NACK length");
      CHECK(p[0] == cmd.type && p[1] == cmd.seq, "ACK/NACK answers another command than the one sent");
      if (f.type == MSG_NACK) CHECK(p[2] >= NACK_UNKNOWN_TYPE && p[2] <= NACK_BUSY, "NACK code");
      if (f.type == MSG_NACK) CHECK(cmd.type != MSG_STOP_STREAM || cmd.len != 0, "STOP_STREAM refused");
    } else if (f.type == MSG_INFO) {
      CHECK((cmd.type == MSG_HELLO && cmd.len == 1) || (cmd.type == MSG_GET_INFO && cmd.len == 0), "INFO for another command");
    } else {
      CHECK(cmd.type == MSG_MODEL_QUERY && cmd.len == 0, "MODEL_STATUS for another command");
    }
    // the host's view of the device
    uint32_t value = f.type == MSG_ACK ? get_u32(p + 2) : 0;
    lastAckValue_ = value;
    if (f.type == MSG_INFO && cmd.type == MSG_HELLO) stream_.on = inferring_ = false;
    if (f.type == MSG_ACK && cmd.type == MSG_STOP_STREAM) stream_.on = false;
    if (f.type == MSG_ACK && cmd.type == MSG_START_STREAM) {
      CHECK(value == 0, "START_STREAM ack value");
      stream_.on = true;
      stream_.sensor = cmd.payload[0];
      stream_.format = cmd.payload[1];
      stream_.fpb = cmd.payload[2];
      stream_.next = 0;
      stream_.gapAllowed = false;
    }
    if (f.type == MSG_NACK && cmd.type == MSG_START_STREAM && p[2] == NACK_BAD_PAYLOAD && cmd.len == 3 && cmd.payload[0] < sensors_.size() &&
        (cmd.payload[1] == FMT_FLOAT32 || cmd.payload[1] == FMT_INT16)) {
      uint32_t cap = get_u32(p + 3);
      CHECK(cap == max_stream_frames(sensor(cmd.payload[0]).axisCount, cmd.payload[1]), "NACK value is not the batch capacity");
      CHECK(cmd.payload[2] == 0 || cmd.payload[2] > cap, "START_STREAM refused a batch size within the capacity");
    }
    if (f.type == MSG_ACK && cmd.type == MSG_START_STREAM) {
      uint32_t frames = cmd.payload[2], axes = sensor(cmd.payload[0]).axisCount;
      uint32_t bytes = 8 + (cmd.payload[1] == FMT_INT16 ? 4 * axes + 2 * frames * axes : 4 * frames * axes);
      CHECK(frames * axes <= BATCH_VALUES && bytes <= MAX_PAYLOAD, "START_STREAM accepted a batch the device cannot hold or send");
    }
    if (f.type == MSG_ACK && cmd.type == MSG_SET_INFERENCE) {
      inferring_ = cmd.payload[0] != 0;
      if (inferring_) CHECK(core_->modelState() == MODEL_VALID, "inference enabled without a valid model");
    }
    if (f.type == MSG_ACK && cmd.type == MSG_MODEL_BEGIN) {
      begunCrcs_.push_back(get_u32(cmd.payload.data() + 4));
      inferring_ = false;
    }
    if (f.type == MSG_ACK && cmd.type == MSG_MODEL_END) {
      g_commits++;
      CHECK(core_->modelState() == MODEL_VALID, "MODEL_END acked but the slot is not valid");
    }
    if (f.type == MSG_NACK && cmd.type == MSG_MODEL_END && p[2] == NACK_CRC_MISMATCH) {
      CHECK(core_->modelState() != MODEL_VALID, "slot valid after a CRC mismatch");
    }
    if (f.type == MSG_MODEL_STATUS) {
      CHECK(n == 17 && p[0] <= MODEL_VALID, "MODEL_STATUS payload");
      CHECK(p[0] == core_->modelState(), "MODEL_STATUS state differs from the core's");
      if (p[0] == MODEL_VALID) CHECK(get_u32(p + 13) == get_u32(p + 5), "a valid slot reports received != length");
      else CHECK(get_u32(p + 13) <= get_u32(p + 5) || p[0] == MODEL_EMPTY, "received past the length");
    }
    if (f.type == MSG_INFO) {
      // full parse: every field where the format says
      size_t o = 0;
      auto need = [&](size_t k) { CHECK(o + k <= n, "INFO cut off"); };
      need(1);
      CHECK(p[o++] == PROTOCOL_VERSION, "INFO protocol version");
      for (int s = 0; s < 2; s++) { need(1); size_t l = p[o++]; need(l); o += l; }
      need(1);
      uint8_t ns = p[o++];
      CHECK(ns == sensors_.size(), "INFO sensor count");
      for (uint8_t s = 0; s < ns; s++) {
        need(1); size_t l = p[o++]; need(l); o += l;
        need(1);
        uint8_t ax = p[o++];
        CHECK(ax == sensor(s).axisCount, "INFO axis count");
        for (int a = 0; a < 2 * ax; a++) { need(1); size_t k = p[o++]; need(k); o += k; }
        need(1);
        uint8_t nr = p[o++];
        need(4u * nr + 4);
        bool found = false;
        for (int i = 0; i < nr; i++) found = found || get_u32(p + o + 4 * i) == get_u32(p + o + 4 * nr);
        CHECK(found, "INFO current rate is not an offered rate");
        o += 4u * nr + 4;
      }
      need(4 + 4 + 1 + 16 + 2);
      CHECK(get_u32(p + o) == slot_capacity(flash_->size()), "INFO slot capacity");
      CHECK(p[o + 8] == core_->modelState(), "INFO model state");
      CHECK(get_u16(p + o + 25) == MAX_PAYLOAD, "INFO max payload");
      CHECK(o + 27 == n, "INFO has trailing bytes");
    }
    return;
  }
  switch (f.type) {
    case MSG_LOG:
      CHECK(n >= 1 && p[0] <= LOG_ERROR, "LOG payload");
      for (uint16_t i = 1; i < n; i++) CHECK(p[i] >= 32 && p[i] < 127, "LOG text is not printable");
      return;
    case MSG_INFERENCE: {
      inferences_++;
      CHECK(inferring_, "INFERENCE while inference is off");
      CHECK(n >= 7 && p[5] == FMT_FLOAT32 && p[6] <= MAX_CLASSES && n == 7 + 4u * p[6], "INFERENCE payload");
      return;
    }
    case MSG_SAMPLES: {
      samples_++;
      CHECK(stream_.on, "SAMPLES without a stream");
      CHECK(n >= 8, "SAMPLES header");
      const SensorDesc& d = sensor(stream_.sensor);
      uint32_t counter = get_u32(p), axes = p[4], frames = p[5], fmt = p[6];
      CHECK(axes == d.axisCount && fmt == stream_.format && p[7] == 0, "SAMPLES axes/format");
      CHECK(frames >= 1 && frames <= stream_.fpb, "SAMPLES batch size");
      uint32_t head = 8 + (fmt == FMT_INT16 ? 4 * axes : 0);
      CHECK(n == head + frames * axes * (fmt == FMT_INT16 ? 2 : 4), "SAMPLES length");
      uint32_t expect = (uint32_t)stream_.next;
      // after a clock jump past the catch-up limit frames are dropped (the u32 counter may even wrap)
      if (!stream_.gapAllowed) CHECK(counter == expect, "SAMPLES counter not contiguous");
      for (uint32_t i = 0; i < frames; i++) {
        for (uint32_t a = 0; a < axes; a++) {
          float v = sensors_[stream_.sensor]->value(counter + i, (int)a);
          if (fmt == FMT_FLOAT32) {
            float got = getf(p + 8 + 4 * (i * axes + a));
            CHECK(memcmp(&got, &v, 4) == 0, "SAMPLES float32 value differs from the sensor's");
          } else {
            float scale = getf(p + 8 + 4 * a);
            CHECK(scale == (float)(1.0 / (double)d.int16PerUnit[a]), "SAMPLES int16 scale");
            double x = floor((double)v * (double)d.int16PerUnit[a] + 0.5);
            int16_t want = x != x ? 0 : x < -32768 ? -32768 : x > 32767 ? 32767 : (int16_t)x;
            int16_t got = (int16_t)get_u16(p + head + 2 * (i * axes + a));
            CHECK(got == want, "SAMPLES int16 value differs from the sensor's");
          }
        }
      }
      stream_.next = (uint32_t)(counter + frames);
      return;
    }
    default:
      fail("the device sent a frame of type " + std::to_string(f.type));
  }
}

// The slot is VALID only if the header in flash is intact and the CRC over the data matches it.
void Case::checkSlot() {
  if (core_->modelState() != MODEL_VALID) return;
  SlotRecord h;
  CHECK(decode_slot_record(flash_->mem.data(), SLOT_HEADER_MAGIC, h), "slot VALID but the header in flash is not intact");
  CHECK(h.length > 0 && h.length <= slot_capacity(flash_->size()), "slot VALID with a length out of range");
  uint32_t c = crc32(flash_->mem.data() + SLOT_DATA_OFFSET, h.length);
  CHECK(c == h.crc32, "slot VALID but the CRC over the flash differs from the header's");
  bool known = false;
  for (uint32_t k : begunCrcs_) known = known || k == c;
  CHECK(known || begunCrcs_.empty(), "slot VALID with a CRC no upload declared");
}

void Case::sendFrames(const std::vector<Bytes>& frames, const std::vector<bool>& intact, const std::vector<Sent>& metaIn) {
  // one input stream with wire trouble between and inside frames
  Bytes in;
  std::vector<Sent> meta;
  for (size_t i = 0; i < frames.size(); i++) {
    if (!quiet_ && r_.pct(4)) {  // noise, closed by a delimiter so the next frame is clean
      uint32_t k = r_.pct(20) ? (uint32_t)MAX_ENCODED_FRAME + r_.range(1, 600) : r_.range(1, 40);
      for (uint32_t j = 0; j < k; j++) in.push_back(r_.pct(3) ? 0 : r_.byte());
      in.push_back(0);
    }
    if (r_.pct(3)) in.push_back(0);  // idle fill
    Bytes f = frames[i];
    bool ok = intact[i];
    if (ok && !quiet_ && r_.pct(3)) {  // corrupted on the wire: no reply expected
      ok = false;
      uint32_t at = r_.below((uint32_t)f.size() - 1);
      switch (r_.below(4)) {
        case 0: {  // a bit flip (never to 0x00, which would be a delimiter)
          uint8_t v = (uint8_t)(f[at] ^ (1u << r_.below(8)));
          f[at] = v ? v : (uint8_t)(f[at] ^ 0xFF);
          break;
        }
        case 1: f.erase(f.begin() + at); break;
        case 2: f.insert(f.begin() + at, (uint8_t)r_.range(1, 255)); break;
        default: f.resize(at + 1); f.back() = 0; break;
      }
    }
    if (g_verbose) fprintf(stderr, "  -> type %02x seq %u len %u%s\n", metaIn[i].type, metaIn[i].seq, metaIn[i].len, ok ? "" : " (corrupted)");
    in.insert(in.end(), f.begin(), f.end());
    if (ok) {
      Sent s = metaIn[i];
      s.end = in.size();
      meta.push_back(s);
    }
  }
  // feed in random chunks, a clock tick now and then between chunks
  size_t pos = 0, next = 0;
  while (pos < in.size()) {
    size_t k = r_.pct(30) ? 1 : r_.pct(50) ? r_.range(1, 64) : r_.range(1, 4096);
    if (k > in.size() - pos) k = in.size() - pos;
    while (next < meta.size() && meta[next].end <= pos + k) expect_.push_back(meta[next++]);
    g_step++;
    try {
      core_->receive(in.data() + pos, k);
    } catch (PowerLoss&) {
      powerLosses_++;
      if (g_verbose) fprintf(stderr, "  power loss\n");
      // the replies that made it out must be in order; the rest are lost with the board
      drainOutput();
      expect_.clear();
      flash_->powerLossAt = 0;
      reboot();
      // the rest of the chunk is lost; the host starts again just past the next delimiter, so a half
      // frame does not glue onto the next one
      size_t resume = pos + k;
      while (resume < in.size() && in[resume - 1] != 0) resume++;
      while (next < meta.size() && meta[next].end <= resume) next++;
      pos = resume;
      continue;
    }
    pos += k;
    drainOutput();
    CHECK(expect_.empty(), "a command got no reply");
    checkSlot();
    if (r_.pct(10)) tick(r_.range(0, 3000));
  }
}

void Case::command(uint8_t type, const Bytes& p) {
  Sent s{0, type, seq_, (uint16_t)p.size(), p};
  sendFrames({frame(type, seq_, p)}, {true}, {s});
  seq_++;
}

Bytes Case::payloadFor(uint8_t type) {
  Bytes p;
  switch (type) {
    case MSG_HELLO: p.push_back(r_.pct(90) ? PROTOCOL_VERSION : r_.byte()); break;
    case MSG_SET_RATE: {
      p.push_back((uint8_t)(r_.pct(90) ? r_.below((uint32_t)sensors_.size()) : r_.byte()));
      const SensorDesc& d = sensor(p[0] < sensors_.size() ? p[0] : 0);
      uint32_t rate = d.ratesMilliHz[r_.below(d.rateCount)];
      if (r_.pct(20)) rate = r_.pct(50) ? (uint32_t)r_.next() : rate + r_.range(0, 2000) - 1000;
      put32(p, rate);
      break;
    }
    case MSG_START_STREAM: {
      uint8_t s = (uint8_t)(r_.pct(90) ? r_.below((uint32_t)sensors_.size()) : r_.byte());
      uint8_t fmt = (uint8_t)(r_.pct(95) ? r_.below(2) : r_.byte());
      uint32_t cap = max_stream_frames(sensor(s < sensors_.size() ? s : 0).axisCount, fmt == FMT_INT16 ? FMT_INT16 : FMT_FLOAT32);
      uint32_t fpb = r_.pct(40) ? r_.range(1, 16) : r_.pct(50) ? cap : r_.pct(50) ? cap + 1 : r_.below(256);
      p = {s, fmt, (uint8_t)fpb};
      break;
    }
    case MSG_SET_INFERENCE: p.push_back(r_.pct(60) ? 1 : r_.pct(80) ? 0 : r_.byte()); break;
    case MSG_MODEL_BEGIN: {
      uint32_t cap = slot_capacity(flash_->size());
      put32(p, r_.pct(70) ? r_.range(1, cap > 4096 ? 4096 : cap) : r_.pct(50) ? cap + r_.below(2) : (uint32_t)r_.next());
      put32(p, (uint32_t)r_.next());
      put32(p, r_.below(4));
      put32(p, r_.pct(80) ? r_.range(0, arena_) : (uint32_t)r_.next());
      break;
    }
    case MSG_MODEL_DATA: {
      put32(p, r_.pct(50) ? core_->received() : r_.pct(50) ? r_.below(core_->received() + 600) : (uint32_t)r_.next());
      uint32_t k = r_.range(1, SLOT_MAX_CHUNK);
      for (uint32_t i = 0; i < k; i++) p.push_back(r_.byte());
      break;
    }
    default:
      break;  // no payload
  }
  if (r_.pct(8)) {  // structure-aware payload mutation: the frame is valid, its payload is not
    switch (r_.below(4)) {
      case 0: if (!p.empty()) p.resize(r_.below((uint32_t)p.size())); break;
      case 1: for (uint32_t i = r_.range(1, 8); i; i--) p.push_back(r_.byte()); break;
      case 2: if (!p.empty()) p[r_.below((uint32_t)p.size())] ^= (uint8_t)(1u << r_.below(8)); break;
      default: p.assign(r_.below(r_.pct(10) ? MAX_PAYLOAD + 1 : 40), 0); for (auto& x : p) x = r_.byte(); break;
    }
  }
  return p;
}

void Case::randomCommand() {
  static const std::vector<uint8_t> host = {MSG_HELLO, MSG_SET_RATE, MSG_START_STREAM, MSG_STOP_STREAM, MSG_SET_INFERENCE,
                                            MSG_GET_INFO, MSG_MODEL_BEGIN, MSG_MODEL_DATA, MSG_MODEL_END, MSG_MODEL_QUERY};
  static const std::vector<uint8_t> device = {MSG_INFO, MSG_SAMPLES, MSG_LOG, MSG_ACK, MSG_NACK, MSG_MODEL_STATUS, MSG_INFERENCE};
  // a burst of frames in one input stream
  uint32_t k = r_.range(1, 6);
  std::vector<Bytes> frames;
  std::vector<bool> intact;
  std::vector<Sent> meta;
  for (uint32_t i = 0; i < k; i++) {
    uint8_t type = r_.pct(90) ? r_.pick(host) : r_.pct(50) ? r_.pick(device) : r_.byte();
    Bytes p = payloadFor(type);
    frames.push_back(frame(type, seq_, p));
    intact.push_back(true);
    meta.push_back(Sent{0, type, seq_, (uint16_t)p.size(), p});
    seq_++;
  }
  sendFrames(frames, intact, meta);
}

void Case::tick(uint64_t dt) {
  now_ += dt;
  // a jump past the catch-up limit may drop frames: the next batch may start later
  uint32_t most = 0;
  if (stream_.on) {
    const SensorDesc& d = sensor(stream_.sensor);
    for (int i = 0; i < d.rateCount; i++) most = d.ratesMilliHz[i] > most ? d.ratesMilliHz[i] : most;
  }
  if ((double)dt * most / 1e9 >= MAX_CATCHUP_FRAMES / 2) stream_.gapAllowed = true;
  g_step++;
  core_->tick(now_);
  drainOutput();
  stream_.gapAllowed = false;
}

// One upload session; `clean`: a well-formed upload the device must accept (no faults active).
void Case::upload(bool clean) {
  uint32_t cap = slot_capacity(flash_->size());
  Bytes model(r_.pct(80) ? r_.range(1, 6000) : r_.range(1, cap < 70000 ? cap : 70000));
  for (auto& b : model) b = r_.byte();
  Bytes payload = model;
  int kind = clean ? (r_.pct(70) ? 1 : 0) : r_.pct(40) ? 1 : (int)r_.below(4);  // 0 bare, 1 descriptor, 2 wrong descriptor, 3 random trailer
  if (kind == 1 || kind == 2) {
    Bytes d = make_descriptor(r_, sensor(0));
    if (kind == 2) {
      uint32_t at = r_.below((uint32_t)d.size());
      d[at] = r_.byte();
      if (r_.pct(70)) put_u32(&d[d.size() - 4], crc32(d.data(), d.size() - 4));  // wrong fields, good CRC
    }
    payload = make_payload(model, d);
    if (kind == 2 && r_.pct(30)) payload[payload.size() - 8 - r_.below(8)] ^= 0x40;  // trailer fields
  } else if (kind == 3 && payload.size() >= 16) {
    put_u32(&payload[payload.size() - 4], SLOT_TRAILER_MAGIC);
  }
  if (payload.size() > cap) payload.resize(cap);
  uint32_t crc = crc32(payload.data(), payload.size());
  bool badCrc = !clean && r_.pct(15);
  uint32_t seqNo = r_.below(1000);
  uint32_t arena = clean ? r_.range(0, arena_) : r_.pct(90) ? r_.range(0, arena_) : arena_ + 1;
  uint32_t chunk = r_.pct(70) ? SLOT_MAX_CHUNK : r_.range(1, SLOT_MAX_CHUNK);
  bool truncated = !clean && r_.pct(15);
  uint32_t stopAt = truncated ? r_.below((uint32_t)payload.size()) : (uint32_t)payload.size();
  bool rebootMid = !clean && r_.pct(15);
  uint32_t rebootAt = r_.below((uint32_t)payload.size());

  std::vector<Bytes> frames;
  std::vector<bool> intact;
  std::vector<Sent> meta;
  auto add = [&](uint8_t t, const Bytes& p) {
    frames.push_back(frame(t, seq_, p));
    intact.push_back(true);
    meta.push_back(Sent{0, t, seq_, (uint16_t)p.size(), p});
    seq_++;
  };
  auto flush = [&]() {
    if (!frames.empty()) sendFrames(frames, intact, meta);
    frames.clear();
    intact.clear();
    meta.clear();
  };
  Bytes begin;
  put32(begin, (uint32_t)payload.size());
  put32(begin, badCrc ? crc ^ (1u << r_.below(32)) : crc);
  put32(begin, seqNo);
  put32(begin, arena);
  if (clean) {
    add(MSG_STOP_STREAM, {});
    add(MSG_SET_INFERENCE, {0});
  }
  add(MSG_MODEL_BEGIN, begin);
  bool rebooted = false;
  for (uint32_t o = 0; o < stopAt;) {
    uint32_t k = chunk < stopAt - o ? chunk : stopAt - o;
    if (!clean && r_.pct(5)) {  // out of order or repeated chunk
      uint32_t off = r_.pct(50) ? o + r_.range(1, 2000) : (o > 600 ? o - r_.range(1, 600) : 0);
      Bytes p;
      put32(p, off);
      for (uint32_t i = 0; i < k && off + i < payload.size(); i++) p.push_back(payload[off + i]);
      if (p.size() > 4) add(MSG_MODEL_DATA, p);
    }
    if (!clean && r_.pct(2)) add(MSG_MODEL_QUERY, {});
    Bytes p;
    put32(p, o);
    p.insert(p.end(), payload.begin() + o, payload.begin() + o + k);
    add(MSG_MODEL_DATA, p);
    o += k;
    if (rebootMid && !rebooted && o >= rebootAt) {
      flush();
      reboot();
      rebooted = true;
      add(MSG_MODEL_QUERY, {});
      add(MSG_MODEL_BEGIN, begin);  // resume
      o = core_->received() <= o ? core_->received() : o;
    }
    if (frames.size() >= 16) flush();
  }
  if (!truncated || r_.pct(50)) add(MSG_MODEL_END, {});
  if (r_.pct(30) || clean) add(MSG_MODEL_QUERY, {});
  uint32_t lossesBefore = powerLosses_;
  flush();
  if (clean) {
    CHECK(powerLosses_ == lossesBefore, "power loss in a clean upload");
    CHECK(core_->modelState() == MODEL_VALID, "a clean upload did not commit");
    SlotRecord h;
    CHECK(decode_slot_record(flash_->mem.data(), SLOT_HEADER_MAGIC, h) && h.crc32 == crc && h.length == payload.size() && h.sequence == seqNo,
          "the committed header is not the upload's");
    CHECK(memcmp(flash_->mem.data() + SLOT_DATA_OFFSET, payload.data(), payload.size()) == 0, "the slot holds other bytes than uploaded");
  }
}

// No stuck state: whatever happened, the board comes back to a working state over the protocol.
void Case::recovery() {
  flash_->clearFaults();
  quiet_ = true;
  tick(r_.range(0, 100000));
  command(MSG_HELLO, {PROTOCOL_VERSION});
  CHECK(!stream_.on && !inferring_, "HELLO did not reset the stream");
  // quiet after HELLO: no SAMPLES or INFERENCE however long we wait
  uint32_t s0 = samples_, i0 = inferences_;
  for (int i = 0; i < 5; i++) tick(r_.range(1000, 500000));
  CHECK(samples_ == s0 && inferences_ == i0, "the board kept sending after HELLO");
  upload(true);
  reboot();
  CHECK(core_->modelState() == MODEL_VALID, "the committed model is gone after a reboot");
  // a stream at the largest batch the device accepts (sensor 0, both formats)
  for (uint8_t fmt : {FMT_INT16, FMT_FLOAT32}) {
    uint8_t axes = sensor(0).axisCount;
    uint32_t cap = max_stream_frames(axes, fmt);
    CHECK(cap >= 1 && cap <= 255, "batch capacity");
    // a rate we can reach quickly
    const SensorDesc& d = sensor(0);
    uint32_t rate = 0;
    for (int i = 0; i < d.rateCount; i++)
      if (d.ratesMilliHz[i] >= 1000 && (rate == 0 || d.ratesMilliHz[i] > rate)) rate = d.ratesMilliHz[i];
    if (!rate) continue;
    Bytes sr = {0};
    put32(sr, rate);
    command(MSG_SET_RATE, sr);
    if (cap < 255) {
      command(MSG_START_STREAM, {0, fmt, (uint8_t)(cap + 1)});
      CHECK(!stream_.on, "START_STREAM over the capacity accepted");
    }
    command(MSG_START_STREAM, {0, fmt, (uint8_t)cap});
    CHECK(stream_.on, "START_STREAM at the capacity refused");
    uint32_t before = samples_;
    uint64_t frameUs = 1000000000ull / rate + 1;
    uint64_t total = frameUs * (2 * cap + 2), step = total / 16 + 1;
    for (int i = 0; i < 20; i++) tick(step);
    CHECK(samples_ >= before + 2, "a started stream sent no batches");
    command(MSG_STOP_STREAM, {});
    CHECK(!stream_.on, "STOP_STREAM");
  }
  // inference on the committed model: refused with a reason, or INFERENCE events once a window filled
  if (hook_) hook_->reliable = true;
  uint32_t inf0 = inferences_;
  command(MSG_SET_INFERENCE, {1});
  if (inferring_ && hook_) {
    // the ACK carries the rate in use; wait for the window and a few strides in steps of at most 500
    // frames (below the catch-up limit, which would restart the window)
    uint64_t frameUs = 1000000000ull / lastAckValue_ + 1;
    uint64_t frames = (uint64_t)hook_->windowFrames() + 3ull * hook_->strideFrames() + 2;
    uint64_t total = frames * frameUs, step = total / 64 + 1;
    if (step > 500 * frameUs) step = 500 * frameUs;
    for (uint64_t t = 0; t < total + step && inferences_ == inf0; t += step) tick(step);
    CHECK(inferences_ > inf0, "inference on, but no INFERENCE after a full window");
  }
  command(MSG_SET_INFERENCE, {0});
  command(MSG_MODEL_QUERY, {});
  command(MSG_GET_INFO, {});
}

void Case::run(uint32_t steps) {
  // the board
  uint32_t nSensors = r_.pct(80) ? 1 : 2;
  for (uint32_t i = 0; i < nSensors; i++) sensors_.push_back(new FuzzSensor(r_, i ? "aux" : "imu"));
  uint32_t slot = 4096 * (r_.pct(70) ? r_.range(3, 24) : r_.range(2, 80));
  flash_ = new FuzzFlash(slot, r_.pct(80) ? 256 : r_.pick(std::vector<uint32_t>{1, 4, 16, 64, 128}));
  flash_->rng = &r_;
  arena_ = r_.pct(90) ? r_.range(1000, 65536) : 0;
  withHook_ = r_.pct(90);
  // stale or previous contents sometimes
  if (r_.pct(20)) for (auto& b : flash_->mem) b = r_.pct(50) ? 0xFF : r_.byte();
  out_.onWrite = [this]() { drainOutput(); };
  boot();
  for (uint32_t i = 0; i < steps; i++) {
    stepsDone++;
    uint32_t what = r_.below(100);
    if (g_verbose) fprintf(stderr, "step %u action %u t=%llu\n", i, what, (unsigned long long)now_);
    if (what < 45) {
      randomCommand();
    } else if (what < 65) {
      for (uint32_t k = r_.range(1, 20); k; k--) tick(r_.range(0, 20000));
    } else if (what < 70) {
      static const std::vector<uint64_t> jumps = {1000000ull, 60000000ull, 3600000000ull, 86400000000ull, 1ull << 42};
      tick(r_.pick(jumps) + r_.below(1000));
    } else if (what < 78) {
      upload(false);
    } else if (what < 85) {
      command(MSG_SET_INFERENCE, {1});
      for (uint32_t k = r_.range(1, 30); k; k--) tick(r_.range(0, 50000));
    } else if (what < 89) {
      reboot();
    } else if (what < 96) {
      // flash faults for the next steps
      flash_->eraseFailPct = r_.pct(50) ? r_.range(1, 30) : 0;
      flash_->programFailPct = r_.pct(50) ? r_.range(1, 30) : 0;
      flash_->readFailPct = r_.pct(20) ? r_.range(1, 10) : 0;
      flash_->powerLossAt = r_.pct(60) ? flash_->ops + r_.range(1, 40) : 0;
    } else {
      flash_->clearFaults();
    }
    checkSlot();
  }
  recovery();
  if (g_verbose)
    fprintf(stderr, "case done: %u replies, %u SAMPLES, %u INFERENCE, %u power losses, %u reboots\n", replies_, samples_, inferences_,
            powerLosses_, reboots_);
  g_replies += replies_;
  g_samples += samples_;
  g_inferences += inferences_;
  g_powerLosses += powerLosses_;
  g_reboots += reboots_;
  cleanup();
}

void Case::cleanup() {
  delete core_;
  delete hook_;
  delete flash_;
  for (auto* s : sensors_) delete s;
  core_ = nullptr;
  hook_ = nullptr;
  flash_ = nullptr;
  sensors_.clear();
}

void Case::scenario(const std::string& name) {
  sensors_.push_back(new FuzzSensor(r_, "imu"));
  flash_ = new FuzzFlash(64 * 1024, 256);
  flash_->rng = &r_;
  arena_ = 65536;
  withHook_ = true;
  quiet_ = true;
  out_.onWrite = [this]() { drainOutput(); };
  boot();
  command(MSG_HELLO, {PROTOCOL_VERSION});
  if (name == "begin-flash-fault") {
    // a committed model, then a new upload whose first flash program fails after the records' sector
    // was erased: NACK(FLASH_ERROR), and the slot must no longer claim VALID (its header is gone)
    upload(true);
    CHECK(core_->modelState() == MODEL_VALID, "setup: model committed");
    flash_->programFailPct = 100;
    Bytes b;
    put32(b, 3000);
    put32(b, 0x12345678u);
    put32(b, 9);
    put32(b, 100);
    uint32_t acks = replies_;
    command(MSG_MODEL_BEGIN, b);
    CHECK(replies_ == acks + 1, "MODEL_BEGIN answered");
    CHECK(core_->modelState() != MODEL_VALID, "a failed MODEL_BEGIN left the slot VALID over an erased header");
    command(MSG_MODEL_QUERY, {});  // checked against the core and the flash by checkFrame/checkSlot
    flash_->clearFaults();
    reboot();
    CHECK(core_->modelState() != MODEL_VALID, "VALID after the reboot");
    upload(true);  // and the board takes a new model
  } else if (name == "nan-int16") {
    // a sensor glitch (NaN) in an int16 stream is sent as 0 (checkFrame compares every value)
    sensors_[0]->forceNaN = true;
    const SensorDesc& d = sensor(0);
    Bytes sr = {0};
    put32(sr, d.ratesMilliHz[0]);
    command(MSG_SET_RATE, sr);
    command(MSG_START_STREAM, {0, FMT_INT16, 4});
    CHECK(stream_.on, "stream started");
    uint64_t frameUs = 1000000000ull / d.ratesMilliHz[0] + 1;
    uint32_t before = samples_;
    for (int i = 0; i < 40 && samples_ < before + 3; i++) tick(frameUs);
    CHECK(samples_ >= before + 3, "int16 batches with NaN values sent");
    command(MSG_STOP_STREAM, {});
  } else {
    fail("unknown scenario " + name);
  }
  printf("scenario %s passed\n", name.c_str());
  cleanup();
}

double seconds_now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#if defined(FUZZ_SANITIZED)
void on_death() {
  fprintf(stderr, "FUZZ-SEED %llu step %llu (sanitizer finding above; reproduce: tinyml_fuzz --seed %llu --cases 1)\n",
          (unsigned long long)g_seed, (unsigned long long)g_step, (unsigned long long)g_seed);
}
#endif
}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 1, cases = 0, steps = 300;
  std::string scenario;
  double seconds = 0;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--seed" && i + 1 < argc) seed = strtoull(argv[++i], nullptr, 0);
    else if (a == "--cases" && i + 1 < argc) cases = strtoull(argv[++i], nullptr, 0);
    else if (a == "--seconds" && i + 1 < argc) seconds = strtod(argv[++i], nullptr);
    else if (a == "--steps" && i + 1 < argc) steps = strtoull(argv[++i], nullptr, 0);
    else if (a == "--verbose") g_verbose = true;
    else if (a == "--break-output") g_breakOutput = true;
    else if (a == "--scenario" && i + 1 < argc) scenario = argv[++i];
    else {
      fprintf(stderr, "usage: tinyml_fuzz [--seed S] [--cases N] [--seconds T] [--steps K] [--verbose] [--break-output]\n");
      return 2;
    }
  }
  if (!cases && seconds <= 0) cases = 100;
#if defined(FUZZ_SANITIZED)
  __sanitizer_set_death_callback(on_death);
#endif
  if (!scenario.empty()) {
    g_seed = seed;
    try {
      Case c(seed);
      c.scenario(scenario);
      return 0;
    } catch (Failure& f) {
      printf("FAIL scenario %s: %s\n", scenario.c_str(), f.why.c_str());
      fflush(stdout);
      _exit(1);
    }
  }
  double t0 = seconds_now();
  uint64_t done = 0, totalSteps = 0;
  for (uint64_t s = seed;; s++) {
    if (cases && done >= cases) break;
    if (seconds > 0 && seconds_now() - t0 >= seconds) break;
    g_seed = s;
    g_step = 0;
    Case c(s);
    try {
      c.run((uint32_t)steps);
    } catch (Failure& f) {
      printf("FAIL seed %llu step %llu: %s\n", (unsigned long long)s, (unsigned long long)g_step, f.why.c_str());
      printf("reproduce: tinyml_fuzz --seed %llu --cases 1 --verbose\n", (unsigned long long)s);
      fflush(stdout);
      _exit(1);  // the failed case's objects are left as they were (no leak report for them)
    } catch (PowerLoss&) {
      printf("FAIL seed %llu step %llu: power loss outside a command\n", (unsigned long long)s, (unsigned long long)g_step);
      fflush(stdout);
      _exit(1);
    }
    totalSteps += c.stepsDone;
    done++;
  }
  printf("cases %llu seeds %llu..%llu steps %llu seconds %.1f\n", (unsigned long long)done, (unsigned long long)seed,
         (unsigned long long)(seed + (done ? done - 1 : 0)), (unsigned long long)totalSteps, seconds_now() - t0);
  printf("exercised: %llu replies, %llu SAMPLES, %llu INFERENCE, %llu commits, %llu model loads, %llu power losses, %llu reboots\n",
         (unsigned long long)g_replies, (unsigned long long)g_samples, (unsigned long long)g_inferences, (unsigned long long)g_commits,
         (unsigned long long)g_loads, (unsigned long long)g_powerLosses, (unsigned long long)g_reboots);
  return 0;
}
