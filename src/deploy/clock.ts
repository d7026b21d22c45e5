/**
 * Time for flashers and device simulators: a real clock for hardware and a virtual clock for tests
 * and benchmarks. DOM-free core module.
 *
 * Flashers never call setTimeout directly. They sleep (DFU poll timeouts, reboot delays) and bound
 * every USB transfer with a timeout through a `Clock`, so a simulator can run a whole flash in
 * virtual time: the simulator adds the bus and flash time each transfer would take on real hardware
 * and the benchmark reads the elapsed virtual time.
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * A timer that rejects/fires after `ms` unless cancelled. On the virtual clock it fires only when
   * nothing else can make progress (a hung device), and only then moves time forward.
   */
  timer(ms: number): { fired: Promise<void>; cancel(): void };
}

export const realClock: Clock = {
  now: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
  sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms))),
  timer(ms) {
    let handle: ReturnType<typeof setTimeout> | undefined;
    const fired = new Promise<void>((r) => {
      handle = setTimeout(r, Math.max(0, ms));
    });
    return { fired, cancel: () => clearTimeout(handle) };
  },
};

/** Virtual time: `sleep` and simulated work advance `now()` at once instead of waiting. */
export class VirtualClock implements Clock {
  private t = 0;

  now(): number {
    return this.t;
  }

  /** Simulated devices call this for the time a transfer or a flash operation takes. */
  advance(ms: number): void {
    if (ms > 0) this.t += ms;
  }

  async sleep(ms: number): Promise<void> {
    this.advance(ms);
    await Promise.resolve();
  }

  timer(ms: number): { fired: Promise<void>; cancel(): void } {
    let handle: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const fired = new Promise<void>((resolve) => {
      // Simulators answer through promise jobs only; a macrotask runs only when the device hangs.
      handle = setTimeout(() => {
        if (cancelled) return;
        this.advance(ms);
        resolve();
      }, 0);
    });
    return {
      fired,
      cancel: () => {
        cancelled = true;
        clearTimeout(handle);
      },
    };
  }
}

/** Resolves with `p`, or calls `onTimeout` (which should throw) when the clock's timer fires first. */
export async function withTimeout<T>(clock: Clock, ms: number, p: Promise<T>, onTimeout: () => never): Promise<T> {
  const t = clock.timer(ms);
  try {
    return await Promise.race([p, t.fired.then(() => onTimeout())]);
  } finally {
    t.cancel();
  }
}
