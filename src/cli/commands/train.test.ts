import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';
import { makeTinyMotionDataset } from '../test-support/tiny-motion-dataset.ts';
import { MetricsSchema } from '../../core/metrics-schema.ts';
import { ImpulseSchema } from '../../core/impulse-schema.ts';
import { checkValue } from '../../core/schema-check.ts';


describe('tinyml train / features / predict', () => {
  let tmp = '';
  let data = '';
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tinyml-train-'));
    data = join(tmp, 'data');
    makeTinyMotionDataset(data, { seed: 5, sidecar: true });
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('train writes impulse, metrics, model and int8 files with the right shapes', async () => {
    const out = join(tmp, 'out');
    const code = await main(['train', '--data', data, '--out', out, '--window-ms', '1000', '--stride-ms', '500', '--seed', '3', '--quiet']);
    expect(code).toBe(0);
    for (const f of ['impulse.json', 'metrics.json', 'model.json', 'weights.bin', 'model.tflite', 'model_float.tflite', 'model.h', 'test_inputs.csv', 'test_outputs.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const imp = JSON.parse(readFileSync(join(out, 'impulse.json'), 'utf8'));
    expect(imp.windowing).toMatchObject({ windowMs: 1000, strideMs: 500, frequencyHz: 50, axes: ['accX', 'accY', 'accZ'] });
    expect(imp.dsp.block).toBe('flatten');
    expect(imp.learn.block).toBe('dense');
    expect(imp.training.seed).toBe(3);
    expect(imp.labels).toEqual(['idle', 'shake', 'wave']);
    expect(imp.quantization.input.scale).toBeGreaterThan(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    // The persisted shapes of a real run fit their schemas.
    expect(checkValue(MetricsSchema, m, 'metrics')).toMatchObject({ ok: true });
    expect(checkValue(ImpulseSchema, imp, 'impulse')).toMatchObject({ ok: true });
    expect(m.labels).toEqual(['idle', 'shake', 'wave']);
    for (const kind of ['float', 'int8']) {
      expect(m[kind].confusion.length).toBe(3);
      expect(m[kind].confusion.every((r: number[]) => r.length === 3)).toBe(true);
      // 3 test recordings × 5 windows (starts 0, 25, 50, 75, 100 of 150 frames)
      expect(m[kind].confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(15);
      expect(Object.keys(m[kind].per_class)).toEqual(['idle', 'shake', 'wave']);
      expect(m[kind].per_class.idle.support).toBe(5);
      expect(m[kind].accuracy).toBeGreaterThanOrEqual(0.9);
    }
    const inputs = readFileSync(join(out, 'test_inputs.csv'), 'utf8').trim().split('\n');
    // 6 statistics × 3 axes, then the motion shape's 3 principal standard deviations
    expect(inputs[0]).toBe('recording,start,label,' + Array.from({ length: 21 }, (_, i) => `i${i}`).join(','));
    expect(inputs.length).toBe(16);
    expect(inputs[1].startsWith('idle.r5,0,idle,')).toBe(true);
    // the int8 input tensor: features standardised with impulse.normalization (21 entries), quantized
    expect(imp.normalization.mean).toHaveLength(21);
    expect(imp.normalization.std.every((v: number) => v > 0)).toBe(true);
    const tensor = inputs.slice(1).flatMap((l) => l.split(',').slice(3).map(Number));
    expect(tensor.every((v) => Number.isInteger(v) && v >= -128 && v <= 127)).toBe(true);
    expect(new Set(tensor).size).toBeGreaterThan(20);
    const outputs = readFileSync(join(out, 'test_outputs.csv'), 'utf8').trim().split('\n');
    expect(outputs[0]).toBe('recording,start,label,o0,o1,o2');
    // The raw int8 output tensor: integers in [-128, 127]; softmax output quantization is 1/256, zero point -128.
    const q = outputs[1].split(',').slice(3).map(Number);
    for (const v of q) expect(Number.isInteger(v) && v >= -128 && v <= 127).toBe(true);
    expect(q.reduce((a, b) => a + (b + 128) / 256, 0)).toBeCloseTo(1, 1);
    expect(readFileSync(join(out, 'model.h'), 'utf8')).toMatch(/model/);
    // TFLite flatbuffer identifier
    expect(new TextDecoder().decode(readFileSync(join(out, 'model.tflite')).subarray(4, 8))).toBe('TFL3');

    // predict with the trained model
    const pred = join(tmp, 'pred.csv');
    expect(await main(['predict', '--model', out, '--data', data, '--out', pred])).toBe(0);
    const rows = readFileSync(pred, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('recording,start,label,predicted,confidence,p_idle,p_shake,p_wave');
    expect(rows.length).toBe(1 + 18 * 5);
    const correct = rows.slice(1).filter((r) => r.split(',')[2] === r.split(',')[3]).length;
    expect(correct / 90).toBeGreaterThan(0.9);
  });

  it('predict refuses a model/impulse mismatch (exit 3) and reports labels the model does not know', async () => {
    const out = join(tmp, 'out');
    const err = vi.mocked(console.error);
    const log = vi.mocked(console.log);
    const lastErr = () => String(err.mock.calls.at(-1)?.[0] ?? '');
    const imp = JSON.parse(readFileSync(join(out, 'impulse.json'), 'utf8'));
    const bad = join(tmp, 'mismatch');
    mkdirSync(bad, { recursive: true });
    for (const f of ['model.json', 'weights.bin']) writeFileSync(join(bad, f), readFileSync(join(out, f)));
    const predictWith = async (impulse: unknown, dataDir = data) => {
      writeFileSync(join(bad, 'impulse.json'), JSON.stringify(impulse));
      err.mockClear();
      log.mockClear();
      return main(['predict', '--model', bad, '--data', dataDir, '--out', join(tmp, 'mm.csv')]);
    };
    // DSP block changed after training: the model takes other inputs.
    expect(await predictWith({ ...imp, dsp: { block: 'spectral', params: {} } })).toBe(3);
    expect(lastErr()).toMatch(/model in .* takes .* inputs, but its impulse\.json .* makes .* features/);
    expect(lastErr()).not.toContain('\n');
    // Labels edited: the model has 3 outputs.
    expect(await predictWith({ ...imp, labels: ['idle', 'shake'] })).toBe(3);
    expect(lastErr()).toMatch(/has 3 outputs, but its impulse\.json lists 2 label/);
    // No labels at all: a message, not an empty column.
    expect(await predictWith({ ...imp, labels: [] })).toBe(3);
    expect(lastErr()).toMatch(/lists no labels/);
    // Data labelled with names the model was not trained on: classified, not scored, and said so.
    const other = join(tmp, 'other');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'jump.r0.csv'), readFileSync(join(data, 'shake.r0.csv')));
    writeFileSync(join(other, 'idle.r0.csv'), readFileSync(join(data, 'idle.r0.csv')));
    expect(await predictWith(imp, other)).toBe(0);
    expect(err.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/5 window\(s\) have labels the model was not trained on: "jump" \(5\)/);
    expect(String(log.mock.calls.at(-1)?.[0])).toMatch(/accuracy on the 5 window\(s\) with a label the model knows/);
  });

  it('same seed → same metrics; the stratified split is used without test_ids', async () => {
    const noSide = join(tmp, 'noside');
    makeTinyMotionDataset(noSide, { seed: 5, sidecar: false });
    const run = async (o: string) => {
      expect(await main(['train', '--data', noSide, '--out', o, '--window-ms', '1000', '--stride-ms', '1000', '--epochs', '8', '--seed', '9', '--quiet', '--backend', 'cpu'])).toBe(0);
      return JSON.parse(readFileSync(join(o, 'metrics.json'), 'utf8'));
    };
    const a = await run(join(tmp, 'd1'));
    const b = await run(join(tmp, 'd2'));
    expect(b.float).toEqual(a.float);
    const noTime = (h: { elapsedMs: number }[]) => h.map((l) => ({ ...l, elapsedMs: 0 }));
    expect(noTime(b.training.history)).toEqual(noTime(a.training.history));
    expect(a.training.history).toHaveLength(8);
    expect(a.training.split).toBe('stratified');
    // 6 recordings per label, 20 % → 1 test recording per label, 3 windows of 1 s in 3 s
    expect(a.float.confusion.flat().reduce((s: number, v: number) => s + v, 0)).toBe(9);
  });

  it('features writes one row per window with feature names; --dsp and --dsp-param override', async () => {
    const f = join(tmp, 'features.csv');
    expect(await main(['features', '--data', data, '--out', f, '--window-ms', '1000', '--stride-ms', '1000', '--dsp', 'spectral', '--dsp-param', 'fft-length=32'])).toBe(0);
    const lines = readFileSync(f, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 4)).toEqual(['recording', 'start', 'label', 'accX: RMS']);
    // spectral v4, fft 32, no filter: 5 + 16 per axis
    expect(header.length).toBe(3 + 3 * 21);
    expect(lines.length).toBe(1 + 18 * 3);
    expect(lines[1].split(',').length).toBe(header.length);
  });

  it('anomaly block trains, writes anomaly.h, prints the deploy note and predicts', async () => {
    const out = join(tmp, 'anom');
    const log = vi.mocked(console.log);
    log.mockClear();
    expect(await main(['train', '--data', data, '--out', out, '--window-ms', '1000', '--learn', 'anomaly', '--quiet'])).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(checkValue(MetricsSchema, m, 'metrics')).toMatchObject({ ok: true });
    expect(m.anomaly.threshold).toBeGreaterThan(0);
    // the train job's one metrics shape (as the app stores it)
    expect(Object.keys(m)).toEqual(['labels', 'anomaly', 'training', 'sizes']);
    expect(Object.keys(m.anomaly)).toEqual(['threshold', 'clusters', 'model', 'test']);
    expect(m.training.windows.training).toBeGreaterThan(0);
    // anomaly.h: the plain-C deployment, with the trained model's cluster count and centroids.
    expect(existsSync(join(out, 'anomaly.h'))).toBe(true);
    const h = readFileSync(join(out, 'anomaly.h'), 'utf8');
    expect(m.anomaly.clusters).toBeGreaterThan(0);
    expect(h).toContain(`#define ANOMALY_CLUSTER_COUNT ${m.anomaly.clusters}`);
    const stored = JSON.parse(readFileSync(join(out, 'anomaly.json'), 'utf8'));
    const centroids = /anomaly_centroids\[[^\]]*\] = \{([^}]*)\}/.exec(h)![1].split(',').map((s) => s.trim()).filter(Boolean);
    expect(centroids.length).toBe(stored.centroids.length);
    expect(centroids.length).toBe(m.anomaly.clusters * stored.features.length);
    expect(log.mock.calls.some((c) => String(c[0]).includes('not a TensorFlow Lite model'))).toBe(true);
    const pred = join(tmp, 'anom.csv');
    expect(await main(['predict', '--model', out, '--data', data, '--out', pred])).toBe(0);
    expect(readFileSync(pred, 'utf8').split('\n')[0]).toBe('recording,start,label,score,anomaly');
  });

  it('exit codes: 2 for usage, 3 for a bad folder or config', async () => {
    expect(await main(['train', '--data', data])).toBe(2);
    expect(await main(['train', '--data', data, '--out', join(tmp, 'x'), '--dsp', 'nope'])).toBe(2);
    expect(await main(['train', '--data', data, '--out', join(tmp, 'x'), '--dsp-param', 'fft-length'])).toBe(2);
    expect(await main(['train', '--data', join(tmp, 'missing'), '--out', join(tmp, 'x')])).toBe(3);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'junk.csv'), 'not,a\nvalid');
    expect(await main(['features', '--data', empty, '--out', join(tmp, 'f.csv')])).toBe(3);
    const cfg = join(tmp, 'bad.json');
    writeFileSync(cfg, '{"dsp": {"block": 42}}');
    expect(await main(['features', '--data', data, '--out', join(tmp, 'f.csv'), '--config', cfg])).toBe(3);
    writeFileSync(cfg, '{not json');
    expect(await main(['train', '--data', data, '--out', join(tmp, 'x'), '--config', cfg])).toBe(3);
    expect(await main(['predict', '--model', join(tmp, 'missing'), '--data', data, '--out', join(tmp, 'p.csv')])).toBe(3);
  });
});
