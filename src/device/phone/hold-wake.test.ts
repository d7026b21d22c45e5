import { describe, expect, it } from 'vitest';
import { holdFromFrames } from './hold.ts';
import { ScreenKeeper, type WakeLockEnv, type WakeLockSentinelLike } from './wake-lock.ts';

describe('holdFromFrames', () => {
  const frames = (x: number, y: number, z: number) => [x, y, z, 0, 0, 0, x + 0.1, y - 0.1, z, 1, 1, 1];
  it('names the side facing up from the gravity reaction', () => {
    expect(holdFromFrames(frames(0.2, 0.3, 9.8), 6)).toBe('face-up');
    expect(holdFromFrames(frames(0.2, 0.3, -9.8), 6)).toBe('face-down');
    expect(holdFromFrames(frames(0.5, 9.6, 1.5), 6)).toBe('portrait');
    expect(holdFromFrames(frames(0.5, -9.6, 1.5), 6)).toBe('portrait-upside-down');
    expect(holdFromFrames(frames(9.7, 0.5, 1), 6)).toBe('landscape-left');
    expect(holdFromFrames(frames(-9.7, 0.5, 1), 6)).toBe('landscape-right');
  });
  it('says "moving" when there is no steady 1 g or no dominant axis', () => {
    expect(holdFromFrames(frames(0, 0, 25), 6)).toBe('moving');
    expect(holdFromFrames(frames(6.9, 6.9, 0), 6)).toBe('moving');
    expect(holdFromFrames([], 6)).toBe('moving');
  });
});

function fakeEnv(opts: { api?: boolean; refuse?: boolean } = {}) {
  let visible = 'visible';
  const fns = new Set<() => void>();
  const sentinels: { released: boolean }[] = [];
  const env: WakeLockEnv = {
    wakeLock: opts.api === false ? undefined : {
      request: async () => {
        if (opts.refuse) throw new Error('NotAllowedError: battery saver');
        const s: WakeLockSentinelLike & { released: boolean } = { released: false, release: async () => void (s.released = true) };
        sentinels.push(s);
        return s;
      },
    },
    visibilityState: () => visible,
    onVisibilityChange: (fn) => (fns.add(fn), () => fns.delete(fn)),
  };
  const setVisible = async (v: string) => {
    visible = v;
    fns.forEach((f) => f());
    await new Promise((r) => setTimeout(r, 0));
  };
  return { env, sentinels, setVisible, listeners: fns };
}

describe('ScreenKeeper', () => {
  it('holds the lock while recording, lets go when hidden, takes it again when visible, releases on stop', async () => {
    const f = fakeEnv();
    const k = new ScreenKeeper(f.env);
    expect(await k.hold()).toBe(true);
    expect(k.held).toBe(true);
    await f.setVisible('hidden');
    expect(f.sentinels[0].released).toBe(true);
    expect(k.held).toBe(false);
    await f.setVisible('visible');
    expect(f.sentinels).toHaveLength(2);
    expect(k.held).toBe(true);
    await k.release();
    expect(f.sentinels[1].released).toBe(true);
    expect(f.listeners.size).toBe(0);
    await f.setVisible('visible');
    expect(f.sentinels).toHaveLength(2);
  });
  it('explains when the screen cannot be kept on', async () => {
    const none = new ScreenKeeper(fakeEnv({ api: false }).env);
    expect(await none.hold()).toBe(false);
    expect(none.problem).toMatch(/cannot keep the screen on/);
    const refused = new ScreenKeeper(fakeEnv({ refuse: true }).env);
    expect(await refused.hold()).toBe(false);
    expect(refused.problem).toMatch(/battery saver/);
  });
});
