/**
 * ST DfuSe memory layout strings, e.g. "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg".
 * DOM-free core module.
 *
 * Format (ST UM0424/AN3156): '@' name, then one or more "/start address/" groups each followed by
 * comma-separated "count*size unit type" sector runs. The unit is ' ' or 'B' (bytes), 'K' (KiB) or
 * 'M' (MiB); the type letter 'a'..'g' is a bit set over 'a'-1: 1 readable, 2 erasable, 4 writable.
 */
import { StudioError } from '../../core/errors.ts';

export interface DfuseSectorRun {
  start: number;
  count: number;
  size: number;
  readable: boolean;
  erasable: boolean;
  writable: boolean;
}

export interface DfuseLayout {
  name: string;
  runs: DfuseSectorRun[];
}

export interface DfuseSector {
  start: number;
  size: number;
  readable: boolean;
  erasable: boolean;
  writable: boolean;
}

function bad(text: string, why: string): StudioError {
  return new StudioError({
    family: 'flash',
    code: 'dfuse-layout',
    message: `The board described its memory as "${text}", which this app cannot read (${why}).`,
    remedy: 'Choose the board\'s internal-flash DFU interface, or report the board so it can be supported.',
  });
}

export function parseDfuseLayout(text: string): DfuseLayout {
  const t = text.trim();
  if (!t.startsWith('@')) throw bad(text, 'no leading @');
  const parts = t.slice(1).split('/');
  if (parts.length < 3) throw bad(text, 'no address');
  const name = parts[0].trim();
  const runs: DfuseSectorRun[] = [];
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const addrText = parts[i].trim();
    if (!/^0x[0-9a-f]+$/i.test(addrText)) throw bad(text, `"${addrText}" is not an address`);
    let addr = Number.parseInt(addrText.slice(2), 16);
    for (const item of parts[i + 1].split(',')) {
      const m = /^\s*(\d+)\s*\*\s*(\d+)\s*([ BKM]?)\s*([a-g])\s*$/.exec(item);
      if (!m) throw bad(text, `"${item.trim()}" is not a sector run`);
      const count = Number(m[1]);
      const unit = m[3] === 'K' ? 1024 : m[3] === 'M' ? 1024 * 1024 : 1;
      const size = Number(m[2]) * unit;
      if (count === 0 || size === 0) throw bad(text, 'empty sector run');
      const type = m[4].charCodeAt(0) - 0x60;
      runs.push({ start: addr, count, size, readable: (type & 1) !== 0, erasable: (type & 2) !== 0, writable: (type & 4) !== 0 });
      addr += count * size;
    }
  }
  if (runs.length === 0) throw bad(text, 'no sectors');
  return { name, runs };
}

/** The layout string for a list of runs (used by the simulator to describe itself). */
export function formatDfuseLayout(layout: DfuseLayout): string {
  let out = `@${layout.name}`;
  let next = -1;
  for (const r of layout.runs) {
    const letter = String.fromCharCode(0x60 + (r.readable ? 1 : 0) + (r.erasable ? 2 : 0) + (r.writable ? 4 : 0));
    const [n, u] = r.size % (1024 * 1024) === 0 ? [r.size / (1024 * 1024), 'M'] : r.size % 1024 === 0 ? [r.size / 1024, 'K'] : [r.size, 'B'];
    const item = `${String(r.count).padStart(2, '0')}*${String(n).padStart(3, '0')}${u}${letter}`;
    out += r.start === next ? `,${item}` : `/0x${r.start.toString(16).padStart(8, '0')}/${item}`;
    next = r.start + r.count * r.size;
  }
  return out;
}

/** The sector containing `addr`, if any. */
export function sectorAt(layout: DfuseLayout, addr: number): DfuseSector | undefined {
  for (const r of layout.runs) {
    if (addr >= r.start && addr < r.start + r.count * r.size) {
      const i = Math.floor((addr - r.start) / r.size);
      return { start: r.start + i * r.size, size: r.size, readable: r.readable, erasable: r.erasable, writable: r.writable };
    }
  }
  return undefined;
}

/** Sectors covering [addr, addr + length); throws if a byte falls outside the layout or is not writable. */
export function sectorsCovering(layout: DfuseLayout, addr: number, length: number): DfuseSector[] {
  const out: DfuseSector[] = [];
  let at = addr;
  const end = addr + length;
  while (at < end) {
    const s = sectorAt(layout, at);
    if (!s) {
      throw new StudioError({
        family: 'flash',
        code: 'address-out-of-range',
        message: `Address 0x${at.toString(16)} is outside the board's "${layout.name}" memory.`,
        remedy: 'The image does not fit this board: pick the right board or make the model smaller.',
      });
    }
    if (!s.writable || !s.erasable) {
      throw new StudioError({
        family: 'flash',
        code: 'address-protected',
        message: `The sector at 0x${s.start.toString(16)} of "${layout.name}" is protected (bootloader area).`,
        remedy: 'The image would overwrite the bootloader: pick the right board type.',
      });
    }
    out.push(s);
    at = s.start + s.size;
  }
  return out;
}
