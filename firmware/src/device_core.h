// Device side of the framed protocol: handshake, streaming, model upload into the slot, inference events.
// Portable (no Arduino): the sketch and the host build feed bytes in, call tick() with a microsecond
// clock, and get frames out through Output. src/device/protocol/device-core.ts is its TypeScript twin and
// must make the same decisions in the same order (tests compare both byte for byte).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "flash.h"
#include "frame.h"
#include "model_slot.h"
#include "protocol_ids.h"

namespace tml {
static const uint8_t MAX_AXES = 9;
static const uint8_t MAX_RATES = 8;
static const uint8_t MAX_SENSORS = 4;
static const uint8_t MAX_CLASSES = 16;
static const uint32_t MAX_WINDOW_VALUES = 4096;
static const uint32_t MAX_CATCHUP_FRAMES = 1000;
static const uint32_t MAX_PROGRAM_UNIT = 256;
// Values (frames x axes) one SAMPLES batch can hold on the device; START_STREAM is refused above it.
static const uint32_t BATCH_VALUES = 512;
// An impulse's sample rate matches an offered sensor rate when they differ by at most 1 % of it.
static const uint32_t RATE_TOLERANCE_PERCENT = 1;

struct AxisDesc {
  const char* name;
  const char* units;
};

struct SensorDesc {
  const char* name;
  uint8_t axisCount;
  AxisDesc axes[MAX_AXES];
  uint8_t rateCount;
  uint32_t ratesMilliHz[MAX_RATES];
  uint32_t defaultRateMilliHz;
  // INT16 streams: raw = floor(value * perUnit + 0.5), scale sent = 1 / perUnit.
  float int16PerUnit[MAX_AXES];
};

class Sensor {
 public:
  virtual ~Sensor() {}
  virtual const SensorDesc& desc() const = 0;
  // Called before sampling starts at a rate from desc().ratesMilliHz.
  virtual bool setRate(uint32_t rateMilliHz) { (void)rateMilliHz; return true; }
  // Fills one value per axis for frame `index` since the sampler started.
  virtual void read(uint64_t index, float* out) = 0;
};

struct InferenceResult {
  uint8_t labelIndex;
  uint8_t count;
  float scores[MAX_CLASSES];
  uint32_t timingUs;
};

class InferenceHook {
 public:
  virtual ~InferenceHook() {}
  // Prepares a verified model (model may be nullptr if the flash is not memory-mapped).
  virtual bool load(const uint8_t* model, uint32_t length, uint32_t arenaSize) = 0;
  virtual void unload() {}
  virtual uint16_t windowFrames() const = 0;
  virtual uint16_t strideFrames() const = 0;
  // Sampling rate (mHz) the loaded impulse was trained at (from its descriptor), or 0: none known.
  virtual uint32_t sampleRateMilliHz() const { return 0; }
  // window: the last windowFrames() frames of sensor 0, interleaved, oldest first.
  virtual bool run(const float* window, uint8_t axes, InferenceResult& result) = 0;
};

class Output {
 public:
  virtual ~Output() {}
  virtual void write(const uint8_t* data, size_t n) = 0;
};

struct DeviceConfig {
  const char* board;
  const char* firmwareVersion;
  Sensor* sensors[MAX_SENSORS];
  uint8_t sensorCount;
  Flash* flash;
  uint32_t arenaCapacity;
  InferenceHook* inference;  // may be nullptr
  Output* out;
};

class DeviceCore {
 public:
  explicit DeviceCore(const DeviceConfig& cfg) : c_(cfg) {}
  // Reads the model slot (verifies header + CRC, or finds an interrupted upload to resume).
  void begin();
  void receive(const uint8_t* data, size_t n);
  void tick(uint64_t nowUs);
  void log(uint8_t level, const char* text);
  ModelState modelState() const { return state_; }
  uint32_t received() const { return received_; }
  uint32_t rxErrors() const { return dec_.errors; }

 private:
  void handle(const Frame& f);
  void send(uint8_t type, const uint8_t* p, size_t n);
  void ack(uint8_t type, uint8_t seq, uint32_t value);
  void nack(uint8_t type, uint8_t seq, uint8_t code, uint32_t value = 0);
  void sendInfo();
  bool patch(uint32_t addr, const uint8_t* data, uint32_t n);
  void modelBegin(uint8_t seq, const uint8_t* p);
  void modelData(uint8_t seq, const uint8_t* p, uint16_t len);
  void modelEnd(uint8_t seq);
  bool flushPage(bool final);
  void restartSampler();
  void stopStream();
  void flushBatch();
  void inferStep(const float* fr, uint8_t axes);
  void loadModel(uint32_t length, uint32_t arena);
  uint32_t impulseRate() const;
  bool ensureErased(uint32_t end);
  const SlotRecord* current() const;

  DeviceConfig c_;
  FrameDecoder dec_;
  uint8_t seqOut_ = 0;
  uint8_t tx_[MAX_ENCODED_FRAME + 1];
  uint8_t pl_[MAX_PAYLOAD];
  uint32_t rates_[MAX_SENSORS] = {0};
  // sampler
  bool sampling_ = false, startPending_ = false;
  uint64_t t0_ = 0, k_ = 0;
  float frame_[MAX_AXES];
  // stream
  bool streaming_ = false;
  uint8_t streamSensor_ = 0, streamFormat_ = FMT_FLOAT32, fpb_ = 1;
  float batch_[BATCH_VALUES];
  uint32_t batchLen_ = 0;
  uint64_t batchStart_ = 0;
  // slot
  ModelState state_ = MODEL_EMPTY;
  bool hasHeader_ = false, hasPending_ = false;
  SlotRecord header_, pending_;
  uint32_t received_ = 0, flushed_ = 0, marked_ = 0;
  uint32_t erasedEnd_ = 0;  // slot bytes [0, erasedEnd_) erased for the upload in progress
  uint8_t page_[MAX_PROGRAM_UNIT];
  bool uploadSession_ = false;
  // inference
  bool inferring_ = false, modelLoaded_ = false;
  float ring_[MAX_WINDOW_VALUES];
  uint32_t ringFill_ = 0, sinceRun_ = 0;
};

// Frames per batch the payload can carry (as the studio's maxFramesPerBatch).
uint32_t max_frames_per_batch(uint8_t axes, uint8_t format);
// Frames per batch START_STREAM accepts: the payload limit, and no more than batch_ holds.
uint32_t max_stream_frames(uint8_t axes, uint8_t format);
// The sensor rate (mHz) that serves an impulse sampled at `rate`: the offered rate nearest to it
// within RATE_TOLERANCE_PERCENT, or 0.
uint32_t matching_rate(const SensorDesc& d, uint32_t rate);
}  // namespace tml
