import { describe, it, expect } from 'vitest';
import { isStudioError, type AnyErrorCode } from '../../core/errors.ts';
import type { ImpulseConfig, ParamValue } from '../../core/impulse.ts';
import { crc32 } from '../../core/crc.ts';
import { SLOT } from '../../core/slot-layout.ts';
import { decodeImpulseDescriptor, describeImpulse, encodeImpulseDescriptor, makeImpulseDescriptor, quantizeFeatures } from './impulse-descriptor.ts';

function impulse(block: ImpulseConfig['dsp']['block'], params: Record<string, ParamValue>, axes = ['accX', 'accY', 'accZ'], hz = 104): ImpulseConfig {
  return {
    version: 1,
    windowing: { windowMs: 2000, strideMs: 250, zeroPad: false, frequencyHz: hz, axes },
    dsp: { block, params },
    learn: { block: 'dense', params: {} },
    training: { epochs: 1, learningRate: 0.001, batchSize: 32, validationSplit: 0.2, seed: 1, earlyStoppingPatience: 0, classWeighting: false, augmentation: { noise: 0, timeShift: 0, amplitudeScale: 0 } },
    labels: ['idle', 'wave', 'punch "hard"'],
    quantization: { input: { scale: 0.0625, zeroPoint: -3 }, output: { scale: 1 / 256, zeroPoint: -128 } },
  };
}

const expectCode = (f: () => unknown, code: AnyErrorCode) => {
  try {
    f();
    expect.unreachable();
  } catch (e) {
    expect(isStudioError(e, code), String(e)).toBe(true);
  }
};

describe('impulse descriptor', () => {
  it('describes a spectral impulse with scipy-equal float32 Butterworth sections and the app feature count', () => {
    const d = describeImpulse(impulse('spectral', { 'fft-length': 64, 'filter-type': 'high', 'filter-cutoff': 1, 'filter-order': 4, 'do-fft-overlap': false }));
    // scipy.signal.butter(4, 2*1/104, 'highpass', output='sos') cast to float32 (scipy 1.17, development time)
    const scipy = [
      [0.924085795879364, -1.848171591758728, 0.924085795879364, -1.8908735513687134, 0.8943296074867249],
      [1.0, -2.0, 1.0, -1.9512654542922974, 0.9548319578170776],
    ];
    expect(d.spectral?.sos).toEqual(scipy);
    // 104 Hz × 2 s = 208 frames; stride 250 ms = 26 frames; high-pass 1 Hz at fft 64: bins 1..32
    expect(d).toMatchObject({ block: 'spectral', windowFrames: 208, strideFrames: 26, featureCount: 3 * (5 + 32), inputType: 'int8' });
    expect(d.spectral).toMatchObject({ fftLength: 64, hop: 64, binLo: 1, binHi: 32, doLog: true, overlap: false, filterType: 'high', filterOrder: 4 });
    const low = describeImpulse(impulse('spectral', { 'fft-length': 128, 'filter-type': 'low', 'filter-cutoff': 3 }));
    // int(3·128/104 + 0.5) = 4 → bins 1..4
    expect(low.spectral).toMatchObject({ binLo: 1, binHi: 4, hop: 64 });
    expect(low.spectral?.sos).toHaveLength(3);
    expect(low.featureCount).toBe(3 * 9);
  });

  it('round-trips through the binary layout, with fields at their documented offsets', () => {
    for (const cfg of [
      impulse('spectral', { 'fft-length': 32, 'filter-type': 'low', 'filter-cutoff': 5, 'scale-axes': 0.5 }),
      impulse('flatten', { minimum: false, kurtosis: false }, ['gyrZ', 'ακX']),
      impulse('raw', { 'scale-axes': 2 }, ['accX']),
    ]) {
      const d = describeImpulse(cfg);
      const b = encodeImpulseDescriptor(d);
      expect(decodeImpulseDescriptor(b)).toEqual(d);
      const v = new DataView(b.buffer);
      expect(v.getUint32(0, true)).toBe(SLOT.DESCRIPTOR_MAGIC);
      expect(v.getUint32(8, true)).toBe(b.length);
      expect(b[12]).toBe({ raw: 0, flatten: 1, spectral: 2 }[d.block]);
      expect(b[13]).toBe(cfg.windowing.axes.length);
      expect(v.getUint16(14, true)).toBe(208);
      expect(v.getFloat32(28, true)).toBe(0.0625);
      expect(v.getInt32(32, true)).toBe(-3);
      expect(v.getUint32(b.length - 4, true)).toBe(crc32(b, 0, b.length - 4));
      // names follow the header and the SOS rows
      const at = SLOT.DESCRIPTOR_HEADER_SIZE + 20 * (d.spectral?.sos.length ?? 0);
      expect(new TextDecoder().decode(b.subarray(at + 1, at + 1 + b[at]))).toBe(cfg.windowing.axes[0]);
    }
    const flat = describeImpulse(impulse('flatten', { minimum: false, kurtosis: false }));
    expect(flat.flattenStats).toBe(0b0111101); // average, maximum, rms, stdev, skewness
    expect(flat.featureCount).toBe(15);
    expect(describeImpulse({ ...impulse('raw', {}), quantization: undefined }).inputType).toBe('float32');
  });

  it('never crashes on damaged bytes: truncation, bit flips and garbage are clear errors', () => {
    const b = makeImpulseDescriptor(impulse('spectral', { 'fft-length': 16, 'filter-type': 'low', 'filter-cutoff': 8 }));
    for (let n = 0; n < b.length; n++) expectCode(() => decodeImpulseDescriptor(b.subarray(0, n)), 'bad-descriptor');
    for (let i = 0; i < b.length; i++) {
      const c = b.slice();
      c[i] ^= 1 << (i % 8);
      expectCode(() => decodeImpulseDescriptor(c), 'bad-descriptor');
    }
    let s = 7;
    for (let k = 0; k < 200; k++) {
      const g = Uint8Array.from({ length: (k * 13) % 300 }, () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24);
      if (k % 2 && g.length >= 4) new DataView(g.buffer).setUint32(0, SLOT.DESCRIPTOR_MAGIC, true);
      expectCode(() => decodeImpulseDescriptor(g), 'bad-descriptor');
    }
    // a longer buffer (descriptor followed by other bytes) still decodes
    expect(decodeImpulseDescriptor(Uint8Array.from([...b, 1, 2, 3])).featureCount).toBe(decodeImpulseDescriptor(b).featureCount);
  });

  it('carries the input standardisation: per feature, or per axis when the arrays repeat, and checks it strictly', () => {
    // flatten (minimum, kurtosis off): 5 statistics × 3 axes = 15 features, one entry each
    const flatCfg = impulse('flatten', { minimum: false, kurtosis: false });
    const mean = Array.from({ length: 15 }, (_, i) => Math.fround(i * 1.5 - 3));
    const std = Array.from({ length: 15 }, (_, i) => Math.fround(0.25 + i));
    const d = describeImpulse({ ...flatCfg, normalization: { mean, std } });
    expect(d.normalization).toEqual({ mean, std });
    const b = encodeImpulseDescriptor(d);
    expect(decodeImpulseDescriptor(b)).toEqual(d);
    const v = new DataView(b.buffer);
    // u16 count, means, stds just before the CRC
    const at = b.length - 4 - 8 * 15 - 2;
    expect(v.getUint16(at, true)).toBe(15);
    expect(v.getFloat32(at + 2, true)).toBe(mean[0]);
    expect(v.getFloat32(at + 2 + 4 * 15, true)).toBe(std[0]);
    // raw block, per-axis statistics repeated over 208 frames: stored once per axis
    const raw = impulse('raw', {});
    const rep = (a: number[]) => Array.from({ length: 208 * 3 }, (_, i) => a[i % 3]);
    const dr = describeImpulse({ ...raw, normalization: { mean: rep([0.5, -9.81, 2]), std: rep([3, 4, 250]) } });
    expect(dr.normalization).toEqual({ mean: [0.5, -9.81, 2].map(Math.fround), std: [3, 4, 250] });
    expect(decodeImpulseDescriptor(encodeImpulseDescriptor(dr))).toEqual(dr);
    // none: count 0; the option overrides the impulse
    expect(describeImpulse({ ...flatCfg, normalization: { mean, std } }, { normalization: null }).normalization).toBeNull();
    expect(describeImpulse(flatCfg).normalization).toBeNull();
    // wrong length or a zero std is refused when describing; damaged entries when decoding
    expectCode(() => describeImpulse({ ...flatCfg, normalization: { mean: mean.slice(1), std: std.slice(1) } }), 'normalization-shape');
    expectCode(() => describeImpulse({ ...flatCfg, normalization: { mean, std: std.map((x, i) => (i === 3 ? 0 : x)) } }), 'normalization-value');
    expectCode(() => encodeImpulseDescriptor({ ...d, normalization: { mean: mean.slice(0, 4), std: std.slice(0, 4) } }), 'descriptor-range');
    const zeroStd = encodeImpulseDescriptor({ ...d, normalization: { mean: [1, 2, 3], std: [1, 1, 1] } });
    const zv = new DataView(zeroStd.buffer);
    zv.setFloat32(zeroStd.length - 8, 0, true);
    zv.setUint32(zeroStd.length - 4, crc32(zeroStd, 0, zeroStd.length - 4), true);
    expectCode(() => decodeImpulseDescriptor(zeroStd), 'bad-descriptor');
    for (let i = at; i < b.length; i++) {
      const c = b.slice();
      c[i] ^= 1 << (i % 8);
      expectCode(() => decodeImpulseDescriptor(c), 'bad-descriptor');
    }
  });

  it('range-checks header fields like the firmware decoder (impulse_descriptor.cpp), with a valid CRC', () => {
    const spectral = makeImpulseDescriptor(impulse('spectral', { 'fft-length': 16, 'filter-type': 'low', 'filter-cutoff': 8 }));
    const flatten = makeImpulseDescriptor(impulse('flatten', {}));
    const patched = (b: Uint8Array, edit: (v: DataView) => void) => {
      const c = b.slice();
      const v = new DataView(c.buffer);
      edit(v);
      v.setUint32(c.length - 4, crc32(c, 0, c.length - 4), true);
      return c;
    };
    const refused = (b: Uint8Array, text: string) => {
      try {
        decodeImpulseDescriptor(b);
        expect.unreachable(text);
      } catch (e) {
        expect(isStudioError(e, 'bad-descriptor'), String(e)).toBe(true);
        expect(String(e)).toContain(text);
      }
    };
    expect(decodeImpulseDescriptor(patched(spectral, () => {})).block).toBe('spectral');
    refused(patched(spectral, (v) => v.setUint16(14, 0, true)), 'window or feature count');
    refused(patched(spectral, (v) => v.setUint16(16, 0, true)), 'window or feature count');
    refused(patched(spectral, (v) => v.setFloat32(28, 0, true)), 'input scale');
    refused(patched(spectral, (v) => v.setFloat32(28, Infinity, true)), 'input scale');
    refused(patched(spectral, (v) => v.setInt32(32, 128, true)), 'input zero point');
    refused(patched(spectral, (v) => v.setInt32(40, -129, true)), 'output zero point');
    refused(patched(spectral, (v) => v.setFloat32(36, -1, true)), 'output scale');
    refused(patched(spectral, (v) => v.setFloat32(36, NaN, true)), 'output scale');
    refused(patched(spectral, (v) => v.setFloat32(20, 0, true)), 'sample rate');
    refused(patched(spectral, (v) => v.setFloat32(20, 2e6, true)), 'sample rate');
    refused(patched(spectral, (v) => v.setFloat32(24, NaN, true)), 'scale-axes');
    refused(patched(spectral, (v) => v.setUint16(48, 48, true)), 'FFT length');
    refused(patched(spectral, (v) => v.setUint16(54, 9, true)), 'FFT bins');
    refused(patched(spectral, (v) => v.setUint16(52, 0, true)), 'FFT bins');
    refused(patched(flatten, (v) => v.setUint8(46, 0)), 'no flatten statistic');
    // a float32 model (input type 0) may carry scale 0, as the firmware allows
    expect(decodeImpulseDescriptor(patched(flatten, (v) => { v.setUint8(44, 0); v.setFloat32(28, 0, true); })).inputType).toBe('float32');
  });

  it('refuses what the firmware cannot run', () => {
    expectCode(() => describeImpulse(impulse('mfcc', {}, ['audio'], 16000)), 'descriptor-unsupported-block');
    expectCode(() => describeImpulse(impulse('spectral', { 'fft-length': 16, 'input-decimation-ratio': 3 })), 'export-dsp-unsupported');
    expectCode(() => makeImpulseDescriptor({ ...impulse('raw', {}), labels: ['x'.repeat(40)] }), 'descriptor-range');
    expectCode(() => makeImpulseDescriptor({ ...impulse('raw', {}), labels: Array.from({ length: 17 }, (_, i) => `l${i}`) }), 'descriptor-range');
    expectCode(() => describeImpulse(impulse('spectral', { 'fft-length': 12 })), 'fft-length');
  });

  it('quantizes like the TFLite interpreter: round half away from zero, then clamp', () => {
    const q = { scale: 0.5, zeroPoint: 3 };
    expect(Array.from(quantizeFeatures([0.25, -0.25, 0.75, -0.75, 1e6, -1e6, 0], q))).toEqual([4, 2, 5, 1, 127, -128, 3]);
  });
});
