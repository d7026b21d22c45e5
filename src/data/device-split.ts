/**
 * Who recorded what on which device: the dataset split by source. DOM-free core module.
 *
 * When a class merges several people's phone recordings into one project, a model tested on samples
 * from the same phones it was trained on looks better than it will on a new phone (the
 * prototype-vs-production drift in miniature). This table makes the split visible and says when
 * testing has no device of its own, or a device has only testing samples.
 */
import type { Category, SampleMeta } from './sample.ts';

export interface DeviceSplitRow {
  /** Stable key: person + device name + device type. */
  key: string;
  person: string | null;
  deviceName: string;
  deviceType: string | null;
  samples: number;
  byCategory: Record<Category, number>;
  byLabel: Record<string, number>;
  /** Median of the measured event rates of resampled samples (phones), Hz; null if none. */
  measuredHz: number | null;
  /** Samples with at least one gap. */
  withGaps: number;
}

export interface DeviceSplit {
  rows: DeviceSplitRow[];
  labels: string[];
  /** Plain-language remarks about how training and testing devices overlap. */
  notes: string[];
}

export function deviceKey(m: Pick<SampleMeta, 'person' | 'deviceName' | 'deviceType'>): string {
  return `${m.person ?? ''}\u0000${m.deviceName}\u0000${m.deviceType ?? ''}`;
}

export function deviceSplit(metas: readonly SampleMeta[]): DeviceSplit {
  const rows = new Map<string, DeviceSplitRow & { rates: number[] }>();
  const labels = new Set<string>();
  for (const m of metas) {
    const key = deviceKey(m);
    let r = rows.get(key);
    if (!r) {
      r = { key, person: m.person ?? null, deviceName: m.deviceName, deviceType: m.deviceType ?? null, samples: 0, byCategory: { training: 0, testing: 0 }, byLabel: {}, measuredHz: null, withGaps: 0, rates: [] };
      rows.set(key, r);
    }
    r.samples++;
    r.byCategory[m.category]++;
    r.byLabel[m.label] = (r.byLabel[m.label] ?? 0) + 1;
    labels.add(m.label);
    if (m.capture && m.capture.measuredHz > 0) r.rates.push(m.capture.measuredHz);
    if (m.gaps?.length) r.withGaps++;
  }
  const out: DeviceSplitRow[] = [];
  for (const { rates, ...r } of rows.values()) {
    if (rates.length) {
      rates.sort((a, b) => a - b);
      r.measuredHz = rates[rates.length >> 1];
    }
    out.push(r);
  }
  const name = (r: DeviceSplitRow) => (r.person ? `${r.person} (${r.deviceName})` : r.deviceName);
  out.sort((a, b) => b.samples - a.samples || name(a).localeCompare(name(b)));
  const notes: string[] = [];
  if (out.length > 1) {
    const testOnly = out.filter((r) => r.byCategory.testing > 0 && r.byCategory.training === 0);
    const trainOnly = out.filter((r) => r.byCategory.training > 0 && r.byCategory.testing === 0);
    const both = out.filter((r) => r.byCategory.training > 0 && r.byCategory.testing > 0);
    if (testOnly.length) notes.push(`Testing has device(s) the model never trains on: ${testOnly.map(name).join(', ')}. Their test accuracy shows how the model does on a new device.`);
    if (!testOnly.length && both.length) notes.push('Every testing sample comes from a device that is also in training: test accuracy will look better than on a new phone or board. Move all samples of one device to testing to measure that.');
    if (trainOnly.length && !both.length && !testOnly.length) notes.push(`${trainOnly.map(name).join(', ')} ha${trainOnly.length > 1 ? 've' : 's'} no testing samples.`);
    const rated = out.filter((r) => r.measuredHz !== null);
    if (rated.length > 1) {
      const hz = rated.map((r) => r.measuredHz!);
      const lo = Math.min(...hz);
      const hi = Math.max(...hz);
      if (hi > 1.25 * lo) notes.push(`The phones delivered events at different rates (${lo.toFixed(0)}–${hi.toFixed(0)} Hz) before resampling: the slower ones carry less detail of fast motion.`);
    }
  }
  return { rows: out, labels: [...labels].sort(), notes };
}
