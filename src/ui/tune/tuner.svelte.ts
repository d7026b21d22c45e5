/**
 * The impulse tuner panel's state: runs the tuner on the project's training samples in workers
 * (src/workers/tune-pool.ts; each trial saved with the project in IndexedDB, so a later run resumes),
 * keeps the ranking and Pareto front, and applies a candidate (saves the impulse, sets the learning
 * block and training settings, trains the final model). UI module.
 */
import { TARGETS } from '../../ml/export/estimate.ts';
import { candidateImpulse } from '../../ml/tune/space.ts';
import { summarize, type TunedEntry, type TunerState } from '../../ml/tune/tuner.ts';
import { usableSamples } from '../../data/store/usable-samples.ts';
import { isCancelled } from '../../core/errors.ts';
import { tuneInWorkers } from '../../workers/tune-pool.ts';
import { notices } from '../state/notices.svelte.ts';
import { studio } from '../state/studio.svelte.ts';
import { draftFromLearn, training } from '../state/training.svelte.ts';

export class TunerPanelState {
  board = $state('rp2040');
  budgetS = $state(120);
  running = $state(false);
  trials = $state(0);
  ranked = $state.raw<TunedEntry[]>([]);
  front = $state.raw<TunedEntry[]>([]);
  chosen = $state.raw<TunedEntry | null>(null);
  error = $state<string | null>(null);
  readonly boards = TARGETS.map((t) => ({ id: t.id, name: t.name }));
  private ctl: AbortController | null = null;
  private projectId: string | null = null;

  /** Shows the project's saved tuner run (call from an effect). */
  async sync(): Promise<void> {
    const p = studio.project;
    if (!p || p.id === this.projectId) return;
    this.projectId = p.id;
    this.ranked = [];
    this.front = [];
    this.chosen = null;
    this.trials = 0;
    const saved = await studio.s.getTunerState<TunerState>(p.id);
    if (saved && studio.project?.id === p.id) {
      const s = summarize(saved);
      this.board = saved.settings.board;
      this.trials = saved.trials.length;
      this.ranked = s.ranked;
      this.front = s.front;
      this.chosen = s.chosen ?? null;
    }
  }

  async start(fresh = false): Promise<void> {
    const p = studio.project;
    if (!p || this.running) return;
    this.running = true;
    this.error = null;
    this.ctl = new AbortController();
    try {
      const w = training.baseImpulse().windowing;
      const { usable } = await usableSamples(studio.s, p.id, w, { category: 'training', order: 'name' });
      const values = await studio.s.getSampleValues(usable.map((m) => m.id));
      const recordings = usable.map((m, i) => ({ name: m.sourceName ?? m.id, label: m.label, axes: m.axes, intervalMs: m.intervalMs, values: values[i] ?? new Float32Array(0) }));
      const res = await tuneInWorkers(studio.s, p.id, recordings, { board: this.board, budgetMs: this.budgetS * 1000 }, {
        fresh,
        signal: this.ctl.signal,
        onTrial: (_r, state) => {
          const s = summarize(state);
          this.trials = state.trials.length;
          this.ranked = s.ranked;
          this.front = s.front;
          this.chosen = s.chosen ?? null;
        },
      });
      this.trials = res.state.trials.length;
      this.ranked = res.ranked;
      this.front = res.front;
      this.chosen = res.chosen ?? null;
    } catch (e) {
      if (!isCancelled(e)) {
        this.error = e instanceof Error ? e.message : String(e);
        notices.error(e, 'The tuner stopped');
      }
    } finally {
      this.running = false;
      this.ctl = null;
    }
  }

  cancel(): void {
    this.ctl?.abort();
  }

  /** Saves the candidate as the project's impulse, sets the Train step's learning block and settings, and trains. */
  async apply(entry: TunedEntry): Promise<void> {
    const p = studio.project;
    if (!p) return;
    const w = training.baseImpulse().windowing;
    // Labels stay empty: training takes those of the training samples.
    const imp = candidateImpulse(entry.candidate, { frequencyHz: w.frequencyHz, axes: w.axes, labels: [], shortestRecordingMs: 0 }, p.impulse?.training.seed ?? 1, true);
    await studio.updateProject({ impulse: imp });
    training.draft = draftFromLearn(imp.learn);
    training.settings = structuredClone(imp.training);
    notices.push({ kind: 'success', title: 'Tuned impulse applied', text: entry.description });
    await training.train();
  }
}

export const tuner = new TunerPanelState();
