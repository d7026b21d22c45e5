/**
 * Which runtime firmware an impulse needs. DOM-free core module.
 *
 * The runtime firmware computes the impulse's DSP itself from the descriptor in the model slot;
 * settings added in a later firmware are refused by an older one (it counts other features than
 * the model takes and keeps the model unloaded). The upload asks the board's INFO first and says
 * which firmware to install instead of leaving the board with a model it cannot run.
 */
import { StudioError } from '../core/errors.ts';
import type { ImpulseConfig } from '../core/impulse.ts';
import { resolveParams } from '../dsp/block.ts';
import { getDspBlock } from '../dsp/registry.ts';

/** The firmware an impulse needs beyond the first runtime release, or null. */
export function firmwareNeeded(impulse: Pick<ImpulseConfig, 'dsp'>): { version: string; feature: string } | null {
  if (impulse.dsp.block !== 'flatten') return null;
  // The block's own reading of its settings (defaults filled, "true" coerced), as the descriptor takes it.
  const p = resolveParams(getDspBlock('flatten').params, impulse.dsp.params);
  return p['shape'] === true ? { version: '0.4.0', feature: 'the motion shape (flatten block)' } : null;
}

/** Leading major.minor.patch of a version string ("0.3.2", "0.4.0-sim"); null when it has none. */
function parseVersion(v: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** a < b by major, minor, patch; false when either cannot be read. */
export function versionBefore(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return false;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

/** Throws `runtime-too-old` when the board's firmware is older than the impulse needs. */
export function checkRuntimeFirmware(impulse: Pick<ImpulseConfig, 'dsp'>, boardFirmware: string): void {
  const need = firmwareNeeded(impulse);
  if (!need || !versionBefore(boardFirmware, need.version)) return;
  throw new StudioError({
    family: 'flash',
    code: 'runtime-too-old',
    message: `This model uses ${need.feature}, which the runtime firmware computes from version ${need.version} on; the board runs ${boardFirmware}. Nothing was uploaded.`,
    remedy: 'Install the runtime firmware again (Deploy → install the runtime firmware), then upload the model. Or turn off the motion shape on the Impulse step and train again.',
  });
}
