/**
 * Recording from the connected device into the current project. UI module around the core Recorder.
 */
import { Recorder } from '../../data/recorder.ts';
import type { Category } from '../../data/sample.ts';
import { studio } from './studio.svelte.ts';
import { device } from './device.svelte.ts';
import { notices } from './notices.svelte.ts';
import { ScreenKeeper } from '../../device/phone/wake-lock.ts';

class RecordingState {
  label = $state('idle');
  lengthMs = $state(2000);
  category = $state<Category | 'auto'>('auto');
  active = $state.raw<Recorder | null>(null);
  capturedMs = $state(0);
  /** Who records (kept in each sample's metadata when set; a class merges several people's data). */
  person = $state('');
  /** A wake-lock problem while recording on a phone (the screen may lock). */
  screenProblem = $state<string | null>(null);
  /** A recording cut short by an unplug, waiting for keep / trim / discard. */
  interrupted = $state.raw<Recorder | null>(null);

  /** Every fifth sample of a label goes to testing when the category is "auto" (an 80/20 split). */
  private pickCategory(): Category {
    if (this.category !== 'auto') return this.category;
    const same = studio.samples.filter((s) => s.label === this.label.trim());
    return same.length % 5 === 4 ? 'testing' : 'training';
  }

  /** True from the click until the recording is stored (or failed), so a second click cannot race it. */
  busy = $state(false);

  async start(): Promise<void> {
    const project = studio.project;
    if (!project || device.status !== 'streaming' || this.active || this.busy) return;
    this.busy = true;
    try {
      await this.run(project.id);
    } finally {
      this.busy = false;
    }
  }

  private async run(projectId: string): Promise<void> {
    const label = this.label.trim();
    if (!label) {
      notices.push({ kind: 'warning', title: 'Label needed', text: 'Type a label (for example "wave") before recording.' });
      return;
    }
    let rec: Recorder;
    try {
      rec = await Recorder.start(
        studio.s,
        { projectId, label, category: this.pickCategory(), axes: device.axes, intervalMs: device.intervalMs, deviceName: device.name, deviceType: device.mode ?? undefined, person: this.person.trim() || undefined, capture: device.captureInfo() },
        { lengthMs: this.lengthMs, onProgress: (ms) => (this.capturedMs = ms), captureAtEnd: () => device.captureInfo() },
      );
    } catch (e) {
      notices.error(e, 'Recording did not start');
      return;
    }
    this.active = rec;
    this.capturedMs = 0;
    const offBatch = device.onBatch((b) => rec.push(b.frames, b.t0));
    // A phone that dims and locks stops its motion events: keep the screen on while recording.
    const keeper = device.mode === 'phone' ? new ScreenKeeper() : null;
    if (keeper) void keeper.hold().then(() => (this.screenProblem = keeper.problem));
    const offEnd = device.onEnd((reason) => {
      if (reason === 'unplugged' && rec.state === 'recording') {
        void rec.interrupt().then(() => {
          this.interrupted = rec;
          this.active = null;
        });
      }
    });
    try {
      const meta = await rec.done;
      if (meta) notices.push({ kind: 'success', title: 'Sample saved', text: `${meta.label}: ${(meta.length * meta.intervalMs / 1000).toFixed(2)} s (${meta.category})` });
    } catch (e) {
      notices.error(e, 'Recording stopped');
      await rec.interrupt();
      this.interrupted = rec.capturedFrames > 0 ? rec : null;
    } finally {
      offBatch();
      offEnd();
      void keeper?.release();
      if (this.active === rec) this.active = null;
      await studio.samplesChanged();
    }
  }

  async resolveInterrupted(choice: 'keep' | 'trim' | 'discard'): Promise<void> {
    const rec = this.interrupted;
    if (!rec) return;
    this.interrupted = null;
    try {
      if (choice === 'discard') await rec.discard();
      else if (choice === 'keep') await rec.keep();
      else {
        // Trim the last half second, which often holds the unplug jolt.
        const drop = Math.round(500 / rec.meta.intervalMs);
        await rec.keep({ from: 0, to: Math.max(1, rec.capturedFrames - drop) });
      }
    } catch (e) {
      notices.error(e, 'Saving the interrupted recording');
    }
    await studio.samplesChanged();
  }
}

export const recording = new RecordingState();
