import { describe, it, expect } from 'vitest';
import { MotionModel } from './motion-model.ts';
import { Performer } from './performer.ts';
import { SimulatedBoard } from './simulated-board.ts';
import { VirtualClock } from '../../core/clock.ts';

describe('Performer', () => {
  it('alternates idle and the gestures in order, with durations in range, driving the model', () => {
    const p = new Performer({ seed: 3, gestures: ['wave', 'circle', 'shake'], gestureS: [2, 3], betweenS: [1, 1.5] });
    const m = new MotionModel({ rateHz: 50 });
    m.setDriver(p);
    const changes: [string, number][] = [];
    p.onChange = (a, t) => changes.push([a, t]);
    const seen: string[] = [];
    for (let i = 0; i < 50 * 25; i++) {
      const t = m.time;
      m.nextFrame();
      expect(m.activity).toBe(p.activityAt(t));
      if (seen[seen.length - 1] !== m.activity) seen.push(m.activity);
    }
    expect(seen.slice(0, 7)).toEqual(['idle', 'wave', 'idle', 'circle', 'idle', 'shake', 'idle']);
    for (const s of p.segments.slice(0, 6)) {
      const d = s.endS - s.startS;
      const [lo, hi] = s.activity === 'idle' ? [1, 1.5] : [2, 3];
      expect(d).toBeGreaterThanOrEqual(lo);
      expect(d).toBeLessThanOrEqual(hi);
    }
    expect(changes.length).toBe(seen.length);
    expect(changes[1][1]).toBeCloseTo(p.segments[1].startS, 1);
  });

  it('shuffled order never repeats a gesture twice in a row and is reproducible', () => {
    const order = (seed: number) => {
      const p = new Performer({ seed, order: 'shuffle', gestures: ['wave', 'circle', 'shake', 'updown'], betweenS: [0, 0] });
      p.activityAt(0);
      p.activityAt(200);
      return p.segments.map((s) => s.activity);
    };
    const a = order(9);
    expect(a).toEqual(order(9));
    expect(a).not.toEqual(order(10));
    for (let i = 2; i < a.length; i++) expect(a[i]).not.toBe(a[i - 1]);
  });

  it('runs on the simulated board in (virtual) real time', async () => {
    const clock = new VirtualClock();
    const board = new SimulatedBoard({ clock, rateHz: 50 });
    const perf = board.startPerformer({ gestures: ['circle'], gestureS: [1, 1], betweenS: [1, 1] });
    await board.transport.open({ baudRate: 115200 });
    const acts = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await clock.advance(100);
      acts.add(board.activity);
    }
    expect(acts).toEqual(new Set(['idle', 'circle']));
    expect(board.currentPerformer).toBe(perf);
    board.setActivity('shake'); // manual choice stops the performer
    expect(board.currentPerformer).toBeNull();
    await clock.advance(3000);
    expect(board.activity).toBe('shake');
    await board.transport.close();
  });
});
