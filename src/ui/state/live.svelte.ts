/**
 * Live classification state: streams the connected (real or simulated) board's frames to the
 * Train/Test worker, which slides the model's impulse window over them and runs DSP + model every
 * stride. Holds the latest class probabilities, the smoothed decision and the end-to-end latency
 * (batch arrival on the page → result back on the page). Keeps running while the person switches
 * steps (e.g. to act out a gesture on the Device step). Frames come from the one connection manager
 * (`connection`, through `device`); a change of the board's rate ends the session. UI module.
 */
import { StudioError } from '../../core/errors.ts';
import type { ReadingBatch } from '../../device/connection.ts';
import type { LiveUpdate } from '../../workers/ml-api.ts';
import { trainWorker } from '../../workers/ml-client.ts';
import { connection, device } from './device.svelte.ts';
import { studio } from './studio.svelte.ts';

/** Batches waiting for the worker beyond this are dropped (the worker is busy, e.g. training). */
const MAX_IN_FLIGHT = 8;

class LiveState {
  running = $state(false);
  starting = $state(false);
  modelId = $state<string | null>(null);
  modelName = $state('');
  kind = $state<'classifier' | 'anomaly'>('classifier');
  labels = $state.raw<string[]>([]);
  probs = $state.raw<number[]>([]);
  smoothed = $state.raw<number[]>([]);
  top = $state<string | null>(null);
  decision = $state<string | null>(null);
  score = $state<number | null>(null);
  latencyMs = $state<number | null>(null);
  /** Mean latency over the last results. */
  latencyAvgMs = $state<number | null>(null);
  dspMs = $state(0);
  modelMs = $state(0);
  results = $state(0);
  dropped = $state(0);
  windowMs = $state(0);
  strideMs = $state(0);
  error = $state<string | null>(null);
  smoothing = $state(3);
  threshold = $state(0.6);

  private off: (() => void) | null = null;
  private offEnd: (() => void) | null = null;
  private offInfo: (() => void) | null = null;
  private inFlight = 0;
  private recent: number[] = [];
  private session = 0;
  /** The project whose model is running. */
  projectId = $state<string | null>(null);

  constructor() {
    // A model belongs to its project: opening another project ends the session.
    studio.onProjectChange((id) => {
      if (this.projectId !== null && id !== this.projectId) {
        this.projectId = null;
        void this.stop();
        this.results = 0;
        this.error = null;
      }
    });
  }

  async start(modelId: string): Promise<void> {
    await this.stop();
    const p = studio.project;
    if (!p) return;
    if (device.status !== 'streaming') {
      this.error = 'No device is streaming. Connect a board (or the simulated board) on the Device step.';
      return;
    }
    const session = ++this.session;
    this.starting = true;
    this.error = null;
    try {
      const w = await trainWorker();
      const info = await w.liveStart(p.id, modelId, { deviceAxes: device.axes.map((a) => a.name), rateHz: device.rateHz, smoothing: Number(this.smoothing), threshold: Number(this.threshold) });
      if (session !== this.session) return;
      const rec = await studio.s.getModel(modelId);
      this.modelId = modelId;
      this.projectId = p.id;
      this.modelName = rec?.name ?? '';
      this.kind = info.kind;
      this.labels = info.labels;
      this.probs = info.labels.map(() => 0);
      this.smoothed = this.probs;
      this.decision = null;
      this.top = null;
      this.score = null;
      this.latencyMs = null;
      this.latencyAvgMs = null;
      this.results = 0;
      this.dropped = 0;
      this.recent = [];
      this.windowMs = (info.windowFrames * 1000) / device.rateHz;
      this.strideMs = (info.strideFrames * 1000) / device.rateHz;
      // Start from the frames already in the ring so the first result comes after one stride.
      const pre = device.ring?.latest(info.windowFrames);
      if (pre && pre.length) await w.livePush(pre);
      this.off = device.onBatch((b) => this.onBatch(b, session));
      this.offEnd = device.onEnd(() => {
        if (session === this.session) void this.stop('The device stream ended.');
      });
      const rateHz = device.rateHz;
      this.offInfo = connection.addEventListener('info', (e) => {
        if (session === this.session && e.info.rateHz !== rateHz) void this.stop(`The board now samples at ${e.info.rateHz} Hz instead of ${rateHz} Hz: start live classification again.`);
      });
      this.running = true;
    } catch (e) {
      this.error = e instanceof StudioError ? e.describe() : e instanceof Error ? e.message : String(e);
    } finally {
      if (session === this.session) this.starting = false;
    }
  }

  private onBatch(b: ReadingBatch, session: number): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.dropped++;
      return;
    }
    this.inFlight++;
    const frames = b.frames.slice();
    void trainWorker()
      .then((w) => w.livePush(frames))
      .then((updates) => {
        if (session !== this.session || updates.length === 0) return;
        // The newest frame of every completed window arrived with this batch.
        this.apply(updates[updates.length - 1], performance.now() - b.arrivedAt, updates.length);
      })
      .catch((e: unknown) => {
        if (session === this.session) void this.stop(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        this.inFlight--;
      });
  }

  private apply(u: LiveUpdate, latency: number, n: number): void {
    this.probs = u.probs;
    this.smoothed = u.smoothed;
    this.top = u.top;
    this.decision = u.decision;
    this.score = u.score ?? null;
    this.dspMs = u.dspMs;
    this.modelMs = u.modelMs;
    this.latencyMs = latency;
    this.recent.push(latency);
    if (this.recent.length > 20) this.recent.shift();
    this.latencyAvgMs = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    this.results += n;
  }

  async stop(reason?: string): Promise<void> {
    this.session++;
    this.off?.();
    this.offEnd?.();
    this.offInfo?.();
    this.off = null;
    this.offEnd = null;
    this.offInfo = null;
    const was = this.running;
    this.running = false;
    this.starting = false;
    if (reason) this.error = reason;
    if (was) {
      try {
        (await trainWorker()).liveStop();
      } catch {
        /* worker gone */
      }
    }
  }
}

export const live = new LiveState();
