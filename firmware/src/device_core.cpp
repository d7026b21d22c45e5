#include "device_core.h"

#include <math.h>
#include <string.h>

#include "crc32.h"
#include "wire.h"

namespace tml {

uint32_t max_frames_per_batch(uint8_t axes, uint8_t format) {
  uint32_t per = format == FMT_INT16 ? 2 : 4;
  uint32_t head = 8 + (format == FMT_INT16 ? 4u * axes : 0u);
  if (head >= MAX_PAYLOAD) return 0;
  uint32_t n = (MAX_PAYLOAD - head) / (per * (axes ? axes : 1));
  return n > 255 ? 255 : n;
}

uint32_t max_stream_frames(uint8_t axes, uint8_t format) {
  uint32_t n = max_frames_per_batch(axes, format);
  uint32_t fit = BATCH_VALUES / (axes ? axes : 1);
  return n < fit ? n : fit;
}

uint32_t matching_rate(const SensorDesc& d, uint32_t rate) {
  uint32_t best = 0;
  uint64_t bestDiff = 0;
  for (uint8_t i = 0; i < d.rateCount; i++) {
    uint32_t r = d.ratesMilliHz[i];
    uint64_t diff = r > rate ? r - rate : rate - r;
    if (diff * 100 > (uint64_t)rate * RATE_TOLERANCE_PERCENT) continue;
    if (best == 0 || diff < bestDiff) {
      best = r;
      bestDiff = diff;
    }
  }
  return best;
}

static uint32_t ceil_to(uint32_t v, uint32_t unit) { return (v + unit - 1) / unit * unit; }

// Small text builder for LOG messages (no printf: keeps the image small).
namespace {
struct Text {
  char b[256];
  size_t n = 0;
  Text& s(const char* t) {
    while (*t && n + 1 < sizeof(b)) b[n++] = *t++;
    b[n] = 0;
    return *this;
  }
  Text& u(uint32_t v) {
    char d[11];
    int k = 0;
    do {
      d[k++] = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    while (k && n + 1 < sizeof(b)) b[n++] = d[--k];
    b[n] = 0;
    return *this;
  }
  // mHz as Hz: "62.5", "104", "0.001".
  Text& hz(uint32_t mhz) {
    u(mhz / 1000);
    uint32_t f = mhz % 1000;
    if (f) {
      char d[4] = {(char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10), 0};
      int k = 3;
      while (k > 0 && d[k - 1] == '0') d[--k] = 0;
      s(".").s(d);
    }
    return *this;
  }
};
}  // namespace

void DeviceCore::begin() {
  for (uint8_t i = 0; i < c_.sensorCount; i++) rates_[i] = c_.sensors[i]->desc().defaultRateMilliHz;
  Flash& f = *c_.flash;
  uint8_t meta[2 * SLOT_HEADER_SIZE];
  hasHeader_ = hasPending_ = false;
  state_ = MODEL_EMPTY;
  received_ = flushed_ = marked_ = 0;
  modelLoaded_ = false;
  if (!f.read(0, meta, sizeof(meta))) return;
  SlotRecord h, p;
  bool hv = decode_slot_record(meta, SLOT_HEADER_MAGIC, h);
  bool pv = decode_slot_record(meta + SLOT_PENDING_OFFSET, SLOT_PENDING_MAGIC, p);
  uint32_t cap = slot_capacity(f.size());
  if (hv && h.length > 0 && h.length <= cap) {
    uint32_t c;
    if (flash_crc32(f, SLOT_DATA_OFFSET, h.length, c) && c == h.crc32) {
      header_ = h;
      hasHeader_ = true;
      state_ = MODEL_VALID;
      loadModel(h.length, h.arena);
      return;
    }
  }
  if (pv && p.length > 0 && p.length <= cap) {
    pending_ = p;
    hasPending_ = true;
    state_ = MODEL_RECEIVING;
    uint32_t blocks = (p.length + SLOT_PROGRESS_BLOCK - 1) / SLOT_PROGRESS_BLOCK;
    uint32_t done = 0;
    uint8_t w[4];
    while (done < blocks && f.read(SLOT_PROGRESS_OFFSET + 4 * done, w, 4) && (w[0] | w[1] | w[2] | w[3]) == 0) done++;
    marked_ = done;
    uint64_t r = (uint64_t)done * SLOT_PROGRESS_BLOCK;
    received_ = flushed_ = (uint32_t)(r < p.length ? r : p.length);
    // the sector holding flushed_ was erased before its first page was programmed
    erasedEnd_ = ceil_to(SLOT_DATA_OFFSET + flushed_, f.sectorSize());
  }
}

void DeviceCore::receive(const uint8_t* data, size_t n) {
  Frame f;
  for (size_t i = 0; i < n; i++)
    if (dec_.push(data[i], f)) handle(f);
}

void DeviceCore::send(uint8_t type, const uint8_t* p, size_t n) {
  size_t len = encode_frame(type, seqOut_, p, (uint16_t)n, tx_);
  seqOut_++;
  if (len) c_.out->write(tx_, len);
}

void DeviceCore::ack(uint8_t type, uint8_t seq, uint32_t value) {
  uint8_t b[6];
  Writer w(b, sizeof(b));
  w.u8(type).u8(seq).u32(value);
  send(MSG_ACK, b, w.size());
}

void DeviceCore::nack(uint8_t type, uint8_t seq, uint8_t code, uint32_t value) {
  uint8_t b[7];
  Writer w(b, sizeof(b));
  w.u8(type).u8(seq).u8(code).u32(value);
  send(MSG_NACK, b, w.size());
}

void DeviceCore::log(uint8_t level, const char* text) {
  size_t n = strlen(text);
  if (n > MAX_PAYLOAD - 1) n = MAX_PAYLOAD - 1;
  pl_[0] = level;
  memcpy(pl_ + 1, text, n);
  send(MSG_LOG, pl_, n + 1);
}

const SlotRecord* DeviceCore::current() const {
  if (hasHeader_) return &header_;
  if (hasPending_) return &pending_;
  return nullptr;
}

void DeviceCore::sendInfo() {
  Writer w(pl_, sizeof(pl_));
  w.u8(PROTOCOL_VERSION).str(c_.firmwareVersion).str(c_.board).u8(c_.sensorCount);
  for (uint8_t i = 0; i < c_.sensorCount; i++) {
    const SensorDesc& d = c_.sensors[i]->desc();
    w.str(d.name).u8(d.axisCount);
    for (uint8_t a = 0; a < d.axisCount; a++) w.str(d.axes[a].name).str(d.axes[a].units);
    w.u8(d.rateCount);
    for (uint8_t r = 0; r < d.rateCount; r++) w.u32(d.ratesMilliHz[r]);
    w.u32(rates_[i]);
  }
  w.u32(slot_capacity(c_.flash->size())).u32(c_.arenaCapacity);
  const SlotRecord* r = current();
  w.u8(state_).u32(r ? r->sequence : 0).u32(r ? r->crc32 : 0).u32(r ? r->length : 0).u32(r ? r->arena : 0);
  w.u16(MAX_PAYLOAD);
  send(MSG_INFO, pl_, w.size());
}

void DeviceCore::handle(const Frame& f) {
  const uint8_t t = f.type, s = f.seq;
  const uint8_t* p = f.payload;
  switch (t) {
    case MSG_HELLO:
      if (f.len != 1) return nack(t, s, NACK_BAD_PAYLOAD);
      stopStream();
      inferring_ = false;
      sampling_ = false;
      return sendInfo();
    case MSG_GET_INFO:
      if (f.len != 0) return nack(t, s, NACK_BAD_PAYLOAD);
      return sendInfo();
    case MSG_SET_RATE: {
      if (f.len != 5) return nack(t, s, NACK_BAD_PAYLOAD);
      uint8_t sensor = p[0];
      uint32_t rate = get_u32(p + 1);
      if (sensor >= c_.sensorCount) return nack(t, s, NACK_NO_SENSOR);
      if (streaming_ || inferring_) return nack(t, s, NACK_BUSY);
      const SensorDesc& d = c_.sensors[sensor]->desc();
      bool found = false;
      for (uint8_t i = 0; i < d.rateCount; i++) found = found || d.ratesMilliHz[i] == rate;
      if (!found) {
        uint32_t best = d.rateCount ? d.ratesMilliHz[0] : 0;
        for (uint8_t i = 0; i < d.rateCount; i++) {
          uint32_t r = d.ratesMilliHz[i];
          uint32_t dr = r > rate ? r - rate : rate - r, db = best > rate ? best - rate : rate - best;
          if (dr < db) best = r;
        }
        return nack(t, s, NACK_UNSUPPORTED_RATE, best);
      }
      rates_[sensor] = rate;
      return ack(t, s, rate);
    }
    case MSG_START_STREAM: {
      if (f.len != 3) return nack(t, s, NACK_BAD_PAYLOAD);
      uint8_t sensor = p[0], format = p[1], fpb = p[2];
      if (sensor >= c_.sensorCount) return nack(t, s, NACK_NO_SENSOR);
      uint8_t axes = c_.sensors[sensor]->desc().axisCount;
      if (format != FMT_FLOAT32 && format != FMT_INT16) return nack(t, s, NACK_BAD_PAYLOAD);
      uint32_t maxFpb = max_stream_frames(axes, format);
      if (fpb < 1 || fpb > maxFpb) return nack(t, s, NACK_BAD_PAYLOAD, maxFpb);
      if (uploadSession_) return nack(t, s, NACK_BUSY);
      streaming_ = true;
      streamSensor_ = sensor;
      streamFormat_ = format;
      fpb_ = fpb;
      batchLen_ = 0;
      batchStart_ = 0;
      restartSampler();
      return ack(t, s, 0);
    }
    case MSG_STOP_STREAM: {
      if (f.len != 0) return nack(t, s, NACK_BAD_PAYLOAD);
      uint32_t n = streaming_ ? (uint32_t)k_ : 0;
      stopStream();
      if (!inferring_) sampling_ = false;
      return ack(t, s, n);
    }
    case MSG_SET_INFERENCE: {
      if (f.len != 1) return nack(t, s, NACK_BAD_PAYLOAD);
      if (!p[0]) {
        inferring_ = false;
        if (!streaming_) sampling_ = false;
        return ack(t, s, 0);
      }
      if (state_ != MODEL_VALID || !c_.inference || !modelLoaded_) return nack(t, s, NACK_NO_MODEL);
      if (uploadSession_) return nack(t, s, NACK_BUSY);
      uint32_t need = (uint32_t)c_.inference->windowFrames() * c_.sensors[0]->desc().axisCount;
      if (need > MAX_WINDOW_VALUES) return nack(t, s, NACK_NO_MODEL);
      uint32_t want = impulseRate();
      if (want) {
        uint32_t r = matching_rate(c_.sensors[0]->desc(), want);
        if (!r) return nack(t, s, NACK_UNSUPPORTED_RATE, want);
        if (streaming_ && rates_[0] != r) return nack(t, s, NACK_BUSY, r);
        rates_[0] = r;
      }
      inferring_ = true;
      ringFill_ = 0;
      sinceRun_ = 0;
      memset(ring_, 0, sizeof(float) * need);
      if (!sampling_) restartSampler();
      return ack(t, s, rates_[0]);
    }
    case MSG_MODEL_BEGIN:
      if (f.len != 16) return nack(t, s, NACK_BAD_PAYLOAD);
      return modelBegin(s, p);
    case MSG_MODEL_DATA:
      if (f.len < 5 || f.len > 4 + SLOT_MAX_CHUNK) return nack(t, s, NACK_BAD_PAYLOAD);
      return modelData(s, p, f.len);
    case MSG_MODEL_END:
      if (f.len != 0) return nack(t, s, NACK_BAD_PAYLOAD);
      return modelEnd(s);
    case MSG_MODEL_QUERY: {
      if (f.len != 0) return nack(t, s, NACK_BAD_PAYLOAD);
      const SlotRecord* r = current();
      uint8_t b[17];
      Writer w(b, sizeof(b));
      w.u8(state_).u32(r ? r->sequence : 0).u32(r ? r->length : 0).u32(r ? r->crc32 : 0);
      w.u32(state_ == MODEL_VALID ? (r ? r->length : 0) : received_);
      return send(MSG_MODEL_STATUS, b, w.size());
    }
    default:
      return nack(t, s, NACK_UNKNOWN_TYPE);
  }
}

// ------------------------------------------------------------------ model upload

bool DeviceCore::patch(uint32_t addr, const uint8_t* data, uint32_t n) {
  uint32_t u = c_.flash->programUnit();
  uint32_t a0 = addr / u * u;
  uint32_t a1 = ceil_to(addr + n, u);
  uint8_t buf[MAX_PROGRAM_UNIT];
  for (uint32_t a = a0; a < a1; a += u) {
    memset(buf, 0xFF, u);
    for (uint32_t i = 0; i < u; i++) {
      uint32_t x = a + i;
      if (x >= addr && x < addr + n) buf[i] = data[x - addr];
    }
    if (!c_.flash->program(a, buf, u)) return false;
  }
  return true;
}

void DeviceCore::modelBegin(uint8_t seq, const uint8_t* p) {
  const uint8_t T = MSG_MODEL_BEGIN;
  SlotRecord m;
  m.length = get_u32(p);
  m.crc32 = get_u32(p + 4);
  m.sequence = get_u32(p + 8);
  m.arena = get_u32(p + 12);
  if (streaming_ || inferring_) return nack(T, seq, NACK_BUSY);
  if (m.length == 0) return nack(T, seq, NACK_BAD_PAYLOAD);
  uint32_t cap = slot_capacity(c_.flash->size());
  if (m.length > cap) return nack(T, seq, NACK_TOO_LARGE, cap);
  if (m.arena > c_.arenaCapacity) return nack(T, seq, NACK_TOO_LARGE, c_.arenaCapacity);
  if (state_ == MODEL_RECEIVING && hasPending_ && pending_.length == m.length && pending_.crc32 == m.crc32 &&
      pending_.sequence == m.sequence && pending_.arena == m.arena) {
    uploadSession_ = true;
    return ack(T, seq, received_);
  }
  if (modelLoaded_ && c_.inference) c_.inference->unload();
  modelLoaded_ = false;
  // The old model is gone once the records' sector is erased: forget it first, so a failing erase or
  // program leaves the slot EMPTY (as a reset would find it), never VALID over an erased header.
  hasHeader_ = hasPending_ = false;
  state_ = MODEL_EMPTY;
  received_ = flushed_ = marked_ = 0;
  uploadSession_ = false;
  // Only the records' sector now; the payload's sectors are erased as the data reaches them
  // (ensureErased), so no command waits for more than one sector erase.
  uint32_t sec = c_.flash->sectorSize();
  erasedEnd_ = 0;
  if (!ensureErased(sec)) return nack(T, seq, NACK_FLASH_ERROR);
  uint8_t rec[SLOT_HEADER_SIZE];
  encode_slot_record(SLOT_PENDING_MAGIC, m, rec);
  if (!patch(SLOT_PENDING_OFFSET, rec, SLOT_HEADER_SIZE)) return nack(T, seq, NACK_FLASH_ERROR);
  pending_ = m;
  hasPending_ = true;
  state_ = MODEL_RECEIVING;
  received_ = flushed_ = marked_ = 0;
  uploadSession_ = true;
  inferring_ = false;
  return ack(T, seq, 0);
}

bool DeviceCore::ensureErased(uint32_t end) {
  uint32_t sec = c_.flash->sectorSize();
  while (erasedEnd_ < end) {
    if (!c_.flash->erase(erasedEnd_, sec)) return false;
    erasedEnd_ += sec;
  }
  return true;
}

bool DeviceCore::flushPage(bool final) {
  uint32_t u = c_.flash->programUnit();
  uint32_t len = pending_.length;
  while (received_ - flushed_ >= u || (final && received_ > flushed_)) {
    uint32_t n = received_ - flushed_ < u ? received_ - flushed_ : u;
    uint8_t buf[MAX_PROGRAM_UNIT];
    memset(buf, 0xFF, u);
    memcpy(buf, page_, n);
    if (!ensureErased(SLOT_DATA_OFFSET + flushed_ + u)) return false;
    if (!c_.flash->program(SLOT_DATA_OFFSET + flushed_, buf, u)) return false;
    flushed_ += n;
    memset(page_, 0xFF, sizeof(page_));
    while ((uint64_t)(marked_ + 1) * SLOT_PROGRESS_BLOCK <= flushed_ ||
           (flushed_ >= len && (uint64_t)marked_ * SLOT_PROGRESS_BLOCK < len)) {
      static const uint8_t zero[4] = {0, 0, 0, 0};
      if (!patch(SLOT_PROGRESS_OFFSET + 4 * marked_, zero, 4)) return false;
      marked_++;
    }
  }
  return true;
}

void DeviceCore::modelData(uint8_t seq, const uint8_t* p, uint16_t plen) {
  const uint8_t T = MSG_MODEL_DATA;
  if (state_ != MODEL_RECEIVING || !uploadSession_ || !hasPending_) return nack(T, seq, NACK_BAD_STATE);
  uint32_t offset = get_u32(p);
  const uint8_t* data = p + 4;
  uint32_t n = plen - 4u;
  if ((uint64_t)offset + n > pending_.length) return nack(T, seq, NACK_BAD_PAYLOAD, received_);
  if (offset > received_) return nack(T, seq, NACK_OUT_OF_ORDER, received_);
  uint32_t u = c_.flash->programUnit();
  for (uint32_t i = received_ - offset; i < n; i++) {
    page_[(received_ - flushed_) % u] = data[i];
    received_++;
    if (received_ - flushed_ == u && !flushPage(false)) return nack(T, seq, NACK_FLASH_ERROR, received_);
  }
  return ack(T, seq, received_);
}

void DeviceCore::modelEnd(uint8_t seq) {
  const uint8_t T = MSG_MODEL_END;
  if (state_ != MODEL_RECEIVING || !uploadSession_ || !hasPending_) return nack(T, seq, NACK_BAD_STATE);
  if (received_ < pending_.length) return nack(T, seq, NACK_INCOMPLETE, received_);
  if (!flushPage(true)) return nack(T, seq, NACK_FLASH_ERROR);
  uint32_t c = 0;
  bool readOk = flash_crc32(*c_.flash, SLOT_DATA_OFFSET, pending_.length, c);
  uploadSession_ = false;
  if (!readOk) return nack(T, seq, NACK_FLASH_ERROR);
  if (c != pending_.crc32) {
    c_.flash->erase(0, c_.flash->sectorSize());
    hasPending_ = false;
    state_ = MODEL_EMPTY;
    received_ = flushed_ = marked_ = 0;
    log(LOG_ERROR, "model crc mismatch, slot cleared");
    return nack(T, seq, NACK_CRC_MISMATCH, c);
  }
  uint8_t rec[SLOT_HEADER_SIZE];
  encode_slot_record(SLOT_HEADER_MAGIC, pending_, rec);
  SlotRecord h;
  uint8_t back[SLOT_HEADER_SIZE];
  if (!patch(0, rec, SLOT_HEADER_SIZE) || !c_.flash->read(0, back, SLOT_HEADER_SIZE) ||
      !decode_slot_record(back, SLOT_HEADER_MAGIC, h))
    return nack(T, seq, NACK_FLASH_ERROR);
  header_ = h;
  hasHeader_ = true;
  state_ = MODEL_VALID;
  Text text;
  text.s("model ").u(h.sequence).s(" committed, ").u(h.length).s(" bytes");
  log(LOG_INFO, text.b);
  loadModel(h.length, h.arena);
  return ack(T, seq, c);
}

// Hands the verified slot to the model runner; an impulse with a sample rate then sets sensor 0's
// rate (PROTOCOL.md "Sampling rate of the impulse").
void DeviceCore::loadModel(uint32_t length, uint32_t arena) {
  modelLoaded_ = c_.inference ? c_.inference->load(c_.flash->mapped(SLOT_DATA_OFFSET), length, arena) : false;
  uint32_t want = impulseRate();
  if (!want || c_.sensorCount == 0) return;
  const SensorDesc& d = c_.sensors[0]->desc();
  uint32_t r = matching_rate(d, want);
  Text text;
  if (!r) {
    text.s("the impulse was sampled at ").hz(want).s(" Hz; the sensor offers");
    for (uint8_t i = 0; i < d.rateCount; i++) text.s(i ? ", " : " ").hz(d.ratesMilliHz[i]);
    text.s(" Hz: inference refused (UNSUPPORTED_RATE)");
    return log(LOG_WARN, text.b);
  }
  if (!streaming_) rates_[0] = r;
  text.s("sampling at ").hz(r).s(" Hz for the impulse (").hz(want).s(" Hz)");
  log(LOG_INFO, text.b);
}

uint32_t DeviceCore::impulseRate() const {
  return modelLoaded_ && c_.inference ? c_.inference->sampleRateMilliHz() : 0;
}

// ------------------------------------------------------------------ sampling

void DeviceCore::restartSampler() {
  sampling_ = true;
  startPending_ = true;
  k_ = 0;
  ringFill_ = 0;
  sinceRun_ = 0;
}

void DeviceCore::stopStream() {
  if (streaming_) flushBatch();
  streaming_ = false;
}

void DeviceCore::flushBatch() {
  if (batchLen_ == 0) return;
  const SensorDesc& d = c_.sensors[streamSensor_]->desc();
  uint8_t axes = d.axisCount;
  uint32_t frames = batchLen_ / axes;
  Writer w(pl_, sizeof(pl_));
  w.u32((uint32_t)batchStart_).u8(axes).u8((uint8_t)frames).u8(streamFormat_).u8(0);
  if (streamFormat_ == FMT_INT16) {
    for (uint8_t a = 0; a < axes; a++) w.f32((float)(1.0 / (double)d.int16PerUnit[a]));
    for (uint32_t i = 0; i < frames * axes; i++) {
      double x = floor((double)batch_[i] * (double)d.int16PerUnit[i % axes] + 0.5);
      if (x != x) x = 0;  // a sensor glitch (NaN) is sent as 0, never converted undefined
      if (x < -32768) x = -32768;
      if (x > 32767) x = 32767;
      w.i16((int16_t)x);
    }
  } else {
    for (uint32_t i = 0; i < frames * axes; i++) w.f32(batch_[i]);
  }
  batchLen_ = 0;
  send(MSG_SAMPLES, pl_, w.size());
}

void DeviceCore::tick(uint64_t nowUs) {
  if (!sampling_) return;
  if (startPending_) {
    t0_ = nowUs;
    startPending_ = false;
    for (uint8_t i = 0; i < c_.sensorCount; i++) c_.sensors[i]->setRate(rates_[i]);
  }
  uint8_t sensor = streaming_ ? streamSensor_ : 0;
  uint32_t rate = rates_[sensor];
  if (nowUs < t0_ || rate == 0) return;
  uint64_t due = (nowUs - t0_) * (uint64_t)rate / 1000000000ull + 1;
  if (due - k_ > MAX_CATCHUP_FRAMES && due > k_) {
    if (streaming_) flushBatch();
    k_ = due - MAX_CATCHUP_FRAMES;
    ringFill_ = 0;
  }
  Sensor* s = c_.sensors[sensor];
  uint8_t axes = s->desc().axisCount;
  while (k_ < due) {
    s->read(k_, frame_);
    if (streaming_) {
      if (batchLen_ == 0) batchStart_ = k_;
      for (uint8_t a = 0; a < axes; a++) batch_[batchLen_++] = frame_[a];
      if (batchLen_ >= (uint32_t)fpb_ * axes) flushBatch();
    }
    if (inferring_ && sensor == 0) inferStep(frame_, axes);
    k_++;
  }
}

void DeviceCore::inferStep(const float* fr, uint8_t axes) {
  InferenceHook* hook = c_.inference;
  uint32_t W = hook->windowFrames();
  memmove(ring_, ring_ + axes, sizeof(float) * (W - 1) * axes);
  memcpy(ring_ + (W - 1) * axes, fr, sizeof(float) * axes);
  if (ringFill_ < W) ringFill_++;
  sinceRun_++;
  if (ringFill_ >= W && sinceRun_ >= hook->strideFrames() && modelLoaded_) {
    sinceRun_ = 0;
    InferenceResult r;
    memset(&r, 0, sizeof(r));
    if (!hook->run(ring_, axes, r)) return;
    uint8_t count = r.count > MAX_CLASSES ? MAX_CLASSES : r.count;
    Writer w(pl_, sizeof(pl_));
    w.u32(r.timingUs).u8(r.labelIndex).u8(FMT_FLOAT32).u8(count);
    for (uint8_t i = 0; i < count; i++) w.f32(r.scores[i]);
    send(MSG_INFERENCE, pl_, w.size());
  }
}
}  // namespace tml
