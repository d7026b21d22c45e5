import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDemoDataset } from '../../device/sim/demo-dataset.ts';
import { defaultImpulse } from '../defaults.ts';
import type { AnomalyModel } from '../models/anomaly.ts';
import { anomalyScore, anomalyToJson } from '../models/anomaly.ts';
import { runPipeline } from '../train/pipeline.ts';
import { StudioError } from '../../core/errors.ts';
import type { ImpulseConfig } from '../../core/impulse.ts';
import { ANOMALY_DEPLOY_NOTE, anomalyDeployment, anomalyScoreF32, makeAnomalyHeader } from './anomaly-header.ts';

const gcc = ['/usr/bin/cc', '/usr/bin/gcc'].find((p) => existsSync(p));

/** Numbers of a `static const <type> <name>[...] = { ... };` block of the header. */
function cArray(h: string, name: string): number[] {
  const m = new RegExp(`${name}\\[[^\\]]*\\] = \\{([^}]*)\\}`).exec(h);
  if (!m) throw new Error(`no array ${name}`);
  return m[1].split(',').map((s) => s.trim()).filter(Boolean).map((s) => Number(s.replace(/f$/, '')));
}

describe('anomaly block deploys as a C header with the score the app computes', () => {
  let model: AnomalyModel;
  let features: Float32Array[] = [];
  let dim = 0;
  let nTrain = 0;
  let header = '';
  let impulse: ImpulseConfig;
  beforeAll(async () => {
    // Normal = idle and wave from the simulated board; shake is held out as the unusual motion.
    const recs = makeDemoDataset({ seed: 3, perLabel: 6, durationMs: 3000, labels: ['idle', 'wave', 'shake'], startTime: 1_700_000_000_000 });
    const normal = recs.filter((r) => r.label !== 'shake');
    const shake = recs.filter((r) => r.label === 'shake').map((r) => ({ ...r, category: 'testing' as const }));
    const imp = defaultImpulse({ frequencyHz: 62.5, axes: recs[0].axes.map((a) => a.name), labels: [] });
    imp.learn = { block: 'anomaly', params: { clusters: 6 } };
    const res = await runPipeline([...normal, ...shake], imp);
    model = res.anomaly!;
    dim = res.train.dim;
    nTrain = res.train.rows;
    features = [...Array(res.train.rows).keys(), ...Array(res.test.rows).keys()].map((i, k) => (k < res.train.rows ? res.train : res.test).data.slice(i * dim, (i + 1) * dim));
    impulse = res.impulse;
    header = makeAnomalyHeader(model, dim, res.impulse);
  });

  it('publishes every constant exactly (float32 round trip) and says why it is not TFLite', () => {
    expect(cArray(header, 'anomaly_feature_index')).toEqual(model.features);
    expect(Float32Array.from(cArray(header, 'anomaly_mean'))).toEqual(model.mean);
    expect(Float32Array.from(cArray(header, 'anomaly_std'))).toEqual(model.std);
    expect(Float32Array.from(cArray(header, 'anomaly_centroids'))).toEqual(model.centroids);
    expect(Math.fround(Number(/#define ANOMALY_THRESHOLD (\S+)f/.exec(header)![1]))).toBe(Math.fround(model.threshold));
    expect(header).toContain(`#define ANOMALY_INPUT_SIZE ${dim}`);
    expect(header).toContain(`#define ANOMALY_CLUSTER_COUNT ${model.clusters}`);
    expect(ANOMALY_DEPLOY_NOTE).toMatch(/not a TensorFlow Lite model/);
  });

  it('anomalyDeployment rebuilds the same header from the stored JSON and the impulse, and rejects a model that does not fit', () => {
    const d = anomalyDeployment(impulse, JSON.parse(JSON.stringify(anomalyToJson(model))));
    expect(d.header).toBe(header);
    expect(d.note).toBe(ANOMALY_DEPLOY_NOTE);
    expect(d.inputSize).toBe(dim);
    expect(d.clusters).toBe(model.clusters);
    const wide = { ...anomalyToJson(model), features: model.features.map((i) => i + dim) };
    expect(() => anomalyDeployment(impulse, wide)).toThrow(StudioError);
    expect(() => anomalyDeployment(impulse, { kind: 'nope' })).toThrow(StudioError);
  });

  it('float32 device arithmetic gives the app score and the same decision on every window', () => {
    let maxRel = 0;
    let flips = 0;
    for (const f of features) {
      const a = anomalyScore(model, f);
      const b = anomalyScoreF32(model, f);
      maxRel = Math.max(maxRel, Math.abs(a - b) / Math.max(1, a));
      if (a > model.threshold !== b > Math.fround(model.threshold) && Math.abs(a - model.threshold) > 1e-4 * Math.max(1, a)) flips++;
    }
    expect(maxRel).toBeLessThan(1e-5);
    expect(flips).toBe(0);
    // The check can fail: a wrong centroid gives different scores.
    const broken = { ...model, centroids: model.centroids.map((v, i) => (i === 0 ? v + 1 : v)) };
    expect(features.some((f) => Math.abs(anomalyScoreF32(broken, f) - anomalyScore(model, f)) > 1e-3)).toBe(true);
    // Held-out shake windows score higher than the normal training windows on average.
    const scores = features.map((f) => anomalyScore(model, f));
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(scores.slice(nTrain))).toBeGreaterThan(mean(scores.slice(0, nTrain)));
  });

  it.skipIf(!gcc)('the header compiled with a C compiler gives bit-identical scores (skipped when no cc)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomaly-h-'));
    try {
      writeFileSync(join(dir, 'anomaly.h'), header);
      writeFileSync(
        join(dir, 'main.c'),
        `#include <stdio.h>\n#include "anomaly.h"\nint main(void) {\n  float x[ANOMALY_INPUT_SIZE];\n  for (;;) {\n    for (int i = 0; i < ANOMALY_INPUT_SIZE; i++) if (scanf("%a", &x[i]) != 1) return 0;\n    printf("%a\\n", (double)anomaly_score(x));\n  }\n}\n`,
      );
      execFileSync(gcc!, ['-std=c99', '-O2', '-ffp-contract=off', '-Wall', '-Werror', '-o', join(dir, 'score'), join(dir, 'main.c'), '-lm']);
      const hex = (v: number) => {
        // C99 hex float of a float32 value (exact).
        if (v === 0) return Object.is(v, -0) ? '-0x0p+0' : '0x0p+0';
        const e = Math.floor(Math.log2(Math.abs(v)));
        const m = Math.abs(v) / 2 ** e;
        return `${v < 0 ? '-' : ''}0x${m.toString(16)}p${e >= 0 ? '+' : ''}${e}`;
      };
      const input = features.map((f) => Array.from(f, hex).join(' ')).join('\n') + '\n';
      const out = execFileSync(join(dir, 'score'), { input }).toString().trim().split('\n').map(hexToNumber);
      expect(out.length).toBe(features.length);
      const ts = features.map((f) => anomalyScoreF32(model, f));
      expect(out).toEqual(ts);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Parses a C hex float ("0x1.8p+3"). */
function hexToNumber(s: string): number {
  const m = /^(-?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]?\d+)$/i.exec(s.trim());
  if (!m) throw new Error(`not a hex float: ${s}`);
  const frac = m[3] ?? '';
  const mant = parseInt(m[2] + frac, 16) / 16 ** frac.length;
  return (m[1] ? -1 : 1) * mant * 2 ** Number(m[4]);
}
