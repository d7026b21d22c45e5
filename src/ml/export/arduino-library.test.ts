import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { isStudioError } from '../../core/errors.ts';
import { fixtureInputs, mulberry32 } from '../quantize/fixtures.ts';
import type { FloatModel } from '../float-model.ts';
import { quantizeModel } from '../quantize/quantize.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';
import { makeArduinoLibraryZip, TFLM_ARDUINO_LIBRARY } from './arduino-library.ts';
import { testImpulse } from './fixtures.ts';

/** 3 axes × (5 + 8 bins) spectral features → dense 4. */
function spectralModel(): FloatModel {
  const r = mulberry32(4);
  return {
    inputShape: [39],
    labels: ['idle', 'wave', 'punch "hard"', 'flex\\'],
    layers: [
      { kind: 'dense', units: 4, inUnits: 39, kernel: Float32Array.from({ length: 156 }, () => r() - 0.5), bias: new Float32Array(4), activation: 'none' },
      { kind: 'softmax' },
    ],
  };
}

const gxx = ['/usr/bin/g++', '/usr/bin/clang++'].find((p) => existsSync(p));

describe('makeArduinoLibraryZip', () => {
  const fm = spectralModel();
  const q = quantizeModel(fm, fixtureInputs(fm, 32));
  // Standardised model input: mean i/10, std 1 + i (per feature).
  const normalization = { mean: Array.from({ length: 39 }, (_, i) => Math.fround(i / 10)), std: Array.from({ length: 39 }, (_, i) => 1 + i) };
  const zip = makeArduinoLibraryZip({ tflite: q.tflite, impulse: { ...testImpulse(), normalization }, input: q.input, output: q.output, name: 'Gesture_Demo' });
  const files = unzipSync(zip);

  it('holds library.properties, src header, example sketch and README with library versions', () => {
    expect(Object.keys(files).sort()).toEqual([
      'Gesture_Demo/README.md',
      'Gesture_Demo/examples/Gesture_Demo_classify/Gesture_Demo_classify.ino',
      'Gesture_Demo/library.properties',
      'Gesture_Demo/src/Gesture_Demo.h',
    ]);
    const props = strFromU8(files['Gesture_Demo/library.properties']);
    expect(props).toMatch(/^name=Gesture_Demo$/m);
    expect(props).toMatch(/^version=1\.0\.0$/m);
    expect(props).toContain(`depends=${TFLM_ARDUINO_LIBRARY.name}`);
    const readme = strFromU8(files['Gesture_Demo/README.md']);
    expect(readme).toContain('Arduino_TensorFlowLite 2.4.0-ALPHA');
    const ino = strFromU8(files['Gesture_Demo/examples/Gesture_Demo_classify/Gesture_Demo_classify.ino']);
    expect(ino).toContain('#include <Gesture_Demo.h>');
    expect(ino).toContain('tflite::MicroMutableOpResolver<2> resolver;');
    expect(ino).toContain('resolver.AddFullyConnected();');
    expect(ino).toContain('resolver.AddSoftmax();');
    expect(ino).toContain('kStrideSamples = 52'); // 500 ms at 104 Hz
    // features are standardised with the header's arrays before quantizing (when the header says so)
    expect(ino).toMatch(/#if MODEL_INPUT_STANDARDIZED\s+float x = \(features\[i\] - kFeatureMean\[i\]\) \/ kFeatureStd\[i\];/);
    expect(ino).toContain('lroundf(x / MODEL_INPUT_SCALE)');
  });

  it('refuses a model whose input does not match the DSP output', () => {
    const other = quantizeModel(
      { ...fm, inputShape: [12], layers: [{ kind: 'dense', units: 2, inUnits: 12, kernel: new Float32Array(24).fill(0.1), bias: new Float32Array(2), activation: 'none' }] },
      [new Float32Array(12).fill(1)],
    );
    try {
      makeArduinoLibraryZip({ tflite: other.tflite, impulse: testImpulse(), input: other.input, output: other.output });
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e, 'export-feature-mismatch')).toBe(true);
    }
  });

  it.skipIf(!gxx)('the library header compiles (C++11) and carries the exact model bytes and DSP', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ard-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'Gesture_Demo.h'), files['Gesture_Demo/src/Gesture_Demo.h']);
      // A window of a 2 Hz sine on each axis; the driver prints length, a checksum and the features.
      writeFileSync(
        join(dir, 'main.cpp'),
        `#include <stdio.h>
#include "src/Gesture_Demo.h"
int main() {
  unsigned long sum = 0;
  for (unsigned i = 0; i < model_tflite_len; i++) sum = (sum * 31 + model_tflite[i]) % 1000000007UL;
  static float w[IMPULSE_WINDOW_SAMPLES * IMPULSE_AXIS_COUNT];
  for (int i = 0; i < IMPULSE_WINDOW_SAMPLES; i++)
    for (int a = 0; a < IMPULSE_AXIS_COUNT; a++) w[i * IMPULSE_AXIS_COUNT + a] = (a + 1) * sinf(2 * 3.14159265f * 2.0f * i / 104.0f);
  static float f[IMPULSE_FEATURE_COUNT];
  int n = impulse_extract_features(w, IMPULSE_WINDOW_SAMPLES, f, IMPULSE_FEATURE_COUNT);
  printf("%u %lu %d %d %s %lu %d %.9g\\n", model_tflite_len, sum, n, MODEL_INPUT_SIZE, model_labels[2], (unsigned long)((size_t)model_tflite % 16),
         MODEL_INPUT_STANDARDIZED, (double)((kFeatureMean[38] + 1.0f) / kFeatureStd[38]));
  for (int i = 0; i < n; i++) printf("%.6g ", f[i]);
  return 0;
}
`,
      );
      execFileSync(gxx!, ['-std=c++11', '-O0', '-Wall', '-Werror', '-Wno-unused-function', '-Wno-unused-variable', '-o', join(dir, 'm'), join(dir, 'main.cpp')]);
      const [head, feats] = execFileSync(join(dir, 'm'), { encoding: 'utf8' }).trim().split('\n');
      let sum = 0;
      for (const b of q.tflite) sum = (sum * 31 + b) % 1000000007;
      const std38 = head.slice(head.lastIndexOf(' ') + 1);
      expect(head.slice(0, head.lastIndexOf(' '))).toBe(`${q.tflite.length} ${sum} 39 39 punch "hard" 0 1`);
      // (kFeatureMean[38] + 1) / kFeatureStd[38] in float32: the arrays hold the impulse's values
      expect(Math.fround(Number(std38))).toBe(Math.fround(Math.fround(Math.fround(3.8) + 1) / 39));
      const f = feats.trim().split(' ').map(Number);
      // axis a has amplitude a+1: RMS = (a+1)/√2 (scale-axes 1.5 applies)
      for (let a = 0; a < 3; a++) expect(f[a * 13]).toBeCloseTo((1.5 * (a + 1)) / Math.SQRT2, 2);
      // and the exported model runs on those features
      const it = Int8Interpreter.load(q.tflite);
      expect(it.invokeFloat(Float32Array.from(f)).length).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
