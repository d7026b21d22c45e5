/**
 * Live keyword recognition of the microphone on the Test step: opens the browser microphone at the
 * model's rate (mic-stream.ts resamples), streams its int16 batches to the keyword worker (which runs
 * DSP + int8 model every hop, averages and detects), and holds the latest probabilities, the top
 * class and a log of detections. The detector settings (threshold, averaging, refractory time,
 * background labels) can change while it runs; the hop and precision apply at the next start.
 * UI module.
 */
import { StudioError } from '../../core/errors.ts';
import { openBrowserMicrophone } from '../../device/mic/browser-mic.ts';
import { openMicStream, type MicStream } from '../../device/mic/mic-stream.ts';
import { DEFAULT_DETECTOR } from '../../ml/live/continuous.ts';
import type { Detection, KwsUpdate, ModelPrecision } from '../../workers/kws-client.ts';
import { kwsWorker } from '../../workers/kws-client.ts';
import { studio } from './studio.svelte.ts';

/** Batches waiting for the worker beyond this are dropped (a slow machine). */
const MAX_IN_FLIGHT = 6;
/** Detections kept in the log. */
const LOG_MAX = 50;

export interface LoggedDetection extends Detection {
  /** Wall-clock time it arrived on the page. */
  at: number;
}

class KwsLiveState {
  running = $state(false);
  starting = $state(false);
  error = $state<string | null>(null);
  modelId = $state<string | null>(null);
  labels = $state.raw<string[]>([]);
  probs = $state.raw<number[]>([]);
  averaged = $state.raw<number[]>([]);
  top = $state<string | null>(null);
  detections = $state.raw<LoggedDetection[]>([]);
  results = $state(0);
  dropped = $state(0);
  dspMs = $state(0);
  modelMs = $state(0);
  windowMs = $state(0);
  hopMsUsed = $state(0);
  micName = $state('');

  // settings
  threshold = $state(DEFAULT_DETECTOR.threshold);
  averaging = $state(DEFAULT_DETECTOR.averaging);
  refractoryMs = $state(DEFAULT_DETECTOR.refractoryMs);
  hopMs = $state(250);
  precision = $state<ModelPrecision>('int8');
  background = $state.raw<string[]>([]);

  private mic: MicStream | null = null;
  private off: (() => void) | null = null;
  private session = 0;
  private inFlight = 0;

  constructor() {
    studio.onProjectChange(() => void this.stop());
  }

  async start(modelId: string, rateHz: number): Promise<void> {
    await this.stop();
    const session = ++this.session;
    this.starting = true;
    this.error = null;
    try {
      const input = await openBrowserMicrophone();
      const mic = await openMicStream(input, { rateHz });
      if (session !== this.session) {
        await mic.close();
        return;
      }
      this.mic = mic;
      this.micName = mic.info.deviceName;
      const w = kwsWorker();
      const info = await w.liveStart({ modelId, precision: this.precision, streamRateHz: mic.info.rateHz, hopMs: Number(this.hopMs), background: this.background, averaging: Number(this.averaging), threshold: Number(this.threshold), refractoryMs: Number(this.refractoryMs) });
      if (session !== this.session) return;
      this.modelId = modelId;
      this.labels = info.labels;
      this.probs = info.labels.map(() => 0);
      this.averaged = this.probs;
      this.top = null;
      this.detections = [];
      this.results = 0;
      this.dropped = 0;
      this.windowMs = info.windowMs;
      this.hopMsUsed = info.hopMs;
      this.off = mic.onBatch((b) => this.onBatch(b.frames, session));
      mic.onEnd((e) => {
        if (session === this.session) void this.stop(e ? e.describe() : 'The microphone stopped.');
      });
      this.running = true;
    } catch (e) {
      this.error = e instanceof StudioError ? e.describe() : e instanceof Error ? e.message : String(e);
      await this.stop();
    } finally {
      if (session === this.session) this.starting = false;
    }
  }

  private onBatch(frames: Float32Array, session: number): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.dropped++;
      return;
    }
    this.inFlight++;
    kwsWorker()
      .livePush(frames)
      .then((updates) => {
        if (session === this.session && updates.length) this.apply(updates);
      })
      .catch((e: unknown) => {
        if (session === this.session) void this.stop(e instanceof StudioError ? e.describe() : e instanceof Error ? e.message : String(e));
      })
      .finally(() => this.inFlight--);
  }

  private apply(updates: KwsUpdate[]): void {
    const u = updates[updates.length - 1];
    this.probs = u.probs;
    this.averaged = u.averaged;
    this.top = u.top;
    this.dspMs = u.dspMs;
    this.modelMs = u.modelMs;
    this.results += updates.length;
    const fired = updates.flatMap((x) => (x.detection ? [{ ...x.detection, at: Date.now() }] : []));
    if (fired.length) this.detections = [...fired.reverse(), ...this.detections].slice(0, LOG_MAX);
  }

  /** Sends the current detector settings to a running session. */
  async applySettings(): Promise<void> {
    if (!this.running) return;
    try {
      await kwsWorker().liveUpdate({ background: this.background, averaging: Number(this.averaging), threshold: Number(this.threshold), refractoryMs: Number(this.refractoryMs) });
      this.error = null;
    } catch (e) {
      this.error = e instanceof StudioError ? e.describe() : e instanceof Error ? e.message : String(e);
    }
  }

  async stop(reason?: string): Promise<void> {
    this.session++;
    this.off?.();
    this.off = null;
    const mic = this.mic;
    this.mic = null;
    const was = this.running;
    this.running = false;
    this.starting = false;
    if (reason) this.error = reason;
    await mic?.close().catch(() => undefined);
    if (was) {
      try {
        kwsWorker().liveStop();
      } catch {
        /* worker gone */
      }
    }
  }
}

export const kwsLive = new KwsLiveState();
