/**
 * Plain C++ (no Arduino API) for continuous keyword recognition on the board, emitted into the
 * library header of an audio impulse, and its settings. DOM-free core module.
 *
 * The rules are the app's continuous recognizer's (src/ml/live/continuous.ts: `WindowScorer` and
 * `KeywordDetector`), step for step:
 * - `AudioWindows`: window k ends at sample kWindowSamples + k × kHopSamples of the microphone stream.
 *   When the board falls behind (DSP + inference longer than a hop) it takes the newest due window
 *   and counts the ones it skipped (the app, never behind, scores every one).
 * - `ContinuousRecognizer`: the moving average of the last kAveraging probability vectors (a float64
 *   running sum: add the new one, subtract the one that left; the average clamped at 0 and stored as
 *   float32); the best keyword (a label not in the background list) fires when its average reaches
 *   kThreshold and also leads the average over all labels (background included; the first on ties),
 *   the recognizer is armed and kRefractoryMs have passed since the last detection
 *   (times are stream times: the end of the window, samples ÷ rate). Firing disarms it; it re-arms
 *   once the best keyword's average is below the threshold or no longer leads.
 *
 * `recognizeStream` is the same in TypeScript for the tests; the host test also runs the app's
 * `KeywordDetector` and requires the same detections.
 */
import { argmax } from '../metrics/argmax.ts';

export interface ContinuousSettings {
  /** Time between window ends (ms). */
  hopMs: number;
  /** Probability vectors averaged. */
  averaging: number;
  /** Averaged probability a keyword needs (0..1]. */
  threshold: number;
  /** No second detection within this time after one (ms). */
  refractoryMs: number;
  /** Labels that never fire; default: those that look like background by name (`guessBackgroundLabels`). */
  background?: string[];
}

export const DEFAULT_CONTINUOUS: ContinuousSettings = { hopMs: 250, averaging: 3, threshold: 0.8, refractoryMs: 1000 };

/** Labels that look like background by name (noise, silence, unknown, background, other, none, _…), as the app guesses them. */
export function guessBackgroundLabels(labels: string[]): string[] {
  return labels.filter((l) => /^(_|noise|silence|unknown|background|other|none)/i.test(l.trim()));
}

/**
 * The settings in samples. The hop is rounded to a whole number of the DSP's frame strides (when
 * given), so consecutive windows share frames the board does not compute again (250 ms with the
 * MFCC's 20 ms stride: 260 ms); the MFE's and spectrogram's 10 ms strides keep 250 ms.
 */
export function continuousPlan(s: Pick<ContinuousSettings, 'hopMs'>, hz: number, windowSamples: number, frameStride = 1): { hopSamples: number; hopMs: number; ringSamples: number } {
  const raw = Math.max(1, Math.min(windowSamples, Math.round((s.hopMs * hz) / 1000)));
  const hopSamples = frameStride > 1 ? Math.max(1, Math.round(raw / frameStride)) * frameStride : raw;
  return {
    hopSamples,
    hopMs: (hopSamples * 1000) / hz,
    // the window, the hop being written while the window is processed, and one more hop of slack
    ringSamples: windowSamples + 2 * hopSamples,
  };
}

export const AUDIO_RECOGNIZER_CPP = `// Window k ends at sample kWindowSamples + k x kHopSamples of the microphone stream. next() gives the
// newest due window (skipping those the board had no time for: see skipped()).
class AudioWindows {
 public:
  AudioWindows(uint32_t window = (uint32_t)kWindowSamples, uint32_t hop = (uint32_t)kHopSamples) : window_(window), hop_(hop) {}
  // written: samples received so far. True when a window is due; *start is its first sample.
  bool next(uint64_t written, uint64_t* start) {
    const uint64_t end = window_ + k_ * hop_;
    if (written < end) return false;
    const uint64_t newest = (written - window_) / hop_;  // the last k whose window has ended
    skipped_ += newest - k_;
    *start = newest * hop_;
    k_ = newest + 1;
    return true;
  }
  uint64_t skipped() const { return skipped_; }

 private:
  uint64_t window_, hop_;
  uint64_t k_ = 0;
  uint64_t skipped_ = 0;
};

// The app's keyword detector: moving average of kAveraging probability vectors, the best keyword
// fires at kThreshold when it also leads every label, armed and kRefractoryMs after the last
// detection; re-armed when it falls below the threshold or loses the lead.
class ContinuousRecognizer {
 public:
  // probs: kOutputSize probabilities of the window that ends at sample end_sample of the stream.
  // Returns the keyword heard at this window, or -1.
  int push(const float* probs, uint64_t end_sample) {
    for (int j = 0; j < kOutputSize; j++) sum_[j] += (double)probs[j];
    if (count_ == kAveraging) {
      for (int j = 0; j < kOutputSize; j++) sum_[j] -= (double)hist_[oldest_][j];
      for (int j = 0; j < kOutputSize; j++) hist_[oldest_][j] = probs[j];
      oldest_ = (oldest_ + 1) % kAveraging;
    } else {
      for (int j = 0; j < kOutputSize; j++) hist_[count_][j] = probs[j];
      count_++;
    }
    best_ = -1;
    for (int j = 0; j < kOutputSize; j++) {
      const double a = sum_[j] / count_;
      avg_[j] = (float)(a < 0 ? 0.0 : a);
      if (j < kLabelCount && !kBackground[j] && (best_ < 0 || avg_[j] > avg_[best_])) best_ = j;
    }
    if (best_ < 0) return -1;
    int top = 0;
    for (int j = 1; j < kLabelCount; j++) if (avg_[j] > avg_[top]) top = j;
    const double time_ms = (double)end_sample * 1000 / kFrequencyHz;
    if ((double)avg_[best_] >= kThreshold && top == best_) {
      if (armed_ && (!fired_ || time_ms - last_ms_ >= kRefractoryMs)) {
        armed_ = false;
        fired_ = true;
        last_ms_ = time_ms;
        return best_;
      }
    } else {
      armed_ = true;
    }
    return -1;
  }
  // The averaged probability of label i after the last push.
  float average(int i) const { return avg_[i]; }
  // The best keyword after the last push (-1 if every label is background).
  int best() const { return best_; }

 private:
  float hist_[kAveraging][kOutputSize] = {};
  double sum_[kOutputSize] = {};
  float avg_[kOutputSize] = {};
  int count_ = 0, oldest_ = 0, best_ = -1;
  bool armed_ = true, fired_ = false;
  double last_ms_ = 0;
};
`;

export interface RecognizerEvent {
  /** Index of the window (in the order the windows were classified). */
  window: number;
  label: number;
  score: number;
  timeMs: number;
}

/**
 * The C++ ContinuousRecognizer in TypeScript (the app's KeywordDetector rules), over the
 * probabilities of consecutive classified windows and the stream sample where each ends.
 */
export function recognizeStream(probs: ArrayLike<number>[], endSamples: number[], rateHz: number, labels: string[], s: Omit<ContinuousSettings, 'hopMs'>): RecognizerEvent[] {
  const n = labels.length;
  const background = s.background ?? guessBackgroundLabels(labels);
  const keyword = labels.map((l) => !background.includes(l));
  const hist: Float32Array[] = [];
  const sum = new Float64Array(n);
  let armed = true;
  let lastMs = -Infinity;
  const out: RecognizerEvent[] = [];
  probs.forEach((p, w) => {
    const v = Float32Array.from({ length: n }, (_, j) => p[j]);
    hist.push(v);
    for (let j = 0; j < n; j++) sum[j] += v[j];
    if (hist.length > s.averaging) {
      const old = hist.shift() as Float32Array;
      for (let j = 0; j < n; j++) sum[j] -= old[j];
    }
    const avg = new Float32Array(n);
    for (let j = 0; j < n; j++) avg[j] = Math.max(0, sum[j] / hist.length);
    let best = -1;
    for (let j = 0; j < n; j++) if (keyword[j] && (best < 0 || avg[j] > avg[best])) best = j;
    if (best < 0) return;
    const timeMs = (endSamples[w] * 1000) / rateHz;
    if (avg[best] >= s.threshold && argmax(avg) === best) {
      if (armed && timeMs - lastMs >= s.refractoryMs) {
        out.push({ window: w, label: best, score: avg[best], timeMs });
        armed = false;
        lastMs = timeMs;
      }
    } else {
      armed = true;
    }
  });
  return out;
}
