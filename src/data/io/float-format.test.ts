import { describe, it, expect } from 'vitest';
import { mulberry32 as mulberry } from '../../core/prng.ts';
import { formatFloat32, formatFixed, slowShortest } from './float-format.ts';

describe('formatFloat32', () => {
  it('keeps short source decimals short', () => {
    expect(formatFloat32(Math.fround(0.5786))).toBe('0.5786');
    expect(formatFloat32(Math.fround(-1.9986))).toBe('-1.9986');
    expect(formatFloat32(Math.fround(24.353))).toBe('24.353');
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(3)).toBe('3');
    expect(formatFloat32(-0)).toBe('-0');
    expect(formatFloat32(0)).toBe('0');
  });

  it('round-trips random bit patterns exactly', () => {
    const rnd = mulberry(7);
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    let checked = 0;
    const bad: string[] = [];
    const back = new Float32Array(1);
    const backBits = new Uint32Array(back.buffer);
    for (let i = 0; i < 60_000; i++) {
      bits[0] = Math.floor(rnd() * 4294967296);
      const v = f[0];
      if (!Number.isFinite(v)) continue;
      const s = formatFloat32(v);
      back[0] = Number(s);
      const sig = s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      if (s.length > 30) bad.push(`long: ${s}`);
      if (backBits[0] !== bits[0] || sig.length > 9 || Number(s) !== Number(slowShortest(v))) bad.push(`${bits[0]} -> ${s} (reference ${slowShortest(v)})`);
      checked++;
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(55_000);
  });

  it('matches the toPrecision reference on sensor-like values', () => {
    const rnd = mulberry(5);
    const bad: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const dec = Math.floor(rnd() * 6);
      const v = Math.fround(Math.round((rnd() - 0.5) * 4000 * 10 ** dec) / 10 ** dec);
      if (v !== 0 && formatFloat32(v) !== slowShortest(v)) bad.push(`${v}: ${formatFloat32(v)} vs ${slowShortest(v)}`);
    }
    expect(bad).toEqual([]);
  });

  it('is shortest: no shorter precision round-trips', () => {
    const rnd = mulberry(3);
    for (let i = 0; i < 2000; i++) {
      const v = Math.fround((rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6));
      const s = formatFloat32(v);
      const digits = s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
      if (digits > 1) {
        const shorter = Number(v.toPrecision(digits - 1));
        expect(Math.fround(shorter) === v).toBe(false);
      }
    }
  });

  it('handles extremes', () => {
    for (const v of [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38]) {
      expect(Math.fround(Number(formatFloat32(v)))).toBe(v);
    }
  });
});

describe('formatFixed', () => {
  it('rounds like the shared datasets timestamps', () => {
    expect(formatFixed((1000 / 104) * 1, 3)).toBe('9.615');
    expect(formatFixed((1000 / 119) * 2, 3)).toBe('16.807');
    expect(formatFixed((1000 / 104) * 1039, 3)).toBe('9990.385');
    expect(formatFixed(0, 3)).toBe('0');
  });
});
