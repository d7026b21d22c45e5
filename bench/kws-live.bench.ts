/**
 * Continuous keyword recognition, measured the way the calibration view measures it
 * (src/ml/live/calibration.ts through the keyword worker's jobs). Run: npx tsx bench/kws-live.bench.ts
 *
 * Data (synthesized with espeak-ng, tests/support/kws/synth.ts): the keyword benchmark set (yes / no /
 * unknown / noise clips of the training voices; the held-out voices' clips as the test split); two 10-minute
 * tracks of changing background noise with keywords (6 a minute) and as many other words, spoken by
 * the held-out voices only (raised by a constant 20 dB gain, see `track`): one to calibrate, one to report.
 * Per seed (0, 1, 2; KWS_SEEDS=0 for a quick run): train the default audio impulse (MFE, 1-D conv over
 * time) in Node on WASM, int8 through the TFLite Micro-exact interpreter; replay the calibration track
 * (1 s windows every 250 ms, average of 3, refractory 1 s, noise and unknown as background), pick the
 * operating threshold the view suggests (fewest missed keywords with at most 2 false activations an
 * hour, ties to the higher threshold), then replay the report track at that threshold:
 *   BENCH audio.kws_false_activations_per_hour   false activations per hour on the report track (mean of seeds)
 *   BENCH audio.kws_missed_keywords              missed keywords, % of the track's keywords (mean)
 *   BENCH audio.kws_wrong_keywords               yes heard as no or the reverse, % of keywords (mean)
 *   BENCH audio.kws_operating_threshold          the threshold calibration chose (mean)
 *   BENCH audio.kws_int8_heldout_accuracy        int8 window accuracy on the held-out voices' clips (mean)
 *   BENCH audio.kws_replay_windows_per_s         DSP + int8 model windows per second when replaying (one thread)
 * Spreads (min–max over seeds) are printed beside. Exits 0 with a one-line reason when espeak-ng is absent.
 */
import '@tensorflow/tfjs-backend-wasm';
import type { ImpulseConfig } from '../src/core/impulse.ts';
import { useBackend } from '../src/ml/train/backend.ts';
import { trainImpulse } from '../src/ml/train/train-job.ts';
import { keywordModel } from '../src/ml/live/continuous-model.ts';
import { detectAll, matchDetections, sweepThresholds, suggestOperatingPoint, type KeywordEvent, type TrackScores } from '../src/ml/live/calibration.ts';
import { scoreWith } from '../src/workers/kws-jobs.ts';
import { ESPEAK_MISSING, KWS_RATE_HZ, KWS_TRAIN_VOICES, KWS_TEST_VOICES, espeakAvailable, kwsBenchRecordings, synthLongTrack } from '../tests/support/kws/synth.ts';
import { audioImpulse } from '../src/ml/defaults-audio.ts';

const HELD_OUT = KWS_TEST_VOICES;
const SEEDS = (process.env.KWS_SEEDS ?? '0,1,2').split(',').map(Number);
const MINUTES = Number(process.env.KWS_MINUTES ?? 10);
const DETECTOR = { averaging: 3, refractoryMs: 1000, background: ['noise', 'unknown'] };
const HOP_MS = 250;
const GAIN_DB = Number(process.env.KWS_TRACK_GAIN_DB ?? 20);

/** The default audio impulse (src/ml/defaults-audio.ts: 1 s MFE windows, EI's 1-D conv keyword model). */
function impulse(seed: number): ImpulseConfig {
  const imp = audioImpulse({ frequencyHz: KWS_RATE_HZ, axes: ['audio'], labels: [] });
  imp.training.seed = seed;
  return imp;
}

function bench(name: string, value: number, unit: string, note = ''): void {
  console.log(`BENCH audio.${name} ${Number(value.toPrecision(4))} ${unit}${note ? `  (${note})` : ''}`);
}

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const spread = (a: number[], d = 1) => `seeds ${SEEDS.join(',')}: ${a.map((v) => v.toFixed(d)).join(' / ')}; min–max ${Math.min(...a).toFixed(d)}–${Math.max(...a).toFixed(d)}`;

/**
 * A track and its keyword events. synthLongTrack's background is 20–200 int16 units RMS and its words
 * 5–20 dB above it, far below the training clips (speech 300–6000 RMS) and partly under the MFE noise
 * floor (−52 dBFS); a constant gain (KWS_TRACK_GAIN_DB, default 20 dB, clipped to int16), like a
 * microphone's gain setting, brings it to the clips' levels without changing any SNR.
 */
function track(seed: number): { samples: Float32Array; truth: KeywordEvent[] } {
  const t = synthLongTrack({ minutes: MINUTES, keywordsPerMinute: 6, seed, voices: HELD_OUT });
  const ms = (s: number) => (s * 1000) / t.rateHz;
  const g = Math.pow(10, GAIN_DB / 20);
  const samples = Float32Array.from(t.samples, (v) => Math.max(-32768, Math.min(32767, Math.round(v * g))));
  return { samples, truth: t.events.map((e) => ({ label: e.label, startMs: ms(e.onset), endMs: ms(e.end) })) };
}

/** Keywords whose own class reaches `p` in at least one window that overlaps them (what any detector could find). */
function reachable(s: TrackScores, truth: KeywordEvent[], p: number): number {
  const k = s.labels.length;
  return truth.filter((e) => {
    const j = s.labels.indexOf(e.label);
    if (j < 0 || e.label === 'unknown') return false;
    for (let i = 0; i < s.timesMs.length; i++) if (s.timesMs[i] > e.startMs && s.timesMs[i] - s.windowMs < e.endMs && s.probs[i * k + j] >= p) return true;
    return false;
  }).length;
}

async function main(): Promise<void> {
  if (!espeakAvailable()) {
    console.log(`kws-live bench skipped: ${ESPEAK_MISSING}`);
    return;
  }
  if (!(await useBackend('wasm'))) throw new Error('the WASM backend did not start');
  let t0 = performance.now();
  const recs = kwsBenchRecordings(0);
  const calib = track(101);
  const report = track(202);
  const kw = report.truth.filter((e) => e.label !== 'unknown').length;
  console.log(`data: ${recs.filter((r) => r.category === 'training').length} training clips (${KWS_TRAIN_VOICES.length} voices), ${recs.filter((r) => r.category === 'testing').length} held-out clips (${HELD_OUT.length} voices); tracks of ${MINUTES} min (gain ${GAIN_DB} dB) with ${kw} keywords and ${report.truth.length - kw} other words; ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const fa: number[] = [];
  const missed: number[] = [];
  const wrong: number[] = [];
  const thr: number[] = [];
  const acc: number[] = [];
  const wps: number[] = [];
  for (const seed of SEEDS) {
    t0 = performance.now();
    const job = await trainImpulse(recs, impulse(seed));
    job.model?.dispose();
    const trainS = (performance.now() - t0) / 1000;
    if (!job.int8Tflite) throw new Error(`seed ${seed}: no int8 model (${job.metrics.int8_error ?? '?'})`);
    acc.push((job.metrics.int8?.accuracy ?? NaN) * 100);
    const model = keywordModel({ impulse: job.impulse, int8Tflite: job.int8Tflite }, 'int8');
    t0 = performance.now();
    const cs: TrackScores = scoreWith(model, { name: 'calibration', values: calib.samples, rateHz: KWS_RATE_HZ }, HOP_MS);
    wps.push(cs.timesMs.length / ((performance.now() - t0) / 1000));
    const cal = sweepThresholds(cs, { ...DETECTOR, truth: calib.truth });
    const op = suggestOperatingPoint(cal, 2)!;
    const rs = scoreWith(model, { name: 'report', values: report.samples, rateHz: KWS_RATE_HZ }, HOP_MS);
    const p = sweepThresholds(rs, { ...DETECTOR, truth: report.truth, thresholds: [op.threshold] }).points[0];
    // where the false activations are: on the other words (distractors) or in the background
    const det = detectAll(rs, DETECTOR.background, { ...DETECTOR, threshold: op.threshold });
    const accept = rs.windowMs + (DETECTOR.averaging - 1) * rs.hopMs + 250;
    const kinds = matchDetections(det, report.truth, ['yes', 'no'], accept).kinds;
    const onOther = det.filter((d, i) => kinds[i] === 'false' && report.truth.some((e) => e.label === 'unknown' && d.timeMs > e.startMs && d.timeMs <= e.endMs + accept)).length;
    thr.push(op.threshold);
    fa.push(p.falseActivationsPerHour!);
    missed.push(p.missRate! * 100);
    wrong.push((p.wrong! / kw) * 100);
    console.log(
      `seed ${seed}: trained in ${trainS.toFixed(0)} s, int8 held-out accuracy ${acc[acc.length - 1].toFixed(1)} %; threshold ${op.threshold} ` +
        `(calibration track: ${op.falseActivationsPerHour!.toFixed(1)} false/h, ${op.missed} missed); report track: ${p.falseActivations} false activations ` +
        `(${p.falseActivationsPerHour!.toFixed(1)} /h; ${onOther} on other words), ${p.missed}/${kw} missed, ${p.wrong} wrong keyword`,
    );
    console.log(`  report track: ${reachable(rs, report.truth, 0.5)}/${kw} keywords reach p ≥ 0.5 in some window of their own`);
    console.log(`  report track, all thresholds: ${sweepThresholds(rs, { ...DETECTOR, truth: report.truth }).points.map((q) => `${q.threshold}: ${q.falseActivationsPerHour!.toFixed(0)}/h ${q.missed}m`).join(', ')}`);
  }
  bench('kws_false_activations_per_hour', mean(fa), '/h', spread(fa));
  bench('kws_missed_keywords', mean(missed), '%', spread(missed));
  bench('kws_wrong_keywords', mean(wrong), '%', spread(wrong));
  bench('kws_operating_threshold', mean(thr), '', spread(thr, 2));
  bench('kws_int8_heldout_accuracy', mean(acc), '%', spread(acc));
  bench('kws_replay_windows_per_s', mean(wps), 'windows/s', spread(wps, 0));
}

await main();
