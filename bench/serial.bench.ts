/**
 * Serial parsing throughput and latency: plain CSV lines and protocol frames.
 * Run: npx tsx bench/serial.bench.ts
 * Goal: >= 20 MB/s CSV on one core (20x a full-speed USB CDC link).
 */
import { encodeFrame, FrameDecoder } from '../src/device/protocol/frame.ts';
import { MsgType, SampleFormat } from '../src/device/protocol/ids.ts';
import { decodeSamples, encodeSamples } from '../src/device/protocol/messages.ts';
import { CsvLineParser } from '../src/device/serial/csv-line-parser.ts';

const now = () => Number(process.hrtime.bigint()) / 1e6;

function csvBytes(targetBytes: number): Uint8Array {
  const lines: string[] = [];
  let n = 0;
  let i = 0;
  while (n < targetBytes) {
    const v = [Math.sin(i * 0.1) * 9.81, Math.cos(i * 0.07) * 2, 9.81 + Math.sin(i * 0.013), Math.sin(i) * 250, -Math.cos(i) * 120, i % 17];
    const line = v.map((x) => x.toFixed(3)).join(',') + '\r\n';
    lines.push(line);
    n += line.length;
    i++;
  }
  return new TextEncoder().encode(lines.join(''));
}

function bestOf<T>(runs: number, fn: () => T): { ms: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let r = 0; r < runs; r++) {
    const t = now();
    result = fn();
    best = Math.min(best, now() - t);
  }
  return { ms: best, result };
}

// --- CSV throughput
const csv = csvBytes(16 * 1024 * 1024);
const chunk = 4096;
const csvRun = bestOf(4, () => {
  const p = new CsvLineParser({ expectedValues: 6 });
  let readings = 0;
  for (let o = 0; o < csv.length; o += chunk) readings += p.push(csv.subarray(o, o + chunk)).readings.length;
  return readings;
});
const csvMBs = csv.length / 1e6 / (csvRun.ms / 1000);

// --- frame throughput (decode frames + SAMPLES payloads)
const frames: Uint8Array[] = [];
for (let b = 0; b < 20000; b++) {
  const vals = Array.from({ length: 6 * 20 }, (_, i) => Math.sin(b + i));
  frames.push(encodeFrame(MsgType.SAMPLES, b & 0xff, encodeSamples({ counter: b * 20, axes: 6, format: SampleFormat.FLOAT32, values: vals })));
}
const stream = new Uint8Array(frames.reduce((s, f) => s + f.length, 0));
let off = 0;
for (const f of frames) { stream.set(f, off); off += f.length; }
const frameRun = bestOf(4, () => {
  const d = new FrameDecoder();
  let values = 0;
  for (let o = 0; o < stream.length; o += chunk) for (const f of d.push(stream.subarray(o, o + chunk)).frames) values += decodeSamples(f.payload).values.length;
  return values;
});
const frameMBs = stream.length / 1e6 / (frameRun.ms / 1000);

// --- latency: one line arrives as its own chunk -> reading event
const p = new CsvLineParser({ expectedValues: 6 });
p.push(new TextEncoder().encode('skip\n'));
const lineBytes = new TextEncoder().encode('0.123,-4.560,9.810,12.5,-3.25,7\r\n');
const lat: number[] = [];
for (let i = 0; i < 20000; i++) {
  const t = process.hrtime.bigint();
  const r = p.push(lineBytes, 0);
  const dt = Number(process.hrtime.bigint() - t) / 1000;
  if (r.readings.length !== 1) throw new Error('latency bench: no reading');
  lat.push(dt);
}
lat.sort((a, b) => a - b);
const median = lat[lat.length >> 1];

console.log(`BENCH serial.csv_parse ${csvMBs.toFixed(1)} MB/s`);
console.log(`BENCH serial.frame_decode ${frameMBs.toFixed(1)} MB/s`);
console.log(`BENCH serial.bytes_to_reading_latency_us ${median.toFixed(2)} us`);
console.log(`CSV: ${(csv.length / 1e6).toFixed(1)} MB, ${csvRun.result} readings in ${csvRun.ms.toFixed(0)} ms (goal >= 20 MB/s: ${csvMBs >= 20 ? 'met' : 'NOT met'}).`);
console.log(`Frames: ${(stream.length / 1e6).toFixed(1)} MB, ${frameRun.result} values in ${frameRun.ms.toFixed(0)} ms. Latency: median of ${lat.length} single-line chunks.`);
