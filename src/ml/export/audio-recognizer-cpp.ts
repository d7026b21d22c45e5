/**
 * Plain C++ (no Arduino API) for continuous keyword recognition on the board, emitted into the
 * library header of an audio impulse, and its settings. DOM-free core module.
 *
 * - `AudioWindows`: given how many samples the microphone has written into the ring buffer, says
 *   when the next window is due: window k ends at sample kWindowSamples + k × kHopSamples. When the
 *   board falls behind (DSP + inference longer than a hop), it jumps to the newest due window and
 *   counts the ones it skipped, so recognition stays real time.
 * - `ContinuousRecognizer`: per window the model's scores; their moving average over the last
 *   kAverageWindows windows; the best label that is not a background label (noise, unknown,
 *   silence, background, other); a detection when that average reaches kThreshold, then
 *   kSuppressionWindows windows without detections (one keyword is heard once).
 *
 * The host test (arduino-audio-host.test.ts) runs both through the exported sketch and compares
 * them with `recognizeStream` below, the same rules in TypeScript.
 */

export interface ContinuousSettings {
  /** Time between window starts (ms). */
  hopMs: number;
  /** Windows averaged. */
  averageWindows: number;
  /** Averaged score a keyword needs (0..1). */
  threshold: number;
  /** After a detection, no other for this long (ms). */
  suppressionMs: number;
}

export const DEFAULT_CONTINUOUS: ContinuousSettings = { hopMs: 250, averageWindows: 3, threshold: 0.7, suppressionMs: 1000 };

/** Labels that are never reported as heard. */
export const BACKGROUND_LABEL = /^(_.*|noise|background( noise)?|silence|unknown|other)$/i;
export const isBackgroundLabel = (label: string): boolean => BACKGROUND_LABEL.test(label.trim());

/**
 * The settings in samples and windows. The hop is rounded to a whole number of the DSP's frame
 * strides (when given), so consecutive windows share frames the board does not compute again
 * (250 ms with MFCC's 20 ms stride: 260 ms).
 */
export function continuousPlan(s: ContinuousSettings, hz: number, windowSamples: number, frameStride = 1): { hopSamples: number; hopMs: number; suppressionWindows: number; ringSamples: number } {
  const raw = Math.max(1, Math.round((s.hopMs * hz) / 1000));
  const hopSamples = frameStride > 1 ? Math.max(1, Math.round(raw / frameStride)) * frameStride : raw;
  const hopMs = (hopSamples * 1000) / hz;
  return {
    hopSamples,
    hopMs,
    suppressionWindows: Math.max(0, Math.ceil(s.suppressionMs / hopMs - 1e-9) - 1),
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

// Moving average of the last kAverageWindows windows' scores; a label that is not background is
// heard when its average reaches kThreshold; then kSuppressionWindows windows hear nothing.
class ContinuousRecognizer {
 public:
  // scores: kOutputSize probabilities of one window. Returns the label heard at this window, or -1.
  int push(const float* scores) {
    for (int i = 0; i < kOutputSize; i++) hist_[slot_][i] = scores[i];
    slot_ = (slot_ + 1) % kAverageWindows;
    if (count_ < kAverageWindows) count_++;
    best_ = -1;
    for (int i = 0; i < kOutputSize; i++) {
      double sum = 0;
      for (int j = 0; j < count_; j++) sum += hist_[j][i];
      avg_[i] = sum / count_;
      if (i < kLabelCount && !kBackground[i] && (best_ < 0 || avg_[i] > avg_[best_])) best_ = i;
    }
    if (suppress_ > 0) {
      suppress_--;
      return -1;
    }
    if (best_ >= 0 && avg_[best_] >= (double)kThreshold) {
      suppress_ = kSuppressionWindows;
      return best_;
    }
    return -1;
  }
  // The averaged score of label i after the last push.
  double average(int i) const { return avg_[i]; }
  // The best non-background label after the last push (-1 if every label is background).
  int best() const { return best_; }

 private:
  float hist_[kAverageWindows][kOutputSize] = {};
  double avg_[kOutputSize] = {};
  int slot_ = 0, count_ = 0, suppress_ = 0, best_ = -1;
};
`;

export interface RecognizerEvent {
  /** Window index (0-based, in the order the windows were classified). */
  window: number;
  label: number;
  score: number;
}

/** The C++ ContinuousRecognizer's rules in TypeScript, over the scores of consecutive windows. */
export function recognizeStream(scores: ArrayLike<number>[], labels: string[], threshold: number, averageWindows: number, suppressionWindows: number): RecognizerEvent[] {
  const n = labels.length;
  const hist: number[][] = Array.from({ length: averageWindows }, () => new Array<number>(n).fill(0));
  let slot = 0;
  let count = 0;
  let suppress = 0;
  const out: RecognizerEvent[] = [];
  const th = Math.fround(threshold);
  scores.forEach((s, w) => {
    for (let i = 0; i < n; i++) hist[slot][i] = Math.fround(s[i]);
    slot = (slot + 1) % averageWindows;
    if (count < averageWindows) count++;
    const avg: number[] = [];
    let best = -1;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < count; j++) sum += hist[j][i];
      avg[i] = sum / count;
      if (!isBackgroundLabel(labels[i]) && (best < 0 || avg[i] > avg[best])) best = i;
    }
    if (suppress > 0) {
      suppress--;
      return;
    }
    if (best >= 0 && avg[best] >= th) {
      suppress = suppressionWindows;
      out.push({ window: w, label: best, score: avg[best] });
    }
  });
  return out;
}
