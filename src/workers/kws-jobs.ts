/**
 * The keyword worker's jobs over StudioStore, without worker plumbing (so they run in Node tests on
 * fake-indexeddb): load a stored model version as a keyword model, read a long recording (a sample of
 * the dataset or an imported WAV) as one int16 track, run a live recognition session over pushed
 * audio, and calibrate thresholds on a track. DOM-free core module.
 */
import { StudioError, throwIfAborted } from '../core/errors.ts';
import type { OpOptions } from '../core/progress.ts';
import type { StudioStore } from '../data/store/studio-store.ts';
import { parseWav } from '../data/io/wav.ts';
import { ContinuousRecognizer, hopSamplesFor, type ContinuousResult, type DetectorSettings } from '../ml/live/continuous.ts';
import { keywordModel, type KeywordModel, type ModelPrecision } from '../ml/live/continuous-model.ts';
import { scoreTrack, suggestOperatingPoint, sweepThresholds, type CalibrationReport, type KeywordEvent, type OperatingPoint, type TrackScores } from '../ml/live/calibration.ts';
import { parseLabelTrack } from '../ml/live/calibration-truth.ts';

export async function loadKeywordModel(store: StudioStore, modelId: string, precision: ModelPrecision): Promise<KeywordModel> {
  const rec = await store.getModel(modelId);
  if (!rec) throw new StudioError({ family: 'model', code: 'model-not-found', message: 'That model version no longer exists.', remedy: 'Choose another model version or train again.' });
  return keywordModel({ impulse: rec.impulse, int8Tflite: rec.artifacts.int8Tflite, floatTflite: rec.artifacts.floatTflite }, precision);
}

export interface Track {
  name: string;
  /** Mono samples in int16 units. */
  values: Float32Array;
  rateHz: number;
}

function notAudio(what: string): StudioError {
  return new StudioError({ family: 'model', code: 'kws-no-audio', message: `${what} is not a mono audio recording in int16 units.`, remedy: 'Choose a microphone recording or a mono WAV file.' });
}

/** A dataset sample as a track (one audio axis in int16 units). */
export async function sampleTrack(store: StudioStore, sampleId: string): Promise<Track> {
  const s = await store.getSample(sampleId);
  if (!s) throw new StudioError({ family: 'model', code: 'kws-no-audio', message: 'That recording no longer exists.', remedy: 'Choose another recording.' });
  const name = s.meta.sourceName ?? s.meta.label;
  if (s.meta.axes.length !== 1 || s.meta.axes[0].units !== 'int16') throw notAudio(`"${name}"`);
  return { name, values: s.values, rateHz: 1000 / s.meta.intervalMs };
}

/** A WAV file as a track (mono; the first channel of a multi-channel file). */
export function wavTrack(name: string, bytes: Uint8Array): Track {
  const r = parseWav(name, bytes);
  const c = r.axes.length;
  const values = c === 1 ? r.values : Float32Array.from({ length: Math.floor(r.values.length / c) }, (_, i) => r.values[i * c]);
  return { name: r.name, values, rateHz: 1000 / r.intervalMs };
}

function checkRate(model: KeywordModel, rateHz: number, what: string): void {
  if (Math.abs(rateHz - model.rateHz) > 0.5) {
    throw new StudioError({
      family: 'model',
      code: 'kws-rate-mismatch',
      message: `${what} is at ${Math.round(rateHz)} Hz but the model was trained on ${model.rateHz} Hz audio.`,
      remedy: `Use audio at ${model.rateHz} Hz (the microphone records at the impulse's rate).`,
    });
  }
}

export interface LiveSettings extends DetectorSettings {
  hopMs: number;
  background: string[];
}

/** Live recognition over pushed int16 audio. */
export class KwsLiveSession {
  private rec: ContinuousRecognizer;
  readonly hopSamples: number;

  constructor(
    readonly model: KeywordModel,
    streamRateHz: number,
    private settings: LiveSettings,
  ) {
    checkRate(model, streamRateHz, 'The microphone stream');
    this.hopSamples = hopSamplesFor(settings.hopMs, model.rateHz, model.windowSamples);
    this.rec = this.make(settings);
  }

  private make(s: LiveSettings): ContinuousRecognizer {
    const m = this.model;
    return new ContinuousRecognizer({ rateHz: m.rateHz, windowSamples: m.windowSamples, hopSamples: this.hopSamples, features: m.features, classify: m.classify, labels: m.labels, background: s.background, averaging: s.averaging, threshold: s.threshold, refractoryMs: s.refractoryMs });
  }

  /** New threshold / averaging / refractory / background; the audio already in the window is kept. */
  update(s: Partial<Omit<LiveSettings, 'hopMs'>>): void {
    const next = { ...this.settings, ...s };
    this.rec.configure(next.background, next);
    this.settings = next;
  }

  push(frames: ArrayLike<number>): ContinuousResult[] {
    return this.rec.push(frames);
  }
}

export interface CalibrateOptions extends OpOptions {
  hopMs: number;
  background: string[];
  averaging: number;
  refractoryMs: number;
  thresholds?: number[];
  truth?: KeywordEvent[];
  /** Audacity label track text (parsed when `truth` is absent). */
  labelTrack?: string;
  /** False activations per hour the suggested point may have (default 2). */
  maxFalsePerHour?: number;
}

export interface CalibrationResult {
  report: CalibrationReport;
  suggested: OperatingPoint | null;
  track: { name: string; durationMs: number };
  precision: ModelPrecision;
}

/** Scores a track with a model (checks the rate and that it holds at least one window). */
export function scoreWith(model: KeywordModel, track: Track, hopMs: number, opts: OpOptions = {}): TrackScores {
  checkRate(model, track.rateHz, `"${track.name}"`);
  if (track.values.length < model.windowSamples) {
    throw new StudioError({ family: 'model', code: 'kws-no-audio', message: `"${track.name}" is shorter than one ${Math.round((model.windowSamples * 1000) / model.rateHz)} ms window.`, remedy: 'Choose a longer recording (a few minutes of speech and background).' });
  }
  return scoreTrack(track.values, { rateHz: model.rateHz, windowSamples: model.windowSamples, hopSamples: hopSamplesFor(hopMs, model.rateHz, model.windowSamples), labels: model.labels, features: model.features, classify: model.classify, ...opts });
}

export function calibrateScores(scores: TrackScores, model: KeywordModel, trackName: string, o: CalibrateOptions): CalibrationResult {
  throwIfAborted(o.signal, 'model');
  const truth = o.truth ?? (o.labelTrack !== undefined ? parseLabelTrack(o.labelTrack) : undefined);
  const report = sweepThresholds(scores, { background: o.background, averaging: o.averaging, refractoryMs: o.refractoryMs, thresholds: o.thresholds, truth });
  return { report, suggested: suggestOperatingPoint(report, o.maxFalsePerHour ?? 2), track: { name: trackName, durationMs: scores.durationMs }, precision: model.precision };
}

/** Replays a track through the recognizer and sweeps the thresholds. */
export function calibrate(model: KeywordModel, track: Track, o: CalibrateOptions): CalibrationResult {
  return calibrateScores(scoreWith(model, track, o.hopMs, o), model, track.name, o);
}
