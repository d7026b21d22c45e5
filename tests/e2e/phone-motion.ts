/**
 * Browser-side synthetic phone motion for the e2e tests: an init script that dispatches real
 * `DeviceMotionEvent`s on window at an uneven ≈ 60 Hz (± jitter) whose values are a known function of
 * each event's own timeStamp, with gaps on demand — what a phone delivers, minus the phone.
 */
import type { Page } from '@playwright/test';

/** The signal (accX..gyrZ) at event time `t` ms; also evaluated in Node to check stored values. */
export function phoneSignal(a: number, t: number): number {
  const s = t / 1000;
  switch (a) {
    case 0: return 2 * Math.sin(2 * Math.PI * 1.3 * s);
    case 1: return 9.0 + 1.5 * Math.cos(2 * Math.PI * 0.7 * s + 0.3);
    case 2: return 1.2 * Math.sin(2 * Math.PI * 1.9 * s + 1);
    case 3: return 90 * Math.sin(2 * Math.PI * 1.1 * s);
    case 4: return 45 * Math.cos(2 * Math.PI * 0.45 * s);
    default: return 30 * Math.sin(2 * Math.PI * 1.7 * s + 2);
  }
}

export interface DriverLog {
  times: number[];
}

/** Installs the driver (before the app loads); it starts when the page calls `__phone.start()`. */
export async function installMotionDriver(page: Page, opts: { hz?: number; jitterMs?: number; requestPermission?: 'granted' | 'denied' } = {}): Promise<void> {
  // The same signal function in the page (init scripts run in order).
  await page.addInitScript({ content: `window.__phoneSignal = ${phoneSignal.toString()};` });
  await page.addInitScript(
    ({ hz, jitterMs, perm }) => {
      const signal = (window as unknown as { __phoneSignal: (a: number, t: number) => number }).__phoneSignal;
      const times: number[] = [];
      let gapUntil = 0;
      let running = false;
      // 'signal': phoneSignal; 'still': the phone held upright and steady (gravity on y, sensor noise).
      let mode: 'signal' | 'still' = 'signal';
      const values = (a: number, t: number) => (mode === 'signal' ? signal(a, t) : (a === 1 ? 9.78 : a === 2 ? 0.6 : 0) + 0.03 * Math.sin(t * 0.37 + a * 1.3));
      const w = window as unknown as { __phone: unknown; DeviceMotionEvent: { requestPermission?: () => Promise<string> } };
      if (perm) {
        const asked = { n: 0 };
        w.DeviceMotionEvent.requestPermission = async () => {
          asked.n++;
          return perm;
        };
        (window as unknown as { __permAsked: { n: number } }).__permAsked = asked;
      }
      let seed = 12345;
      const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
      const tick = () => {
        if (!running) return;
        const now = performance.now();
        if (now >= gapUntil) {
          const t = performance.now();
          const ev = new DeviceMotionEvent('devicemotion', {
            accelerationIncludingGravity: { x: values(0, t), y: values(1, t), z: values(2, t) },
            rotationRate: { beta: values(3, t), gamma: values(4, t), alpha: values(5, t) },
            interval: 1000 / hz,
          });
          // Values were computed at t; the event's own timestamp is read back for the log.
          times.push(ev.timeStamp);
          window.dispatchEvent(ev);
        }
        setTimeout(tick, 1000 / hz + (rnd() * 2 - 1) * jitterMs);
      };
      w.__phone = {
        start() {
          if (!running) {
            running = true;
            tick();
          }
        },
        gap(ms: number) {
          gapUntil = performance.now() + ms;
        },
        mode(m: 'signal' | 'still') {
          mode = m;
        },
        times,
      };
    },
    { hz: opts.hz ?? 60, jitterMs: opts.jitterMs ?? 4, perm: opts.requestPermission ?? null },
  );
}
