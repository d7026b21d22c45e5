import { describe, it, expect } from 'vitest';
import { formatDfuseLayout, parseDfuseLayout, sectorAt, sectorsCovering } from './dfuse-layout.ts';
import { isStudioError } from '../../core/errors.ts';

describe('DfuSe memory layout strings', () => {
  it('parses an STM32F4 layout with mixed sector sizes', () => {
    const l = parseDfuseLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
    expect(l.name).toBe('Internal Flash');
    expect(l.runs).toEqual([
      { start: 0x08000000, count: 4, size: 16384, readable: true, erasable: true, writable: true },
      { start: 0x08010000, count: 1, size: 65536, readable: true, erasable: true, writable: true },
      { start: 0x08020000, count: 7, size: 131072, readable: true, erasable: true, writable: true },
    ]);
    expect(sectorAt(l, 0x0800c123)).toMatchObject({ start: 0x0800c000, size: 16384 });
    expect(sectorAt(l, 0x080fffff)).toMatchObject({ start: 0x080e0000, size: 131072 });
    expect(sectorAt(l, 0x08100000)).toBeUndefined();
    expect(sectorsCovering(l, 0x0800f000, 0x2000).map((s) => s.start)).toEqual([0x0800c000, 0x08010000]);
  });

  it('parses several address groups, byte units and permission letters', () => {
    const l = parseDfuseLayout('@Option Bytes  /0x5200201C/01*128 e/0x1FFF7800/02*512Ba');
    expect(l.runs[0]).toEqual({ start: 0x5200201c, count: 1, size: 128, readable: true, erasable: false, writable: true });
    expect(l.runs[1]).toEqual({ start: 0x1fff7800, count: 2, size: 512, readable: true, erasable: false, writable: false });
    const h7 = parseDfuseLayout('@Internal Flash   /0x08000000/01*128Ka,15*128Kg');
    expect(() => sectorsCovering(h7, 0x08010000, 16)).toThrow(/protected/);
    expect(() => sectorsCovering(h7, 0x081ffff0, 32)).toThrow(/outside/);
  });

  it('round-trips through the formatter', () => {
    const l = parseDfuseLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
    expect(parseDfuseLayout(formatDfuseLayout(l))).toEqual(l);
  });

  it('rejects garbage with a flash StudioError', () => {
    for (const bad of ['Internal Flash', '@x', '@x/0x08000000/', '@x/08000000/1*1Kg', '@x/0x0800/4*16Kz', '@x/0x0800/0*16Kg']) {
      try {
        parseDfuseLayout(bad);
        expect.unreachable(bad);
      } catch (e) {
        expect(isStudioError(e, 'dfuse-layout')).toBe(true);
      }
    }
  });
});
