import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { isStudioError } from '../../core/errors.ts';
import { fixtureInputs, mulberry32 } from '../quantize/test-support/fixtures.ts';
import type { FloatModel } from '../float-model.ts';
import { quantizeModel } from '../quantize/quantize.ts';
import { Int8Interpreter } from '../tflite/interpreter.ts';
import { arduinoLibraryName, IMU_ARDUINO_LIBRARIES, makeArduinoLibraryZip, TFLM_ARDUINO_LIBRARY } from './arduino-library.ts';
import { cFloat } from './c-header.ts';
import { testImpulse } from './test-support/fixtures.ts';

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
  const zip = makeArduinoLibraryZip({ tflite: q.tflite, impulse: { ...testImpulse(), normalization }, input: q.input, output: q.output, projectName: 'Gesture Demo' });
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
    expect(props).toMatch(/^depends=Arduino_TensorFlowLite, Arduino_LSM9DS1, Arduino_BMI270_BMM150, Seeed Arduino LSM6DS3$/m);
    expect(props).toMatch(/^includes=Gesture_Demo\.h$/m);
    const readme = strFromU8(files['Gesture_Demo/README.md']);
    expect(readme).toContain(`${TFLM_ARDUINO_LIBRARY.name} ${TFLM_ARDUINO_LIBRARY.version}`);
    for (const l of IMU_ARDUINO_LIBRARIES) expect(readme).toContain(`**${l.name}**`);
    expect(readme).toContain('from project "Gesture Demo"');
    const ino = strFromU8(files['Gesture_Demo/examples/Gesture_Demo_classify/Gesture_Demo_classify.ino']);
    expect(ino).toContain('#include <Gesture_Demo.h>');
    expect(ino).toContain('namespace impulse = Gesture_Demo;');
    expect(ino).toContain('tflite::MicroMutableOpResolver<2> resolver;');
    expect(ino).toContain('resolver.AddFullyConnected();');
    expect(ino).toContain('resolver.AddSoftmax();');
    // accX..Z trained in m/s²: the IMU's g times standard gravity
    expect(ino).toContain('const int kImuChannel[impulse::kAxisCount] = {0, 1, 2};');
    expect(ino).toContain('const float kImuFactor[impulse::kAxisCount] = {9.80665016f, 9.80665016f, 9.80665016f};');
    expect(ino).toContain('// #define TML_INPUT_CSV');
    const h = strFromU8(files['Gesture_Demo/src/Gesture_Demo.h']);
    expect(h).toContain('#ifndef GESTURE_DEMO_TINYML_IMPULSE_H_');
    expect(h).toContain('namespace Gesture_Demo {');
    expect(h).toContain('constexpr double kStrideFrames = 52.0;'); // 500 ms at 104 Hz
    // features are standardised with the header's arrays before quantizing
    expect(h).toContain('const float x = (feature - kFeatureMean[i]) / kFeatureStd[i];');
    expect(h).toContain('lroundf(x / kInputScale)');
    expect(h).toMatch(/#undef MODEL_INPUT_SIZE\n/);
  });

  it('states every estimated inference time with a significant digit (no "0.0 ms")', () => {
    const line = strFromU8(files['Gesture_Demo/README.md']).split('\n').find((l) => l.startsWith('Estimated inference time'))!;
    expect(line).toMatch(/Cortex-M7/);
    expect(line).not.toMatch(/\b0\.0 ms/);
    for (const m of line.matchAll(/([\d.]+) ms/g)) expect(Number(m[1])).toBeGreaterThan(0);
  });

  it('names the library after the project: a valid Arduino library name and C++ identifier, never reserved', () => {
    expect(arduinoLibraryName('Gesture Demo')).toBe('Gesture_Demo');
    expect(arduinoLibraryName('  Wäsche – Sortierer!! ')).toBe('Wasche_Sortierer');
    expect(arduinoLibraryName('2024 test')).toBe('Impulse_2024_test');
    expect(arduinoLibraryName('')).toBe('TinyML_Project');
    expect(arduinoLibraryName('✋👋')).toBe('TinyML_Project');
    expect(arduinoLibraryName('__x__')).toBe('X_Impulse'); // one capital: a macro's style
    expect(arduinoLibraryName('gestures')).toBe('Gestures'); // a capital first: never a C++ keyword or a sketch name
    expect(arduinoLibraryName('class')).toBe('Class');
    // reserved names (any case: file systems may ignore it) and all-capital names (macros) get a suffix
    for (const [given, want] of [['Wire', 'Wire'], ['wire', 'Wire'], ['math', 'Math'], ['Arduino', 'Arduino'], ['Servo', 'Servo'], ['TinyML_Impulse', 'TinyML_Impulse'],
      ['IMU', 'IMU'], ['HIGH', 'HIGH'], ['B101', 'B101'], ['LSM6DS3', 'LSM6DS3'], ['ADC', 'ADC'], ['I2C_MODE', 'I2C_MODE'], ['d13', 'D13']]) {
      expect(arduinoLibraryName(given), given).toBe(`${want}_Impulse`);
    }
    const long = arduinoLibraryName('a'.repeat(100));
    expect(long.length).toBeLessThanOrEqual(48);
    for (const n of ['Gesture Demo', 'x-y', '9', 'für', 'a'.repeat(70), 'ÆØÅ', '日本']) expect(arduinoLibraryName(n)).toMatch(/^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/);
  });

  it('gives two projects two libraries, headers and namespaces', () => {
    const make = (projectName: string) => Object.keys(unzipSync(makeArduinoLibraryZip({ tflite: q.tflite, impulse: testImpulse(), input: q.input, output: q.output, projectName }))).sort();
    const a = make('Kitchen gestures');
    const b = make('Garage door');
    expect(a).toContain('Kitchen_gestures/src/Kitchen_gestures.h');
    expect(b).toContain('Garage_door/src/Garage_door.h');
    expect(a.filter((p) => b.includes(p))).toEqual([]);
  });

  it('exports a spectral impulse with a low- or high-pass filter from what training saved (the call the export worker makes)', () => {
    for (const [type, cutoff] of [['low', 20], ['high', 3]] as const) {
      const impulse = { ...testImpulse(), dsp: { block: 'spectral' as const, params: { 'fft-length': 16, 'filter-type': type, 'filter-cutoff': cutoff, 'filter-order': 4, 'scale-axes': 1.5 } } };
      // 104 Hz, fft 16: a 20 Hz low-pass keeps bins 1..3, a 3 Hz high-pass bins 1..8
      const bins = type === 'low' ? 3 : 8;
      const m = { ...fm, inputShape: [3 * (5 + bins)], layers: [{ kind: 'dense' as const, units: 4, inUnits: 3 * (5 + bins), kernel: new Float32Array(12 * (5 + bins)).fill(0.01), bias: new Float32Array(4), activation: 'none' as const }, { kind: 'softmax' as const }] };
      const qm = quantizeModel(m, fixtureInputs(m, 8));
      const out = unzipSync(makeArduinoLibraryZip({ tflite: qm.tflite, impulse, input: qm.input, output: qm.output }));
      const h = strFromU8(Object.entries(out).find(([p]) => p.endsWith('.h'))![1]);
      expect(h).toMatch(/#define IMPULSE_SOS_COUNT 2\n/);
      expect(h).toMatch(/static const float impulse_sos\[IMPULSE_SOS_COUNT\]\[5\] = \{\{/);
    }
  });

  it('falls back to CSV input when the IMU cannot give an axis or unit the impulse was trained on', () => {
    const ino = (axes: string[], axisUnits?: string[]) => {
      const files = unzipSync(makeArduinoLibraryZip({ tflite: q.tflite, impulse: { ...testImpulse(), windowing: { ...testImpulse().windowing, axes } }, input: q.input, output: q.output, projectName: 'P', axisUnits }));
      return strFromU8(Object.entries(files).find(([p]) => p.endsWith('.ino'))![1]);
    };
    const mag = ino(['accX', 'accY', 'magZ']);
    expect(mag).toMatch(/\(axis "magZ" is not an accelerometer or gyroscope axis\), so samples come as CSV:\n#define TML_INPUT_CSV\n/);
    expect(mag).toContain('#error "The impulse\'s axes cannot be read from the IMU: define TML_INPUT_CSV."');
    expect(ino(['accX', 'accY', 'accZ'], ['g', 'g', 'furlong'])).toMatch(/axis "accZ" is in "furlong".*\n#define TML_INPUT_CSV\n/);
    // g stays g, rad/s converts from deg/s
    const g = ino(['accX', 'gyrY', 'accZ'], ['g', 'rad/s', 'm/s²']);
    expect(g).toContain('const int kImuChannel[impulse::kAxisCount] = {0, 4, 2};');
    expect(g).toContain(`const float kImuFactor[impulse::kAxisCount] = {1.00000000f, ${cFloat(Math.PI / 180)}, 9.80665016f};`);
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
      // The header's API, in its namespace (its build macros are undefined at its end).
      // A window of a 2 Hz sine on each axis; the driver prints length, a checksum and the features.
      writeFileSync(
        join(dir, 'main.cpp'),
        `#include <stdio.h>
#include "src/Gesture_Demo.h"
#ifdef MODEL_INPUT_SIZE
#error "the header leaks its macros"
#endif
using namespace Gesture_Demo;
int main() {
  unsigned long sum = 0;
  for (unsigned i = 0; i < model_size(); i++) sum = (sum * 31 + model_data()[i]) % 1000000007UL;
  static float w[kWindowSamples * kAxisCount];
  for (int i = 0; i < kWindowSamples; i++)
    for (int a = 0; a < kAxisCount; a++) w[i * kAxisCount + a] = (a + 1) * sinf(2 * 3.14159265f * 2.0f * i / 104.0f);
  static float f[kFeatureCount];
  int n = extract_features(w, kWindowSamples, f, kFeatureCount);
  printf("%u %lu %d %d %s %lu %d %.9g\\n", model_size(), sum, n, kInputSize, labels[2], (unsigned long)((size_t)model_data() % 16),
         (int)kInputStandardized, (double)((kFeatureMean[38] + 1.0f) / kFeatureStd[38]));
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
