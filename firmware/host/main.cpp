// Host build of the TinyML runtime protocol core: speaks the framed protocol over stdin/stdout with a
// file-backed model slot (survives a kill, like flash survives an unplug) and a fake 6-axis IMU.
// The TypeScript tests drive it (src/device/protocol/host-interop.test.ts).
//
//   tinyml_host --flash FILE [--slot-size BYTES] [--axes N] [--impulse-rate MHZ] [--script RUN_US,STEP_US]
//       run the device (default slot 256 KiB). --axes: the fake IMU's axis count (1..9, default 6);
//       --impulse-rate: the fake model runner reports this impulse sample rate (mHz, default none);
//       --script: deterministic run for byte-for-byte tests: all of stdin is received at clock 0, then
//       tick(t) for t = 0, STEP, 2 STEP, ... up to RUN, then exit.
//   tinyml_host --tool crc|cobs|uncobs|deframe       byte tools over stdin -> stdout
//   tinyml_host --tool frame TYPE SEQ                 frame stdin as payload
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "../src/cobs.h"
#include "../src/crc32.h"
#include "../src/device_core.h"
#include "../src/frame.h"

using namespace tml;

static void write_all(const uint8_t* d, size_t n) {
  while (n) {
    ssize_t k = write(1, d, n);
    if (k <= 0) exit(0);
    d += k;
    n -= (size_t)k;
  }
}

class StdoutOutput : public Output {
 public:
  void write(const uint8_t* d, size_t n) override { write_all(d, n); }
};

// In-memory NOR flash mirrored to a file after every erase/program.
class FileFlash : public Flash {
 public:
  FileFlash(const char* path, uint32_t size) : mem_(size, 0xFF) {
    fd_ = open(path, O_RDWR | O_CREAT, 0644);
    if (fd_ < 0) { perror("open flash"); exit(2); }
    ssize_t n = pread(fd_, mem_.data(), size, 0);
    if (n != (ssize_t)size) {
      std::fill(mem_.begin(), mem_.end(), 0xFF);
      persist(0, size);
    }
  }
  uint32_t size() const override { return (uint32_t)mem_.size(); }
  uint32_t sectorSize() const override { return 4096; }
  uint32_t programUnit() const override { return 256; }
  bool read(uint32_t a, uint8_t* b, uint32_t n) override {
    if ((uint64_t)a + n > mem_.size()) return false;
    memcpy(b, mem_.data() + a, n);
    return true;
  }
  bool erase(uint32_t a, uint32_t n) override {
    if (a % 4096 || n % 4096 || (uint64_t)a + n > mem_.size()) return false;
    memset(mem_.data() + a, 0xFF, n);
    persist(a, n);
    return true;
  }
  bool program(uint32_t a, const uint8_t* b, uint32_t n) override {
    if (a % 256 || n % 256 || (uint64_t)a + n > mem_.size()) return false;
    for (uint32_t i = 0; i < n; i++) mem_[a + i] &= b[i];
    persist(a, n);
    return true;
  }
  const uint8_t* mapped(uint32_t a) override { return mem_.data() + a; }

 private:
  void persist(uint32_t a, uint32_t n) {
    if (pwrite(fd_, mem_.data() + a, n, a) != (ssize_t)n) { perror("write flash"); exit(2); }
  }
  std::vector<uint8_t> mem_;
  int fd_;
};

// Same signal as fakeImuValue() in src/device/protocol/test-support/host-twin.ts.
class FakeImu : public Sensor {
 public:
  explicit FakeImu(uint8_t axes) {
    d_.name = "imu";
    d_.axisCount = axes;
    const char* names[9] = {"accX", "accY", "accZ", "gyrX", "gyrY", "gyrZ", "magX", "magY", "magZ"};
    const char* units[3] = {"m/s2", "deg/s", "uT"};  // the runtime firmware's units (board_imu.cpp)
    const float perUnit[3] = {4096.0f, 16.0f, 64.0f};
    for (int a = 0; a < axes; a++) {
      d_.axes[a].name = names[a];
      d_.axes[a].units = units[a / 3];
      d_.int16PerUnit[a] = perUnit[a / 3];
    }
    d_.rateCount = 4;
    const uint32_t rates[4] = {50000, 62500, 100000, 200000};
    for (int i = 0; i < 4; i++) d_.ratesMilliHz[i] = rates[i];
    d_.defaultRateMilliHz = 100000;
  }
  const SensorDesc& desc() const override { return d_; }
  void read(uint64_t index, float* out) override {
    for (int a = 0; a < d_.axisCount; a++) out[a] = (float)((int)((index * 37 + (uint64_t)a * 101) % 256) - 128) / 64.0f;
  }

 private:
  SensorDesc d_;
};

// Same as fakeInference in host-twin.ts.
class FakeInference : public InferenceHook {
 public:
  explicit FakeInference(uint32_t rate) : rate_(rate) {}
  bool load(const uint8_t*, uint32_t length, uint32_t) override { len_ = length; return true; }
  uint32_t sampleRateMilliHz() const override { return rate_; }
  uint16_t windowFrames() const override { return 50; }
  uint16_t strideFrames() const override { return 25; }
  bool run(const float* w, uint8_t axes, InferenceResult& r) override {
    double sum = 0;
    for (uint32_t i = 0; i < 50u * axes; i++) sum += w[i] < 0 ? -(double)w[i] : (double)w[i];
    r.labelIndex = (uint8_t)((uint64_t)sum % 3);
    r.count = 3;
    for (int i = 0; i < 3; i++) r.scores[i] = 0.25f;
    r.scores[r.labelIndex] = 0.5f;
    r.timingUs = 1000 + len_ % 1000;
    return true;
  }

 private:
  uint32_t rate_;
  uint32_t len_ = 0;
};

static std::vector<uint8_t> read_stdin() {
  std::vector<uint8_t> v;
  uint8_t b[4096];
  ssize_t n;
  while ((n = read(0, b, sizeof(b))) > 0) v.insert(v.end(), b, b + n);
  return v;
}

static int tool(const std::string& name, int argc, char** argv, int i) {
  std::vector<uint8_t> in = read_stdin();
  if (name == "crc") {
    printf("%08x\n", crc32(in.data(), in.size()));
    return 0;
  }
  if (name == "cobs") {
    std::vector<uint8_t> out(cobs_max_encoded(in.size()));
    write_all(out.data(), cobs_encode(in.data(), in.size(), out.data()));
    return 0;
  }
  if (name == "uncobs") {
    std::vector<uint8_t> out(in.size() + 1);
    long n = cobs_decode(in.data(), in.size(), out.data(), out.size());
    if (n < 0) return 1;
    write_all(out.data(), (size_t)n);
    return 0;
  }
  if (name == "frame" && i + 2 < argc) {
    int type = atoi(argv[i + 1]), seq = atoi(argv[i + 2]);
    std::vector<uint8_t> out(MAX_ENCODED_FRAME + 1);
    size_t n = encode_frame((uint8_t)type, (uint8_t)seq, in.data(), (uint16_t)in.size(), out.data());
    if (!n) return 1;
    write_all(out.data(), n);
    return 0;
  }
  if (name == "deframe") {
    FrameDecoder d;
    Frame f;
    for (uint8_t b : in)
      if (d.push(b, f)) {
        printf("%d %d ", f.type, f.seq);
        for (uint16_t k = 0; k < f.len; k++) printf("%02x", f.payload[k]);
        printf("\n");
      }
    printf("errors %u\n", d.errors);
    return 0;
  }
  fprintf(stderr, "unknown tool %s\n", name.c_str());
  return 2;
}

static uint64_t now_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000ull;
}

int main(int argc, char** argv) {
  const char* flashPath = nullptr;
  uint32_t slotSize = 256 * 1024;
  unsigned long axes = 6, impulseRate = 0, runUs = 0, stepUs = 0;
  bool script = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--tool" && i + 1 < argc) return tool(argv[i + 1], argc, argv, i + 1);
    if (a == "--flash" && i + 1 < argc) flashPath = argv[++i];
    else if (a == "--slot-size" && i + 1 < argc) slotSize = (uint32_t)strtoul(argv[++i], nullptr, 0);
    else if (a == "--axes" && i + 1 < argc) axes = strtoul(argv[++i], nullptr, 0);
    else if (a == "--impulse-rate" && i + 1 < argc) impulseRate = strtoul(argv[++i], nullptr, 0);
    else if (a == "--script" && i + 1 < argc && sscanf(argv[i + 1], "%lu,%lu", &runUs, &stepUs) == 2 && stepUs > 0) {
      script = true;
      i++;
    } else {
      fprintf(stderr, "usage: tinyml_host --flash FILE [--slot-size BYTES] [--axes N] [--impulse-rate MHZ] [--script RUN_US,STEP_US]"
                      " | --tool crc|cobs|uncobs|deframe|frame T S\n");
      return 2;
    }
  }
  if (!flashPath || slotSize % 4096 || slotSize < 8192) {
    fprintf(stderr, "need --flash FILE and a slot size that is a multiple of 4096 (>= 8192)\n");
    return 2;
  }
  if (axes < 1 || axes > MAX_AXES) {
    fprintf(stderr, "--axes must be 1..%d\n", MAX_AXES);
    return 2;
  }
  FileFlash flash(flashPath, slotSize);
  FakeImu imu((uint8_t)axes);
  FakeInference inf((uint32_t)impulseRate);
  StdoutOutput out;
  DeviceConfig cfg = {};
  cfg.board = "TinyML host twin";
  cfg.firmwareVersion = "0.1.0";
  cfg.sensors[0] = &imu;
  cfg.sensorCount = 1;
  cfg.flash = &flash;
  cfg.arenaCapacity = 65536;
  cfg.inference = &inf;
  cfg.out = &out;
  static DeviceCore core(cfg);
  core.begin();
  if (script) {
    std::vector<uint8_t> in = read_stdin();
    core.receive(in.data(), in.size());
    for (uint64_t t = 0; t <= runUs; t += stepUs) core.tick(t);
    return 0;
  }
  uint8_t buf[4096];
  for (;;) {
    pollfd p = {0, POLLIN, 0};
    int r = poll(&p, 1, 1);
    if (r > 0) {
      ssize_t n = read(0, buf, sizeof(buf));
      if (n <= 0) return 0;
      core.receive(buf, (size_t)n);
    }
    core.tick(now_us());
  }
}
