import { describe, it, expect } from 'vitest';
import { performancePlan, performerOptions, unlearned } from './performance-plan.ts';
import { Performer } from './performer.ts';

describe('default simulated performance', () => {
  it("acts out the demo's own labels, with idle between, and nothing the demo never learned", () => {
    const plan = performancePlan(['circle', 'idle', 'shake', 'wave']);
    expect(plan).toEqual({ gestures: ['circle', 'shake', 'wave'], between: 'idle', fromProject: true });
    expect(unlearned(plan, ['circle', 'idle', 'shake', 'wave'])).toEqual([]);
    // The performer really keeps to those activities.
    const p = new Performer(performerOptions(plan));
    const acted = new Set<string>();
    for (let t = 0; t < 300; t += 0.5) acted.add(p.activityAt(t));
    expect([...acted].sort()).toEqual(['circle', 'idle', 'shake', 'wave']);
  });

  it('falls back to the default gestures for labels the simulator cannot act, and names what a model never learned', () => {
    const plan = performancePlan(['tap', 'knock']);
    expect(plan.fromProject).toBe(false);
    expect(plan.gestures).toEqual(['wave', 'circle', 'shake', 'updown']);
    expect(unlearned(plan, ['wave', 'idle'])).toEqual(['circle', 'shake', 'updown']);
    expect(performancePlan([]).fromProject).toBe(false);
  });

  it('rests between gestures when the project has rest but no idle', () => {
    expect(performancePlan(['rest', 'punch']).between).toBe('rest');
  });
});
