/**
 * Benchmark of the int8 TFLite path: quantization time, int8 interpreter speed (dense and conv1d
 * default-sized models), model sizes and arena estimates. Run: npx tsx bench/tflite.bench.ts
 */
import { conv1dFixture, denseFixture, fixtureInputs } from '../src/ml/quantize/test-support/fixtures.ts';
import { quantizeModel, toFloatTflite } from '../src/ml/quantize/quantize.ts';
import { floatForward } from '../src/ml/quantize/float-forward.ts';
import { estimateDeployment } from '../src/ml/export/estimate.ts';
import { Int8Interpreter } from '../src/ml/tflite/interpreter.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function inferencesPerSecond(it: Int8Interpreter, rows: Int8Array[], minMs = 1500): number {
  for (let i = 0; i < 20; i++) it.invoke(rows[i % rows.length]); // warm-up
  const rates: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < minMs / 3) {
      it.invoke(rows[n % rows.length]);
      n++;
    }
    rates.push((n * 1000) / (performance.now() - t0));
  }
  return median(rates);
}

function floatPerSecond(fm: ReturnType<typeof denseFixture>, rows: Float32Array[], minMs = 500): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    floatForward(fm, rows[n % rows.length]);
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

const lines: string[] = [];
const out = (k: string, v: number, unit: string) => lines.push(`BENCH ${k} ${Number.isInteger(v) ? v : v.toFixed(2)} ${unit}`);
const summary: string[] = [];

let quantMs = 0;
for (const [name, fm] of [
  ['dense', denseFixture()],
  ['conv1d', conv1dFixture()],
] as const) {
  const rows = fixtureInputs(fm, 400, 5);
  const times: number[] = [];
  let q = quantizeModel(fm, rows.slice(0, 300));
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    q = quantizeModel(fm, rows.slice(0, 300));
    times.push(performance.now() - t0);
  }
  quantMs += median(times);
  const it = Int8Interpreter.load(q.tflite);
  const int8Rows = rows.slice(300).map((r) => Int8Array.from(r, (v) => Math.max(-128, Math.min(127, Math.round(v / q.input.scale) + q.input.zeroPoint))));
  const ips = inferencesPerSecond(it, int8Rows);
  const fps = floatPerSecond(fm, rows.slice(300));
  const est = estimateDeployment(q.tflite);
  const flt = toFloatTflite(fm).tflite;
  out(`tflite.int8_inferences_per_s_${name}`, Math.round(ips), 'inf/s');
  out(`tflite.int8_vs_float_forward_speed_ratio_${name}`, ips / fps, 'x');
  out(`tflite.quantize_ms_${name}`, median(times), 'ms');
  out(`tflite.model_bytes_int8_${name}`, q.tflite.length, 'B');
  out(`tflite.model_bytes_float_${name}`, flt.length, 'B');
  out(`tflite.size_ratio_float_over_int8_${name}`, flt.length / q.tflite.length, 'x');
  out(`tflite.arena_estimate_${name}`, est.arena.totalBytes, 'B');
  out(`tflite.macs_${name}`, est.macs, 'MAC');
  for (const t of est.targets) out(`tflite.latency_ms_${name}_${t.target.id}`, t.inferenceMs, 'ms');
  summary.push(
    `${name}: ${q.tflite.length} B int8 (${flt.length} B float), arena ≈ ${est.arena.totalBytes} B, ${est.macs} MACs, ` +
      `${Math.round(ips)} inf/s in the TS interpreter, quantized in ${median(times).toFixed(0)} ms (300 calibration windows)`,
  );
}
out('tflite.quantize_ms', quantMs / 2, 'ms');

for (const l of lines) console.log(l);
console.log('\nint8 TFLite path (quantizer, writer, TFLM-exact interpreter, estimates):');
for (const s of summary) console.log(`  ${s}`);
