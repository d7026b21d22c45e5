import { describe, it, expect } from 'vitest';
import { isStudioError } from '../../core/errors.ts';
import { denseFixture, fixtureInputs } from '../quantize/test-support/fixtures.ts';
import { quantizeModel } from '../quantize/quantize.ts';
import { cFloat, cString, makeCHeader } from './c-header.ts';
import { testImpulse } from './test-support/fixtures.ts';

describe('makeCHeader', () => {
  const fm = denseFixture();
  const q = quantizeModel(fm, fixtureInputs(fm, 32));

  it('writes the model bytes, length, labels, quantization and impulse constants', () => {
    const h = makeCHeader({ tflite: q.tflite, impulse: testImpulse(), input: q.input, output: q.output });
    expect(h).toContain('alignas(16) static const unsigned char model_tflite[] = {');
    expect(h).toContain(`static const unsigned int model_tflite_len = ${q.tflite.length};`);
    const body = h.slice(h.indexOf('model_tflite[] = {') + 18, h.indexOf('};', h.indexOf('model_tflite[] = {')));
    const bytes = body.match(/0x[0-9a-f]{2}/g)!.map((x) => parseInt(x, 16));
    expect(bytes).toEqual(Array.from(q.tflite));
    expect(h).toContain('#define MODEL_INPUT_SIZE 39');
    expect(h).toContain('#define MODEL_OUTPUT_SIZE 4');
    expect(h).toContain(`#define MODEL_INPUT_ZERO_POINT ${q.input.zeroPoint}`);
    expect(h).toMatch(/#define MODEL_OUTPUT_SCALE 0\.00390625\d*f/);
    expect(h).toContain('#define MODEL_OUTPUT_ZERO_POINT -128');
    expect(h).toContain('"punch \\"hard\\""');
    expect(h).toContain('"flex\\\\"');
    expect(h).toContain('#define IMPULSE_WINDOW_SAMPLES 208');
    expect(h).toContain('#define IMPULSE_AXIS_COUNT 3');
    expect(h).toContain('#define IMPULSE_DSP_FFT_LENGTH 16');
    expect(h).toContain('#define IMPULSE_DSP_FILTER_TYPE "none"');
    expect(h).toContain('#define IMPULSE_DSP_DO_LOG 1');
    expect(h).toMatch(/#define MODEL_TENSOR_ARENA_SIZE \d+/);
    const scale = Number(/MODEL_INPUT_SCALE ([0-9.e+-]+)f/.exec(h)![1]);
    expect(Math.fround(scale)).toBe(Math.fround(q.input.scale));
  });

  it('takes the quantization from the impulse, and refuses without any', () => {
    const imp = { ...testImpulse(), quantization: { input: q.input, output: q.output } };
    expect(makeCHeader({ tflite: q.tflite, impulse: imp })).toContain('MODEL_INPUT_SCALE');
    try {
      makeCHeader({ tflite: q.tflite, impulse: testImpulse() });
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'export-no-quantization')).toBe(true);
    }
  });

  it('writes the input standardisation as kFeatureMean / kFeatureStd, and says when there is none', () => {
    const mean = Array.from({ length: 39 }, (_, i) => Math.fround(i / 3 - 5));
    const std = Array.from({ length: 39 }, (_, i) => Math.fround(0.1 + i * 7));
    const h = makeCHeader({ tflite: q.tflite, impulse: { ...testImpulse(), normalization: { mean, std } }, input: q.input, output: q.output });
    expect(h).toContain('#define MODEL_INPUT_STANDARDIZED 1');
    const arr = (name: string) => {
      const at = h.indexOf(`static const float ${name}[MODEL_INPUT_SIZE] = {`);
      expect(at).toBeGreaterThan(0);
      const body = h.slice(h.indexOf('{', at) + 1, h.indexOf('};', at));
      return body.match(/-?[0-9.]+(e[+-]?\d+)?f/g)!.map((x) => Math.fround(Number(x.slice(0, -1))));
    };
    expect(arr('kFeatureMean')).toEqual(mean);
    expect(arr('kFeatureStd')).toEqual(std);
    const plain = makeCHeader({ tflite: q.tflite, impulse: testImpulse(), input: q.input, output: q.output });
    expect(plain).toContain('#define MODEL_INPUT_STANDARDIZED 0');
    expect(plain).not.toContain('kFeatureMean');
    try {
      makeCHeader({ tflite: q.tflite, impulse: { ...testImpulse(), normalization: { mean: mean.slice(1), std: std.slice(1) } }, input: q.input, output: q.output });
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'normalization-shape')).toBe(true);
    }
  });

  it('C literals round-trip and escape', () => {
    expect(cString('a?"\\\n')).toBe('"a\\077\\"\\\\\\012"');
    for (const v of [0.1, 1 / 3, 1e-7, 123456.789]) expect(Math.fround(Number(cFloat(v).slice(0, -1)))).toBe(Math.fround(v));
  });
});
