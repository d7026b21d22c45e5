/**
 * Deploy flows as tables: each step names the effect it runs on entry and, per event, the step that
 * follows. The table is data (tests drive it with events, no device), the effects are async functions
 * the runner calls; what an effect returns (or throws) is the next event. DOM-free core module.
 *
 * Every effect gets an AbortSignal; a `cancel` event aborts the running effect and moves to the
 * table's `cancelled` step. An error thrown by an effect becomes `{ type: 'error', error }`.
 */

export interface FlowEvent {
  type: string;
  error?: unknown;
}

export interface StepDef<S extends string, A extends string> {
  /** Effect run when the step is entered; its result is the next event. */
  run?: A;
  /** Event type → next step. Events not listed are ignored in this step. */
  on?: Partial<Record<string, S>>;
  /** A step the flow ends in. */
  end?: 'done' | 'failed' | 'cancelled' | 'idle';
}

export interface FlowTable<S extends string = string, A extends string = string> {
  id: string;
  initial: S;
  steps: Record<S, StepDef<S, A>>;
}

/** The pure transition: the step after `event` in `step`, or null when the event does not apply. */
export function nextStep<S extends string, A extends string>(table: FlowTable<S, A>, step: S, event: FlowEvent): S | null {
  const def = table.steps[step];
  if (event.type === 'cancel' && !def.end && 'cancelled' in table.steps) return 'cancelled' as S;
  return def.on?.[event.type] ?? null;
}

/** Checks a table: every target exists, every non-end step can be left. Throws on a broken table. */
export function checkTable(table: FlowTable): void {
  for (const [name, def] of Object.entries(table.steps)) {
    for (const [ev, to] of Object.entries(def.on ?? {})) {
      if (!to || !(to in table.steps)) throw new Error(`${table.id}: ${name} --${ev}--> ${String(to)} leads nowhere`);
    }
    if (!def.end && !def.run && !Object.keys(def.on ?? {}).length) throw new Error(`${table.id}: ${name} is a dead end`);
  }
  if (!(table.initial in table.steps)) throw new Error(`${table.id}: no initial step`);
}

export type Effect<C> = (ctx: C, signal: AbortSignal) => Promise<FlowEvent>;

export interface FlowSnapshot<S extends string = string> {
  flow: string;
  step: S;
  error: unknown;
}

/**
 * Runs one flow: enters steps, runs their effects, feeds the outcome back as the next event. The
 * caller sees every step through `onStep` and may dispatch events itself (clicks, cancel).
 */
export class FlowRunner<S extends string, A extends string, C> {
  step: S;
  error: unknown = null;
  private abort: AbortController | null = null;
  private settled: Promise<S>;
  private resolveSettled!: (s: S) => void;

  constructor(
    readonly table: FlowTable<S, A>,
    readonly ctx: C,
    private readonly effects: Record<A, Effect<C>>,
    private readonly onStep: (s: FlowSnapshot<S>) => void = () => {},
  ) {
    this.step = table.initial;
    this.settled = new Promise((r) => (this.resolveSettled = r));
  }

  /** Starts at the initial step (running its effect, if any). Resolves when the flow ends. */
  start(): Promise<S> {
    this.enter(this.table.initial);
    return this.settled;
  }

  get ended(): boolean {
    return this.table.steps[this.step].end !== undefined;
  }

  /** Feeds an event; returns false when the current step ignores it. */
  dispatch(event: FlowEvent): boolean {
    const to = nextStep(this.table, this.step, event);
    if (to === null) return false;
    if (event.type === 'cancel') this.abort?.abort();
    if (event.error !== undefined) this.error = event.error;
    this.enter(to);
    return true;
  }

  private enter(step: S): void {
    this.step = step;
    this.onStep({ flow: this.table.id, step, error: this.error });
    const def = this.table.steps[step];
    if (def.end) {
      this.abort = null;
      this.resolveSettled(step);
      return;
    }
    if (!def.run) return;
    const abort = new AbortController();
    this.abort = abort;
    const effect = this.effects[def.run];
    void (async () => {
      let ev: FlowEvent;
      try {
        ev = await effect(this.ctx, abort.signal);
      } catch (error) {
        ev = { type: 'error', error };
      }
      // A cancel (or any event) that moved the flow on makes this outcome stale.
      if (this.step === step && this.abort === abort) this.dispatch(ev);
    })();
  }
}
