/**
 * Axis name/unit presets for plain-CSV streams (the stream itself carries no names). DOM-free core module.
 */
import type { SensorAxis } from '../../data/sample.ts';

export interface AxisPreset {
  id: string;
  label: string;
  axes: SensorAxis[];
}

const acc: SensorAxis[] = [{ name: 'accX', units: 'g' }, { name: 'accY', units: 'g' }, { name: 'accZ', units: 'g' }];
const gyr: SensorAxis[] = [{ name: 'gyrX', units: 'dps' }, { name: 'gyrY', units: 'dps' }, { name: 'gyrZ', units: 'dps' }];
const mag: SensorAxis[] = [{ name: 'magX', units: 'uT' }, { name: 'magY', units: 'uT' }, { name: 'magZ', units: 'uT' }];

export const AXIS_PRESETS: AxisPreset[] = [
  { id: 'acc', label: 'accX,accY,accZ', axes: acc },
  { id: 'acc-gyr', label: 'accX..gyrZ', axes: [...acc, ...gyr] },
  { id: 'acc-gyr-mag', label: 'accX..magZ', axes: [...acc, ...gyr, ...mag] },
];

/** The preset matching the count (3, 6, 9), else generic `v0..vN` without units. */
export function defaultAxes(count: number): SensorAxis[] {
  const p = AXIS_PRESETS.find((x) => x.axes.length === count);
  if (p) return p.axes.map((a) => ({ ...a }));
  return Array.from({ length: count }, (_, i) => ({ name: `v${i}`, units: '' }));
}

/** Parses a user's "accX, accY, accZ" list; null when the count does not match or a name repeats/is empty. */
export function parseAxisNames(text: string, count: number, units = ''): SensorAxis[] | null {
  const names = text.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  if (names.length !== count || new Set(names).size !== names.length) return null;
  return names.map((name) => ({ name, units }));
}
