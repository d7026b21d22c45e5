/**
 * The calibration view's state: which long recording (a dataset sample, or a WAV file with an optional
 * Audacity label track as ground truth), the run in the keyword worker with its progress, the table of
 * operating points, and applying a chosen threshold to live recognition. UI module.
 */
import { isCancelled, StudioError } from '../../core/errors.ts';
import type { CalibrationResult, KwsTrackSource } from '../../workers/kws-client.ts';
import { kwsProgressProxy, kwsWorker, newKwsJobId } from '../../workers/kws-client.ts';
import { kwsLive } from './kws-live.svelte.ts';

class KwsCalibrationState {
  running = $state(false);
  progress = $state(0);
  stage = $state('');
  error = $state<string | null>(null);
  result = $state.raw<CalibrationResult | null>(null);
  /** Picked threshold (a row of the table). */
  chosen = $state<number | null>(null);
  private jobId: string | null = null;

  async run(modelId: string, source: KwsTrackSource, labelTrack?: string): Promise<void> {
    this.cancel();
    const jobId = newKwsJobId();
    this.jobId = jobId;
    this.running = true;
    this.progress = 0;
    this.stage = 'starting';
    this.error = null;
    try {
      const res = await kwsWorker().calibrate(
        {
          jobId,
          modelId,
          precision: kwsLive.precision,
          source,
          hopMs: Number(kwsLive.hopMs),
          background: kwsLive.background,
          averaging: Number(kwsLive.averaging),
          refractoryMs: Number(kwsLive.refractoryMs),
          labelTrack,
        },
        kwsProgressProxy((p) => {
          if (this.jobId !== jobId) return;
          this.stage = p.stage;
          if (p.fraction !== undefined) this.progress = p.fraction;
        }),
      );
      if (this.jobId !== jobId) return;
      this.result = res;
      this.chosen = res.suggested?.threshold ?? null;
    } catch (e) {
      if (this.jobId !== jobId) return;
      if (isCancelled(e)) return;
      this.error = e instanceof StudioError ? e.describe() : e instanceof Error ? e.message : String(e);
    } finally {
      if (this.jobId === jobId) {
        this.running = false;
        this.jobId = null;
      }
    }
  }

  cancel(): void {
    if (this.jobId) kwsWorker().cancel(this.jobId);
    this.jobId = null;
    this.running = false;
  }

  /** Uses the chosen threshold (and the calibration's averaging and refractory time) for live recognition. */
  async apply(): Promise<void> {
    const r = this.result;
    if (!r || this.chosen === null) return;
    kwsLive.threshold = this.chosen;
    kwsLive.averaging = r.report.settings.averaging;
    kwsLive.refractoryMs = r.report.settings.refractoryMs;
    await kwsLive.applySettings();
  }

  clear(): void {
    this.cancel();
    this.result = null;
    this.chosen = null;
    this.error = null;
  }
}

export const kwsCalibration = new KwsCalibrationState();
