/**
 * Keeps the screen on while recording (Screen Wake Lock API): a phone that dims and locks mid-sample
 * stops its motion events. DOM-free core module over a structural view of `navigator.wakeLock` and
 * `document` (fakes in tests).
 *
 * The browser drops a screen wake lock when the page is hidden; the lock is taken again when the page
 * is visible and the hold is still wanted, and let go on `release()`.
 */
export interface WakeLockSentinelLike {
  release(): Promise<void>;
  readonly released?: boolean;
}

export interface WakeLockEnv {
  wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> };
  visibilityState(): 'visible' | 'hidden' | string;
  onVisibilityChange(fn: () => void): () => void;
}

export function browserWakeLockEnv(): WakeLockEnv {
  const g = globalThis as unknown as { navigator?: { wakeLock?: WakeLockEnv['wakeLock'] }; document?: { visibilityState: string; addEventListener(t: string, f: () => void): void; removeEventListener(t: string, f: () => void): void } };
  return {
    wakeLock: g.navigator?.wakeLock,
    visibilityState: () => g.document?.visibilityState ?? 'visible',
    onVisibilityChange: (fn) => {
      g.document?.addEventListener('visibilitychange', fn);
      return () => g.document?.removeEventListener('visibilitychange', fn);
    },
  };
}

export class ScreenKeeper {
  private sentinel: WakeLockSentinelLike | null = null;
  private wanted = false;
  private off: (() => void) | null = null;
  /** Why the screen cannot be kept on (no API, refused), else null. */
  problem: string | null = null;

  constructor(private readonly env: WakeLockEnv = browserWakeLockEnv()) {}

  get held(): boolean {
    return !!this.sentinel && !this.sentinel.released;
  }

  async hold(): Promise<boolean> {
    this.wanted = true;
    this.off ??= this.env.onVisibilityChange(() => void this.onVisibility());
    return this.acquire();
  }

  private async acquire(): Promise<boolean> {
    if (!this.env.wakeLock) {
      this.problem = 'This browser cannot keep the screen on: keep touching it, or turn off auto-lock while recording.';
      return false;
    }
    if (this.held) return true;
    try {
      const s = await this.env.wakeLock.request('screen');
      if (!this.wanted) {
        await s.release().catch(() => undefined);
        return false;
      }
      this.sentinel = s;
      this.problem = null;
      return true;
    } catch (e) {
      this.problem = `The screen may lock during the recording (${e instanceof Error ? e.message : String(e)}).`;
      return false;
    }
  }

  private async onVisibility(): Promise<void> {
    if (this.env.visibilityState() === 'hidden') {
      // The browser releases it anyway; drop our handle so it is requested afresh.
      const s = this.sentinel;
      this.sentinel = null;
      await s?.release().catch(() => undefined);
    } else if (this.wanted) {
      await this.acquire();
    }
  }

  async release(): Promise<void> {
    this.wanted = false;
    this.off?.();
    this.off = null;
    const s = this.sentinel;
    this.sentinel = null;
    await s?.release().catch(() => undefined);
  }
}
