/**
 * What changes when a model trained on phone recordings runs on a board: rate, units, axes and the
 * sensor's frame. DOM-free core module; the Deploy step shows the result next to the board.
 *
 * Only the board's own report (its INFO: sensor name, axes with units, current and possible rates) and
 * the training samples' metadata are compared: nothing is assumed about the board beyond what it says.
 * The accelerometer's range is not in INFO, so range is stated as something to check, not as a finding.
 */
import type { SampleMeta } from '../../data/sample.ts';
import type { InfoMsg } from '../protocol/messages.ts';

export type DriftKind = 'rate' | 'rate-unsupported' | 'units' | 'axes' | 'frame' | 'range' | 'gaps';

export interface DriftNote {
  kind: DriftKind;
  severity: 'warning' | 'info';
  message: string;
}

const UNIT_ALIASES: Record<string, string> = { 'm/s^2': 'm/s2', 'm/s²': 'm/s2', ms2: 'm/s2', dps: 'deg/s', '°/s': 'deg/s', 'deg/sec': 'deg/s' };
const unit = (u: string) => UNIT_ALIASES[u.trim().toLowerCase()] ?? u.trim().toLowerCase();
/** Factor that turns a value in `from` into `to`, when known. */
function factor(from: string, to: string): number | null {
  const f = unit(from);
  const t = unit(to);
  if (f === t) return 1;
  if (f === 'g' && t === 'm/s2') return 9.80665;
  if (f === 'm/s2' && t === 'g') return 1 / 9.80665;
  if (f === 'rad/s' && t === 'deg/s') return 180 / Math.PI;
  if (f === 'deg/s' && t === 'rad/s') return Math.PI / 180;
  return null;
}

const isPhone = (m: SampleMeta) => m.deviceType === 'phone' || !!m.capture;

/** Notes for deploying a model trained on `samples` (the training set) to the board that sent `board`. */
export function phoneToBoardDrift(samples: readonly SampleMeta[], board: InfoMsg | null): DriftNote[] {
  const phone = samples.filter((m) => m.category === 'training' && isPhone(m));
  if (!phone.length || !board) return [];
  const sensor = board.sensors[0];
  if (!sensor) return [];
  const notes: DriftNote[] = [];
  const share = phone.length / Math.max(1, samples.filter((m) => m.category === 'training').length);
  const who = share >= 0.999 ? 'All training samples come' : `${Math.round(share * 100)} % of the training samples come`;

  // Rate: the phones' samples were resampled to one rate; the board streams at its own.
  const rates = new Map<number, number>();
  for (const m of phone) {
    const hz = Math.round((1000 / m.intervalMs) * 100) / 100;
    rates.set(hz, (rates.get(hz) ?? 0) + 1);
  }
  const phoneHz = [...rates.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const measured = phone.map((m) => m.capture?.measuredHz ?? 0).filter((x) => x > 0).sort((a, b) => a - b);
  const measuredText = measured.length ? ` (resampled from phones delivering ≈ ${measured[measured.length >> 1].toFixed(0)} Hz)` : '';
  const boardHz = sensor.currentRateMilliHz / 1000;
  if (Math.abs(boardHz - phoneHz) > 0.01 * phoneHz) {
    notes.push({
      kind: 'rate',
      severity: 'warning',
      message: `${who} from a phone at ${phoneHz} Hz${measuredText}; the board samples at ${boardHz} Hz. At the wrong rate a window holds ${(boardHz / phoneHz).toFixed(2)}× as many frames and every motion looks ${boardHz > phoneHz ? 'slower' : 'faster'} to the model, which costs accuracy. Uploading the model sets the board to the impulse's rate when it can.`,
    });
  }
  if (sensor.ratesMilliHz.length && !sensor.ratesMilliHz.some((r) => Math.abs(r / 1000 - phoneHz) <= 0.01 * phoneHz)) {
    const nearest = [...sensor.ratesMilliHz].sort((a, b) => Math.abs(a / 1000 - phoneHz) - Math.abs(b / 1000 - phoneHz))[0] / 1000;
    notes.push({ kind: 'rate-unsupported', severity: 'warning', message: `The board cannot sample at ${phoneHz} Hz (nearest: ${nearest} Hz). Record the phone data at ${nearest} Hz (the phone source's rate) and train again.` });
  }

  // Axes and units, by name.
  const boardAxes = new Map(sensor.axes.map((a) => [a.name, a.units]));
  const phoneAxes = phone[0].axes;
  const missing = phoneAxes.filter((a) => !boardAxes.has(a.name)).map((a) => a.name);
  if (missing.length) notes.push({ kind: 'axes', severity: 'warning', message: `The model uses ${missing.join(', ')}, which the board does not report (it has ${sensor.axes.map((a) => a.name).join(', ') || 'no axes'}). It will not run on this board as trained: train on the axes the board has.` });
  for (const a of phoneAxes) {
    const bu = boardAxes.get(a.name);
    if (bu === undefined) continue;
    const f = factor(bu, a.units);
    if (f === 1) continue;
    notes.push({
      kind: 'units',
      severity: 'warning',
      message: f === null ? `${a.name}: the phone data is in ${a.units}, the board reports ${bu}. Convert one to the other before the model can work.` : `${a.name}: the phone data is in ${a.units}, the board reports ${bu}: the board's values are ${f > 1 ? `${f.toFixed(2)}× smaller` : `${(1 / f).toFixed(2)}× larger`} than what the model learned, unless converted.`,
    });
  }

  // Frame: the phone's axes are the phone's; the board's follow its IMU chip.
  notes.push({
    kind: 'frame',
    severity: 'info',
    message: `Phone axes point right (x), up the screen (y) and out of the screen (z); the board's ${sensor.name || 'IMU'} axes point the way the chip is soldered. Mount or hold the board so its axes point the way the phone's did while recording, or the model sees the motion turned.`,
  });
  notes.push({
    kind: 'range',
    severity: 'info',
    message: 'Phones measure up to about ±8–16 g; many boards\' accelerometers are set to ±2 or ±4 g. Hard shakes that the phone recorded in full are cut off (clipped) on such a board.',
  });
  const gaps = phone.filter((m) => m.gaps?.length).length;
  if (gaps) notes.push({ kind: 'gaps', severity: 'info', message: `${gaps} phone sample(s) have gaps (the phone stopped sending motion, e.g. a locked screen): check them on the Data step; the joins are not motion the board will ever see.` });
  return notes;
}
