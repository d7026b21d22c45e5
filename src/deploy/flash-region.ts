/**
 * A piece of an image at a flash address, shared by all flashers and the flash plan. DOM-free core module.
 */
export interface FlashRegion {
  address: number;
  data: Uint8Array;
  /** What it is, for progress text ("runtime firmware", "model slot"). */
  label?: string;
}

/** Pads `data` with `fill` to a multiple of `unit` bytes. */
export function padTo(data: Uint8Array, unit: number, fill = 0xff): Uint8Array {
  const n = Math.ceil(data.length / unit) * unit;
  if (n === data.length) return data;
  const out = new Uint8Array(n).fill(fill);
  out.set(data);
  return out;
}

/** Sorted, de-duplicated start addresses of the `sectorSize` sectors the regions touch. */
export function sectorsOf(regions: readonly FlashRegion[], sectorSize: number): number[] {
  const set = new Set<number>();
  for (const r of regions) {
    if (r.data.length === 0) continue;
    const first = Math.floor(r.address / sectorSize);
    const last = Math.floor((r.address + r.data.length - 1) / sectorSize);
    for (let s = first; s <= last; s++) set.add(s * sectorSize);
  }
  return [...set].sort((a, b) => a - b);
}

/** Contiguous runs of sector addresses as [start, length] pairs, each at most `maxRun` bytes. */
export function sectorRuns(sectors: readonly number[], sectorSize: number, maxRun = 0x10000): [number, number][] {
  const runs: [number, number][] = [];
  for (const s of sectors) {
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === s && last[1] + sectorSize <= maxRun) last[1] += sectorSize;
    else runs.push([s, sectorSize]);
  }
  return runs;
}

export function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
