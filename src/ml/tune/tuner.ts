/**
 * The impulse tuner: searches windowing, DSP and learning block for the training recordings under a
 * board's flash, RAM and latency, within a time budget. DOM-free core module.
 *
 * Strategy: asynchronous successive halving over a seeded candidate sequence (space.ts), cheap and
 * usually good candidates first. Rung 0 trains two folds of the grouped k-fold cross-validation for
 * part of the epochs; a candidate is promoted to the next rung (all k folds, all epochs) when it is in
 * the top 1/eta of the candidates finished at its rung. Trials run `concurrency` at a time through a
 * `TrialRunner` (in this thread by default; the app passes a pool of workers). The state (which
 * candidates ran, their results, time spent) is plain JSON: cancel returns it and `resume` continues it.
 *
 * Score: int8 accuracy of the cross-validation (float accuracy breaks ties), on the training split
 * only (the tuner's input holds no test recordings, see trial.ts `tuneData`). The defaults (candidate
 * 0) always run at the highest rung. The choice is the best-ranked candidate that fits the board,
 * reached the highest rung and beats the defaults on significantly more validation recordings than
 * it loses (sign test, p < 0.05); else the defaults. The Pareto front (accuracy up, flash / RAM /
 * latency down) and the ranking are kept for the user to trade off.
 */
import { StudioError, isCancelled } from '../../core/errors.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { candidateAt, candidateImpulse, describeCandidate, type Candidate } from './space.ts';
import { boardTarget, FeatureCache, runTrial, tuneData, type Rung, type TrialJob, type TrialResult, type TuneData, type TuneRecording } from './trial.ts';

export const TUNER_STATE_VERSION = 1;

export interface TunerSettings {
  board: string;
  /** Default 120 s. */
  budgetMs?: number;
  seed?: number;
  /** k-fold cross-validation by recording; default 4 (capped by the recordings). */
  k?: number;
  /** Successive-halving factor, default 3. */
  eta?: number;
  /** Upper bound on candidates drawn, default 200. */
  maxCandidates?: number;
  /** Scales every candidate's epochs (default 1; below 1 for quick looks and tests). */
  epochScale?: number;
}

export interface TunerState {
  version: typeof TUNER_STATE_VERSION;
  settings: Required<TunerSettings>;
  /** Next index of the candidate sequence to start. */
  nextCandidate: number;
  /** Candidates with a finished first trial. */
  candidates: Candidate[];
  /** Candidate indices cut off by a cancel or the deadline: they run first on resume. */
  requeue: number[];
  trials: TrialResult[];
  /** Time spent across runs, ms. */
  elapsedMs: number;
  /** Labels of the training recordings the run tuned on (a resume on other labels is refused). */
  labels: string[];
}

export type TrialRunner = (job: TrialJob, signal: AbortSignal) => Promise<TrialResult>;

export interface TuneOptions {
  /** Continue a previous (cancelled or finished) run; its settings win over `settings`. */
  resume?: TunerState;
  /** Trials at once; default 1. */
  concurrency?: number;
  /** Default: runTrial in this thread. */
  runner?: TrialRunner;
  signal?: AbortSignal;
  onTrial?: (r: TrialResult, state: TunerState) => void;
  /** Clock for the budget; default performance.now. */
  now?: () => number;
}

export interface TunedEntry {
  candidate: Candidate;
  /** The candidate's result at the highest rung it reached. */
  result: TrialResult;
  description: string;
}

export interface TuneResult {
  state: TunerState;
  cancelled: boolean;
  /** Every candidate's best-rung result, best first. */
  ranked: TunedEntry[];
  /** Pareto front: int8 accuracy vs flash, RAM and latency (fitting candidates at their best rung). */
  front: TunedEntry[];
  chosen?: TunedEntry;
  /** The chosen candidate as a full impulse (labels from the training recordings). */
  impulse?: ImpulseConfig;
  trialsPerMinute: number;
}

export const RUNGS: Rung[] = [
  { folds: 2, epochFraction: 0.5 },
  { folds: Number.POSITIVE_INFINITY, epochFraction: 1 },
];

function fullSettings(s: TunerSettings): Required<TunerSettings> {
  boardTarget(s.board);
  const budgetMs = s.budgetMs ?? 120_000;
  if (!(budgetMs > 0)) throw new StudioError({ family: 'config', code: 'bad-budget', message: `The tuner's time budget must be above 0, got ${budgetMs} ms.`, remedy: 'Give a budget in seconds, e.g. 120.' });
  return { board: s.board, budgetMs, seed: s.seed ?? 0, k: Math.max(2, s.k ?? 4), eta: Math.max(2, s.eta ?? 3), maxCandidates: s.maxCandidates ?? 200, epochScale: s.epochScale ?? 1 };
}

export function newTunerState(settings: TunerSettings): TunerState {
  return { version: TUNER_STATE_VERSION, settings: fullSettings(settings), nextCandidate: 0, candidates: [], requeue: [], trials: [], elapsedMs: 0, labels: [] };
}

/**
 * Orders results: int8 accuracy, where a difference of one validation recording or less counts as a
 * tie (windows of one recording are not independent: a recording more or less right is noise); ties
 * go to the earlier candidate of the sequence (the defaults first, then the cheap known-good ones: a
 * candidate must beat them by more than one recording, not just match them), then lower validation
 * loss, float accuracy, smaller RAM, flash, latency.
 */
export function compareResults(a: TrialResult, b: TrialResult): number {
  const units = Math.min(a.recordings || a.windows, b.recordings || b.windows);
  const tie = Math.abs(a.int8Acc - b.int8Acc) <= 1 / Math.max(1, units);
  return (tie ? 0 : b.int8Acc - a.int8Acc) || a.candidateId - b.candidateId || a.floatLoss - b.floatLoss || b.floatAcc - a.floatAcc || a.arenaBytes - b.arenaBytes || a.flashBytes - b.flashBytes || a.latencyMs - b.latencyMs;
}

function dominates(a: TrialResult, b: TrialResult): boolean {
  const ge = a.int8Acc >= b.int8Acc && a.flashBytes <= b.flashBytes && a.arenaBytes <= b.arenaBytes && a.latencyMs <= b.latencyMs;
  const gt = a.int8Acc > b.int8Acc || a.flashBytes < b.flashBytes || a.arenaBytes < b.arenaBytes || a.latencyMs < b.latencyMs;
  return ge && gt;
}

/** Non-dominated entries (higher int8 accuracy, lower flash, arena RAM and latency), best accuracy first. */
export function paretoFront(entries: TunedEntry[]): TunedEntry[] {
  return entries.filter((e) => !entries.some((o) => o !== e && dominates(o.result, e.result))).sort((a, b) => compareResults(a.result, b.result));
}

/** One-sided p-value of a sign test: P(X ≥ wins) for X ~ Binomial(wins + losses, 1/2). */
export function signTestP(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  let p = 0;
  let c = 1; // C(n, 0)
  for (let i = 0; i <= n; i++) {
    if (i >= wins) p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, p / 2 ** n);
}

/** Level at which a candidate must beat the defaults, recording by recording, to replace them. */
export const REPLACE_DEFAULTS_P = 0.05;

/**
 * Recordings on which `a`'s int8 accuracy is above / below `b`'s, over the recordings both validated.
 * Null when either result has no per-recording figures.
 */
export function recordingWins(a: TrialResult, b: TrialResult): { wins: number; losses: number } | null {
  if (!a.perRecording || !b.perRecording) return null;
  let wins = 0;
  let losses = 0;
  for (const [key, [ca, na]] of Object.entries(a.perRecording)) {
    const other = b.perRecording[Number(key)];
    if (!other) continue;
    const d = ca / na - other[0] / other[1];
    if (d > 1e-9) wins++;
    else if (d < -1e-9) losses++;
  }
  return { wins, losses };
}

/** Ranks the candidates of a state by their result at the highest rung each reached. */
export function summarize(state: TunerState): Omit<TuneResult, 'state' | 'cancelled' | 'trialsPerMinute'> & { maxRung: number } {
  const best = new Map<number, TrialResult>();
  for (const t of state.trials) {
    if (t.error) continue;
    const cur = best.get(t.candidateId);
    if (!cur || t.rung > cur.rung) best.set(t.candidateId, t);
  }
  const byId = new Map(state.candidates.map((c) => [c.id, c]));
  const entries: TunedEntry[] = [...best.values()].map((r) => ({ candidate: byId.get(r.candidateId)!, result: r, description: describeCandidate(byId.get(r.candidateId)!) }));
  const maxRung = entries.reduce((m, e) => Math.max(m, e.result.rung), -1);
  const ranked = entries.sort((a, b) => b.result.rung - a.result.rung || compareResults(a.result, b.result));
  const fitting = ranked.filter((e) => e.result.fits);
  // The defaults (candidate 0) stay unless a candidate beats them on significantly more validation
  // recordings than it loses (one-sided sign test): cross-validation on a few dozen recordings is
  // noisy, and a candidate that wins by a recording or two on the training split alone is as likely
  // to lose on new data (measured on xiao_ei_motion, bno055_wand_spells and microbit_createai_wand).
  const top = fitting.filter((e) => e.result.rung === maxRung);
  const defaults = top.find((e) => e.candidate.id === 0);
  const beatsDefaults = (e: TunedEntry): boolean => {
    if (!defaults || e === defaults) return false;
    const w = recordingWins(e.result, defaults.result);
    return !!w && e.result.int8Acc > defaults.result.int8Acc && signTestP(w.wins, w.losses) < REPLACE_DEFAULTS_P;
  };
  const chosen = defaults ? (top.find(beatsDefaults) ?? defaults) : (top[0] ?? fitting[0]);
  return { ranked, front: paretoFront(fitting), chosen, maxRung };
}

const scaled = (r: Rung, epochScale: number): Rung => ({ ...r, epochFraction: r.epochFraction * epochScale });

/** The next job: a promotion (ASHA) when one is due, else the next new candidate; null when none. */
function nextJob(state: TunerState, running: Set<string>, data: TuneData): TrialJob | null {
  const s = state.settings;
  const done = state.trials;
  const job = (candidate: Candidate, rung: number): TrialJob => ({ candidate, rung, seed: s.seed, k: s.k, rungSpec: scaled(RUNGS[rung], s.epochScale), board: s.board });
  /** Candidate `id` has neither run nor started at `rung`. */
  const notYet = (id: number, rung: number): boolean => !running.has(`${id}:${rung}`) && !done.some((d) => d.candidateId === id && d.rung === rung);
  // The defaults always reach the last rung: they are what every other candidate is measured against.
  for (let rung = RUNGS.length - 2; rung >= 0; rung--) {
    const finished = done.some((t) => t.candidateId === 0 && t.rung === rung && !t.error);
    if (finished && notYet(0, rung + 1)) return job(state.candidates.find((c) => c.id === 0)!, rung + 1);
  }
  for (let rung = RUNGS.length - 2; rung >= 0; rung--) {
    const finished = done.filter((t) => t.rung === rung && !t.error).sort(compareResults);
    const top = finished.slice(0, Math.floor(finished.length / s.eta));
    for (const t of top) {
      if (notYet(t.candidateId, rung + 1)) return job(state.candidates.find((c) => c.id === t.candidateId)!, rung + 1);
    }
  }
  let index: number;
  if (state.requeue.length) index = state.requeue.shift()!;
  else if (state.nextCandidate < s.maxCandidates) index = state.nextCandidate++;
  else return null;
  const candidate = candidateAt(index, s.seed, data.shape);
  state.candidates.push(candidate);
  return job(candidate, 0);
}

/**
 * Tunes within the budget (what is left of it when resuming). Returns when the budget is spent, the
 * candidates run out, or `signal` aborts (then `cancelled` is true and `state` resumes the run).
 */
export async function tune(data: TuneData, settings: TunerSettings, opts: TuneOptions = {}): Promise<TuneResult> {
  const state: TunerState = opts.resume ? structuredClone(opts.resume) : newTunerState(settings);
  if (state.version !== TUNER_STATE_VERSION) throw new StudioError({ family: 'config', code: 'bad-tuner-state', message: `Tuner state version ${String(state.version)} is not supported.`, remedy: 'Start a new tuner run.' });
  if (opts.resume && opts.resume.trials.length && opts.resume.labels.join('\n') !== data.shape.labels.join('\n')) {
    throw new StudioError({ family: 'config', code: 'tuner-data-changed', message: `The saved tuner run was made on labels ${opts.resume.labels.join(', ')}, not ${data.shape.labels.join(', ')}.`, remedy: 'Start a new tuner run.' });
  }
  state.labels = data.shape.labels.slice();
  const now = opts.now ?? (() => performance.now());
  const cache = new FeatureCache();
  const runner: TrialRunner = opts.runner ?? ((job, signal) => runTrial(data, job, cache, signal));
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
  const start = now();
  const spentBefore = state.elapsedMs;
  const deadline = start + Math.max(0, state.settings.budgetMs - spentBefore);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort);
  // At the deadline running trials are stopped, except while no trial has a result yet: then the
  // first result ends the run (a run always has at least one scored candidate to offer).
  let overdue = false;
  const scored = () => state.trials.some((t) => !t.error);
  const timer = setTimeout(() => (scored() ? stop.abort() : (overdue = true)), Math.max(0, deadline - start));
  const running = new Map<string, Promise<void>>();
  let cancelled = false;
  try {
    for (;;) {
      while (running.size < concurrency && !stop.signal.aborted && !overdue && now() < deadline) {
        const job = nextJob(state, new Set(running.keys()), data);
        if (!job) break;
        const key = `${job.candidate.id}:${job.rung}`;
        const p = runner(job, stop.signal).then(
          (r) => {
            if (stop.signal.aborted) return; // a result that finished past the deadline is not counted
            state.trials.push(r);
            state.elapsedMs = spentBefore + (now() - start);
            opts.onTrial?.(r, state);
            if (overdue && scored()) stop.abort();
          },
          (e) => {
            if (!(isCancelled(e) || stop.signal.aborted)) throw e;
          },
        ).finally(() => running.delete(key));
        running.set(key, p);
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await Promise.allSettled(running.values());
  }
  cancelled = opts.signal?.aborted ?? false;
  // A trial started but not finished (cancelled or past the deadline) runs again on resume.
  const started = new Set(state.trials.filter((t) => t.rung === 0).map((t) => t.candidateId));
  const unfinished = state.candidates.filter((c) => !started.has(c.id)).map((c) => c.id);
  if (unfinished.length) {
    state.candidates = state.candidates.filter((c) => started.has(c.id));
    state.requeue = [...unfinished, ...state.requeue];
  }
  state.elapsedMs = spentBefore + (now() - start);
  const sum = summarize(state);
  const minutes = state.elapsedMs / 60_000;
  return {
    state,
    cancelled,
    ranked: sum.ranked,
    front: sum.front,
    chosen: sum.chosen,
    impulse: sum.chosen ? candidateImpulse(sum.chosen.candidate, data.shape, state.settings.seed, true) : undefined,
    trialsPerMinute: minutes > 0 ? state.trials.length / minutes : 0,
  };
}

/**
 * Tunes on the training recordings of a data set: the test split (category 'testing') is dropped here,
 * before anything reads it, and kept for the final evaluation by the caller.
 */
export function tuneRecordings(recordings: readonly (TuneRecording & { category?: string })[], settings: TunerSettings, opts: TuneOptions = {}): Promise<TuneResult> {
  return tune(tuneData(recordings.filter((r) => r.category !== 'testing')), settings, opts);
}
