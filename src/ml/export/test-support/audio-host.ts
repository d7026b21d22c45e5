/**
 * Test support: a host driver for the audio DSP kernels (AUDIO_DSP_CPP_KERNELS) that takes its plans
 * at run time, so one g++ build checks many parameter sets. Not part of the app: imported by tests.
 *
 * stdin, repeated: a plan line, its tables ("count v…" each), then "windows" and per window
 * "samples start capacity" and `capacity` int16 values of the ring; stdout per window "F f0 f1 …" (%.9g)
 * or "E count" when the kernel refused.
 */
import { AUDIO_DSP_CPP_KERNELS, AUDIO_PRELUDE, type AudioDspPlan } from '../templates/audio-dsp-cpp.ts';

export const AUDIO_HOST_MAIN = `${AUDIO_PRELUDE}
#include <stdio.h>
#include <stdlib.h>
#include <vector>
${AUDIO_DSP_CPP_KERNELS}

static std::vector<double> read_doubles() {
  int n = 0;
  if (scanf("%d", &n) != 1) exit(0);
  std::vector<double> v(n > 0 ? n : 1);
  for (int i = 0; i < n; i++)
    if (scanf("%lf", &v[i]) != 1) exit(4);
  return v;
}

int main() {
  for (;;) {
    impulse_audio_params p = {};
    int wrap = 0;
    if (scanf("%d %d %d %d %d %lf %d %d %d %d %d %lf", &p.block, &p.frame_length, &p.frame_stride, &p.frames, &p.fft_length, &p.pre_cof,
              &p.pre_shift, &p.filters, &p.cep, &p.win, &wrap, &p.noise_floor_db) != 12)
      return 0;
    p.mfe_wrap = wrap;
    std::vector<double> cr = read_doubles(), ci = read_doubles(), ur = read_doubles(), ui = read_doubles();
    std::vector<double> from_d = read_doubles(), to_d = read_doubles(), weights = read_doubles(), dct = read_doubles(), levels = read_doubles();
    std::vector<int16_t> from(from_d.size()), to(to_d.size());
    for (size_t i = 0; i < from.size(); i++) from[i] = (int16_t)from_d[i];
    for (size_t i = 0; i < to.size(); i++) to[i] = (int16_t)to_d[i];
    p.cr = cr.data(); p.ci = ci.data(); p.ur = ur.data(); p.ui = ui.data();
    p.filter_from = from.data(); p.filter_to = to.data(); p.filter_weights = weights.data();
    p.dct = dct.data(); p.mfe_levels = levels.data();
    const int m = p.fft_length / 2;
    const int bins = m + 1;
    const int per = p.block == 0 ? bins : p.block == 1 ? p.filters : p.cep;
    std::vector<double> zr(m), zi(m), frame(p.frame_length < p.fft_length ? p.frame_length : p.fft_length), power(bins), mel(p.filters + 1);
    std::vector<double> cep(p.frames * (p.cep + 1)), ms(p.frames * (p.cep + 1));
    std::vector<uint16_t> rev(m);
    impulse_audio_scratch s = {zr.data(), zi.data(), frame.data(), power.data(), mel.data(), cep.data(), ms.data(), rev.data()};
    int windows = 0;
    if (scanf("%d", &windows) != 1) return 4;
    for (int w = 0; w < windows; w++) {
      int samples = 0, start = 0, capacity = 0;
      if (scanf("%d %d %d", &samples, &start, &capacity) != 3) return 4;
      std::vector<int16_t> ring(capacity);
      for (int i = 0; i < capacity; i++) {
        int v;
        if (scanf("%d", &v) != 1) return 4;
        ring[i] = (int16_t)v;
      }
      std::vector<float> out(p.frames * per);
      const impulse_audio_input in = {ring.data(), capacity, start, samples, nullptr, 0, nullptr};
      const int k = impulse_audio_features(&p, &in, &s, out.data(), (int)out.size());
      if (k < 0) {
        printf("E %d\\n", k);
        continue;
      }
      printf("F");
      for (int i = 0; i < k; i++) printf(" %.9g", (double)out[i]);
      printf("\\n");
    }
  }
}
`;

const BLOCK: Record<AudioDspPlan['block'], number> = { spectrogram: 0, mfe: 1, mfcc: 2 };

/** One window as the driver reads it: the samples placed in a ring of `capacity` starting at `start`. */
export interface HostWindow {
  samples: ArrayLike<number>;
  /** Where the window starts in the ring (it wraps); default 0 with capacity = samples. */
  start?: number;
  capacity?: number;
}

/** The driver's stdin for a plan and its windows. */
export function audioHostInput(plan: AudioDspPlan, windows: HostWindow[]): string {
  const arr = (v: number[]) => `${v.length} ${v.map(String).join(' ')}`;
  const head = [BLOCK[plan.block], plan.frameLength, plan.frameStride, plan.frames, plan.fftLength, String(plan.preCof), plan.preShift, plan.filters, plan.cep, plan.win, plan.mfeWrap ? 1 : 0, String(plan.noiseFloorDb)].join(' ');
  const parts = [head, arr(plan.cr), arr(plan.ci), arr(plan.ur), arr(plan.ui), arr(plan.filterFrom), arr(plan.filterTo), arr(plan.filterWeights), arr(plan.dct), arr(plan.mfeLevels), String(windows.length)];
  for (const w of windows) {
    const n = w.samples.length;
    const cap = w.capacity ?? n;
    const start = w.start ?? 0;
    const ring = new Array<number>(cap).fill(0);
    for (let i = 0; i < n; i++) ring[(start + i) % cap] = w.samples[i];
    parts.push(`${n} ${start} ${cap}`, ring.join(' '));
  }
  return parts.join('\n') + '\n';
}

/**
 * Headers for building the audio sketch on the host, on top of ARDUINO_HOST_HEADERS: the PDM
 * library (fed from stdin by the driver) and a TFLM interpreter whose Invoke prints `Q` and the int8
 * input tensor, then looks the tensor up in HOST_OUTPUTS_FILE (lines "t0 … tN | o0 … oM": the app
 * interpreter's outputs for that exact tensor) and prints `NOMATCH` when it is not there.
 */
export const AUDIO_SKETCH_HOST_HEADERS: Record<string, string> = {
  'PDM.h': `#pragma once
#include <Arduino.h>
class PDMClass {
 public:
  void onReceive(void (*cb)(void));
  int begin(int channels, long rate);
  void setGain(int gain);
  int available();
  int read(void* buffer, size_t bytes);
};
extern PDMClass PDM;
`,
  'tensorflow/lite/micro/micro_interpreter.h': `#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"
typedef union { int8_t* int8; float* f; } TfLitePtrUnion;
typedef struct { TfLitePtrUnion data; } TfLiteTensor;
bool host_model_outputs(const int8_t* in, int n_in, int8_t* out, int n_out);
namespace tflite {
class MicroInterpreter {
 public:
  template <class Resolver>
  MicroInterpreter(const Model*, Resolver&, uint8_t*, size_t) {
    in_.data.int8 = in_buf_;
    out_.data.int8 = out_buf_;
  }
  TfLiteStatus AllocateTensors() { return kTfLiteOk; }
  TfLiteTensor* input(size_t) { return &in_; }
  TfLiteTensor* output(size_t) { return &out_; }
  size_t arena_used_bytes() const { return 0; }
  TfLiteStatus Invoke() {
    printf("Q");
    for (int i = 0; i < HOST_INPUT_SIZE; i++) printf(" %d", in_buf_[i]);
    printf("\\n");
    if (!host_model_outputs(in_buf_, HOST_INPUT_SIZE, out_buf_, HOST_OUTPUT_SIZE)) {
      printf("NOMATCH\\n");
      for (int i = 0; i < HOST_OUTPUT_SIZE; i++) out_buf_[i] = -128;
    }
    return kTfLiteOk;
  }

 private:
  int8_t in_buf_[HOST_INPUT_SIZE] = {0};
  int8_t out_buf_[HOST_OUTPUT_SIZE] = {0};
  TfLiteTensor in_, out_;
};
}  // namespace tflite
`,
};

/**
 * The audio sketch's host driver: Arduino basics (a fake micros() clock, Serial to stdout), the PDM
 * microphone delivering stdin's int16 samples in callbacks of HOST_PDM_CHUNK samples,
 * HOST_CHUNKS_PER_LOOP callbacks before each loop() (more than a hop per loop makes the board
 * "busy": windows are skipped), and the model-output lookup. Ends when stdin ends.
 */
export const AUDIO_SKETCH_HOST_MAIN = `#include <Arduino.h>
#include <PDM.h>
#include <vector>
#ifndef HOST_PDM_CHUNK
#define HOST_PDM_CHUNK 256
#endif
#ifndef HOST_CHUNKS_PER_LOOP
#define HOST_CHUNKS_PER_LOOP 1
#endif
static uint64_t host_now_us = 0;
unsigned long micros() { host_now_us += 50; return (unsigned long)(uint32_t)host_now_us; }
unsigned long millis() { return micros() / 1000; }
void delay(unsigned long ms) {
  host_now_us += (uint64_t)ms * 1000;
  if (host_now_us > 1000000000000ull) { fflush(stdout); exit(5); }
}
void pinMode(int, int) {}
void digitalWrite(int, int) {}
HostSerial Serial;
int HostSerial::available() { return 0; }
int HostSerial::read() { return -1; }
size_t HostSerial::print(const char* s) { return (size_t)printf("%s", s); }
size_t HostSerial::print(char c) { return (size_t)printf("%c", c); }
size_t HostSerial::print(int v) { return (size_t)printf("%d", v); }
size_t HostSerial::print(unsigned int v) { return (size_t)printf("%u", v); }
size_t HostSerial::print(long v) { return (size_t)printf("%ld", v); }
size_t HostSerial::print(unsigned long v) { return (size_t)printf("%lu", v); }
size_t HostSerial::print(double v, int digits) { return (size_t)printf("%.*f", digits, v); }
size_t HostSerial::println(const char* s) { return (size_t)printf("%s\\n", s); }
size_t HostSerial::println() { return (size_t)printf("\\n"); }

PDMClass PDM;
static void (*host_pdm_cb)(void) = nullptr;
static int16_t host_pdm_buf[HOST_PDM_CHUNK];
static int host_pdm_len = 0, host_pdm_pos = 0;
static bool host_pdm_started = false, host_pdm_eof = false;
void PDMClass::onReceive(void (*cb)(void)) { host_pdm_cb = cb; }
int PDMClass::begin(int channels, long rate) {
  printf("PDM %d %ld\\n", channels, rate);
  host_pdm_started = channels == 1 && rate == 16000;
  return host_pdm_started ? 1 : 0;
}
void PDMClass::setGain(int) {}
int PDMClass::available() { return (host_pdm_len - host_pdm_pos) * 2; }
int PDMClass::read(void* buffer, size_t bytes) {
  const int n = (int)bytes / 2;
  memcpy(buffer, host_pdm_buf + host_pdm_pos, (size_t)n * 2);
  host_pdm_pos += n;
  return n * 2;
}
// One PDM interrupt: the next chunk of stdin's samples.
static void host_pdm_pump() {
  host_pdm_len = 0;
  host_pdm_pos = 0;
  int v;
  while (host_pdm_len < HOST_PDM_CHUNK && scanf("%d", &v) == 1) host_pdm_buf[host_pdm_len++] = (int16_t)v;
  if (host_pdm_len < HOST_PDM_CHUNK) host_pdm_eof = true;
  if (host_pdm_len > 0 && host_pdm_cb) host_pdm_cb();
}

static std::vector<std::vector<int8_t>> model_in, model_out;
static void load_outputs() {
  const char* path = getenv("HOST_OUTPUTS_FILE");
  FILE* f = path ? fopen(path, "r") : nullptr;
  if (!f) return;
  std::vector<int8_t> cur;
  bool outs = false;
  char tok[32];
  while (fscanf(f, "%31s", tok) == 1) {
    if (tok[0] == '|') { model_in.push_back(cur); cur.clear(); outs = true; continue; }
    if (tok[0] == ';') { model_out.push_back(cur); cur.clear(); outs = false; continue; }
    cur.push_back((int8_t)atoi(tok));
  }
  (void)outs;
  fclose(f);
}
bool host_model_outputs(const int8_t* in, int n_in, int8_t* out, int n_out) {
  for (size_t k = 0; k < model_in.size(); k++) {
    if ((int)model_in[k].size() != n_in || memcmp(model_in[k].data(), in, (size_t)n_in) != 0) continue;
    for (int i = 0; i < n_out; i++) out[i] = model_out[k][i];
    return true;
  }
  return false;
}

#include "sketch.cpp"

int main() {
  load_outputs();
  setup();
  if (!host_pdm_started) return 3;
  while (!host_pdm_eof) {
    for (int c = 0; c < HOST_CHUNKS_PER_LOOP && !host_pdm_eof; c++) host_pdm_pump();
    loop();
  }
  for (int i = 0; i < 4; i++) loop();
  fflush(stdout);
  return 0;
}
`;
