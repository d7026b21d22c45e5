import { describe, it, expect } from 'vitest';
import { VirtualClock, sleep, timer, withTimeout } from './clock.ts';

describe('VirtualClock', () => {
  it('fires timers in time order only when advanced, and lets promise work run between them', async () => {
    const c = new VirtualClock({ startMs: 1000 });
    const log: string[] = [];
    c.setTimeout(() => log.push(`b@${c.now()}`), 20);
    c.setTimeout(() => {
      log.push(`a@${c.now()}`);
      void Promise.resolve().then(() => log.push('a-then'));
      c.setTimeout(() => log.push(`c@${c.now()}`), 15);
    }, 10);
    const cancelled = c.setTimeout(() => log.push('never'), 5);
    c.clearTimeout(cancelled);
    expect(log).toEqual([]);
    await c.advance(20);
    expect(log).toEqual(['a@1010', 'a-then', 'b@1020']);
    expect(c.now()).toBe(1020);
    expect(c.pending()).toBe(1);
    await c.advance(100);
    expect(log[3]).toBe('c@1025');
    expect(c.now()).toBe(1120);
  });
});

describe('VirtualClock with autoAdvance', () => {
  it('jumps to the next timer only once promise work is done, so a sleep costs its virtual time and no real time', async () => {
    const c = new VirtualClock({ autoAdvance: true });
    const log: string[] = [];
    const slow = sleep(c, 5000).then(() => log.push(`slow@${c.now()}`));
    const fast = sleep(c, 30).then(() => log.push(`fast@${c.now()}`));
    // Work running through promise jobs finishes before any timer fires.
    let chain = Promise.resolve();
    for (let i = 0; i < 50; i++) chain = chain.then(() => void log.length);
    await chain.then(() => log.push(`work@${c.now()}`));
    const wall = performance.now();
    await Promise.all([slow, fast]);
    expect(log).toEqual(['work@0', 'fast@30', 'slow@5000']);
    expect(performance.now() - wall).toBeLessThan(1000);
  });

  it('bounds a hung call with withTimeout, and a cancelled timer never moves time', async () => {
    const c = new VirtualClock({ autoAdvance: true });
    const hung = new Promise<number>(() => {});
    await expect(withTimeout(c, 250, hung, () => { throw new Error('timed out'); })).rejects.toThrow('timed out');
    expect(c.now()).toBe(250);
    expect(await withTimeout(c, 1000, Promise.resolve(7), () => { throw new Error('no'); })).toBe(7);
    await sleep(c, 1);
    expect(c.now()).toBe(251);
    expect(c.pending()).toBe(0);
  });

  it('spend moves time at once; timers that fell due fire at the next advance, in order', async () => {
    const c = new VirtualClock();
    const log: number[] = [];
    c.setTimeout(() => log.push(c.now()), 10);
    c.spend(45);
    expect(log).toEqual([]);
    const t = timer(c, 5);
    await c.advance(0);
    expect(log).toEqual([45]);
    let fired = false;
    void t.fired.then(() => (fired = true));
    await c.advance(5);
    expect(fired).toBe(true);
    expect(c.now()).toBe(50);
  });
});
