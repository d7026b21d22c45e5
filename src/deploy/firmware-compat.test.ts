import { describe, it, expect } from 'vitest';
import { checkRuntimeFirmware, firmwareNeeded, versionBefore } from './firmware-compat.ts';
import { isStudioError } from '../core/errors.ts';
import { defaultImpulse } from '../ml/defaults.ts';
import { RUNTIME_FIRMWARE_VERSION } from '../device/sim/runtime-firmware.ts';

describe('runtime firmware an impulse needs', () => {
  const imu = defaultImpulse({ frequencyHz: 104, axes: ['accX', 'accY', 'accZ'], labels: ['a', 'b'] });

  it('compares versions by number, ignoring suffixes', () => {
    expect(versionBefore('0.3.2', '0.4.0')).toBe(true);
    expect(versionBefore('0.4.0-sim', '0.4.0')).toBe(false);
    expect(versionBefore('0.10.0', '0.4.0')).toBe(false);
    expect(versionBefore('1.0', '0.4.0')).toBe(false);
    expect(versionBefore('unknown', '0.4.0')).toBe(false);
  });

  it('the default motion impulse needs 0.4.0, which the committed runtime image is', () => {
    expect(firmwareNeeded(imu)).toEqual({ version: '0.4.0', feature: 'the motion shape (flatten block)' });
    expect(firmwareNeeded({ dsp: { block: 'flatten', params: { shape: false } } })).toBeNull();
    expect(firmwareNeeded({ dsp: { block: 'spectral', params: {} } })).toBeNull();
    expect(versionBefore(RUNTIME_FIRMWARE_VERSION, '0.4.0')).toBe(false);
    expect(() => checkRuntimeFirmware(imu, RUNTIME_FIRMWARE_VERSION)).not.toThrow();
  });

  it('refuses an older board with what to install', () => {
    try {
      checkRuntimeFirmware(imu, '0.3.2');
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'runtime-too-old')).toBe(true);
      expect((e as Error).message).toContain('the board runs 0.3.2');
    }
    expect(() => checkRuntimeFirmware({ dsp: { block: 'flatten', params: { kurtosis: false } } }, '0.3.2')).not.toThrow();
  });
});
