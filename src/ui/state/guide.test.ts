import { describe, it, expect } from 'vitest';
import { stepGuide } from './guide.ts';
import type { Step } from './studio.svelte.ts';

const STEPS: { id: Step }[] = ['device', 'data', 'impulse', 'train', 'test', 'deploy'].map((id) => ({ id: id as Step }));

const empty = { samples: 0, labels: 0, hasImpulse: false, models: 0, streaming: false };
const ready = { samples: 40, labels: 4, hasImpulse: true, models: 1, streaming: true };

describe('step guide', () => {
  it('has a purpose and a next line for every step, empty or not', () => {
    for (const { id } of STEPS) {
      for (const f of [empty, ready]) {
        const g = stepGuide(id, f);
        expect(g.purpose.length).toBeGreaterThan(20);
        expect(g.next.length).toBeGreaterThan(10);
        if (g.to) expect(g.action).toMatch(/^Go to /);
      }
    }
  });
  it('sends an empty project back to recording and a trained one on to the next step', () => {
    expect(stepGuide('impulse', empty)).toMatchObject({ to: 'device' });
    expect(stepGuide('impulse', empty).next).toMatch(/record samples first/i);
    expect(stepGuide('test', empty).to).toBe('train');
    expect(stepGuide('test', ready).to).toBe('deploy');
    expect(stepGuide('data', ready).to).toBe('impulse');
  });
});
