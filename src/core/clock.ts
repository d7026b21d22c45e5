/**
 * The one time source of the app: a real clock for hardware and a virtual clock for tests and
 * benchmarks. DOM-free core module.
 *
 * Nothing below the UI calls the global `setTimeout`: simulated boards stream, connections detect,
 * flashers poll and bound every USB transfer through a `Clock`, so a test or a benchmark runs an hour
 * of streaming or a whole flash in virtual time. The primitive is `now/setTimeout/clearTimeout`;
 * `sleep`, `timer` and `withTimeout` are built on it.
 */

/** Opaque handle of a scheduled callback. */
export type TimerHandle = number;

export interface Clock {
  /** Milliseconds since an arbitrary origin, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Wall-clock time through the global timers (browser, worker, Node). */
export const realClock: Clock = {
  now: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, Math.max(0, ms)) as unknown as TimerHandle,
  clearTimeout: (h) => globalThis.clearTimeout(h as unknown as ReturnType<typeof globalThis.setTimeout>),
};

/** Resolves after `ms` of the clock's time. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
}

/** A timer that fires after `ms` of the clock's time unless cancelled first. */
export function timer(clock: Clock, ms: number): { fired: Promise<void>; cancel(): void } {
  let handle: TimerHandle | undefined;
  let cancelled = false;
  const fired = new Promise<void>((resolve) => {
    handle = clock.setTimeout(resolve, ms);
  });
  return {
    fired,
    cancel: () => {
      if (cancelled || handle === undefined) return;
      cancelled = true;
      clock.clearTimeout(handle);
    },
  };
}

/** Resolves with `p`, or calls `onTimeout` (which should throw) when `ms` pass first on `clock`. */
export async function withTimeout<T>(clock: Clock, ms: number, p: Promise<T>, onTimeout: () => never): Promise<T> {
  const t = timer(clock, ms);
  try {
    return await Promise.race([p, t.fired.then(() => onTimeout())]);
  } finally {
    t.cancel();
  }
}

interface VirtualTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

export interface VirtualClockOptions {
  /** Time at creation (ms). Default 0. */
  startMs?: number;
  /**
   * Let time run by itself: whenever nothing else can make progress (no promise job left, checked on a
   * host macrotask), jump to the earliest timer and fire it. Flasher simulators and benchmarks use it,
   * so a whole flash runs without a driver. Without it, time moves only on `advance(ms)`.
   */
  autoAdvance?: boolean;
}

/**
 * Virtual time. Timers fire in time order (ties in the order they were set), with promise jobs run
 * between them, either when a test calls `advance(ms)` or, with `autoAdvance`, whenever the program is
 * idle. Simulated devices charge the time their work takes with `spend(ms)`.
 */
export class VirtualClock implements Clock {
  private t: number;
  private timers: VirtualTimer[] = [];
  private nextId = 1;
  private seq = 0;
  private readonly auto: boolean;
  private idleCheck = false;

  constructor(opts: VirtualClockOptions = {}) {
    this.t = opts.startMs ?? 0;
    this.auto = opts.autoAdvance ?? false;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, at: this.t + Math.max(0, ms), seq: this.seq++, fn });
    if (this.auto) this.scheduleIdleCheck();
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  /** Number of timers waiting. */
  pending(): number {
    return this.timers.length;
  }

  /**
   * Time a simulated device's work takes (a USB transfer on the bus, a flash erase): `now()` moves at
   * once; timers that fall due fire at the next `advance` or idle point, never inside the caller.
   */
  spend(ms: number): void {
    if (ms > 0) this.t += ms;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + Math.max(0, ms);
    await flushMicrotasks();
    for (;;) {
      const due = this.earliest();
      if (!due || due.at > end) break;
      this.fire(due);
      await flushMicrotasks();
    }
    this.t = Math.max(this.t, end);
    await flushMicrotasks();
  }

  private earliest(): VirtualTimer | undefined {
    let next: VirtualTimer | undefined;
    for (const x of this.timers) if (!next || x.at < next.at || (x.at === next.at && x.seq < next.seq)) next = x;
    return next;
  }

  private fire(due: VirtualTimer): void {
    this.timers = this.timers.filter((x) => x !== due);
    this.t = Math.max(this.t, due.at);
    due.fn();
  }

  /** Auto mode: a host macrotask runs only once every promise job is done, i.e. nothing else can progress. */
  private scheduleIdleCheck(): void {
    if (this.idleCheck) return;
    this.idleCheck = true;
    onHostIdle(() => {
      this.idleCheck = false;
      const due = this.earliest();
      if (!due) return;
      this.fire(due);
      if (this.timers.length) this.scheduleIdleCheck();
    });
  }
}

/** The next host macrotask: `setImmediate` where there is one (Node), else a zero-delay timeout. */
function onHostIdle(fn: () => void): void {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') g.setImmediate(fn);
  else globalThis.setTimeout(fn, 0);
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 8; i++) await Promise.resolve();
}
