import { describe, it, expect } from 'vitest';
import { VirtualClock } from './clock.ts';

describe('VirtualClock', () => {
  it('fires timers in time order only when advanced, and lets promise work run between them', async () => {
    const c = new VirtualClock(1000);
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
