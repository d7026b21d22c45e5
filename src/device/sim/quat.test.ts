import { describe, it, expect } from 'vitest';
import { qangle, qexp, qFromEuler, qlog, qmul, qrotate, qrotateInv, qslerp } from './quat.ts';

describe('quat', () => {
  it('rotates, inverts and round-trips exp/log', () => {
    const q = qFromEuler(Math.PI / 2, 0, 0); // 90° about z
    const v = qrotate(q, [1, 0, 0]);
    expect(v[0]).toBeCloseTo(0, 12);
    expect(v[1]).toBeCloseTo(1, 12);
    const back = qrotateInv(q, v);
    expect(back[0]).toBeCloseTo(1, 12);
    const r: [number, number, number] = [0.3, -0.2, 0.5];
    const l = qlog(qexp(r));
    l.forEach((x, i) => expect(x).toBeCloseTo(r[i], 12));
    expect(qangle(qmul(qexp([0, 0, 0.1]), qexp([0, 0, 0.2])), qexp([0, 0, 0.3]))).toBeLessThan(1e-12);
  });

  it('slerps along the shortest arc', () => {
    const a = qexp([0, 0, 0]);
    const b = qexp([0, 0, 1]);
    const m = qslerp(a, b, 0.5);
    expect(qangle(m, qexp([0, 0, 0.5]))).toBeLessThan(1e-9);
    const bneg: [number, number, number, number] = [-b[0], -b[1], -b[2], -b[3]];
    expect(qangle(qslerp(a, bneg, 0.5), m)).toBeLessThan(1e-9);
  });
});
