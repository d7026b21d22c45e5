/**
 * Runtime firmware benchmark: the committed RP2040 image (public/firmware/tinyml-runtime-rp2040.uf2)
 * in the emulator of tests/support/rp2040 (rp2040js + test boot ROM + NOR flash + MPU6050).
 *
 * Run: npx tsx bench/firmware.bench.ts
 *
 * - image_text_bytes / image_bss_bytes: from the image's build record (the linked ELF's sizes).
 * - invoke_cycles_<model>: one TFLite Micro Invoke, from the INFERENCE message's timing (µs, the
 *   firmware's micros() around Invoke) × 125 cycles/µs: the emulator's clock advances 8 ns per
 *   cycle of rp2040js's Cortex-M0+ instruction timings (no XIP cache misses or bus contention), so
 *   this is the emulator's cycle count at ±125 cycles (1 µs resolution); median of 3 runs.
 * - macs_per_cycle_<model>: dense + conv multiply-accumulates of the model / invoke cycles.
 * - dense_cycles_per_mac, dense_model_fixed_cycles, conv_cycles_per_mac: from single-op probe models
 *   (raw 50 × 6 window → FULLY_CONNECTED 4 or 16 units; → CONV_2D k5 valid 8 or 16 filters → dense 4):
 *   the slope between two sizes, so per-invoke overhead (quantize, softmax, interpreter) cancels.
 * - upload_to_first_classification_wall_s: wall time from the start of the model upload (flatten
 *   model, 3.4 KB payload incl. descriptor) to the first INFERENCE, emulator included; the
 *   emulated seconds of the same span; realtime_factor = emulated s / wall s of all emulation here.
 */
import { DeviceClient } from '../src/device/protocol/client.ts';
import { uploadModel } from '../src/device/protocol/model-upload.ts';
import type { InferenceMsg } from '../src/device/protocol/messages.ts';
import { createEmulatedBoard } from '../tests/support/rp2040/board.ts';
import { buildImpulses, buildOpProbes, makeRecording } from '../tests/support/rp2040/impulses.ts';
import { loadBootrom, loadFirmware } from '../tests/support/rp2040/node-loader.ts';

function line(name: string, value: number, unit: string): void {
  console.log(`BENCH firmware.${name} ${Number.isInteger(value) ? value : Number(value.toPrecision(4))} ${unit}`);
}

const fw = loadFirmware();
if ('missing' in fw) {
  console.log(`firmware bench skipped: ${fw.missing}`);
  process.exit(0);
}
const rec = fw.record as { sizes: { text: number; bss: number; data: number } };
line('image_text_bytes', rec.sizes.text, 'B');
line('image_bss_bytes', rec.sizes.bss, 'B');

const RATE = 50;
const recording = makeRecording(RATE * 60, RATE);
const impulses = buildImpulses(recording, RATE);
const probes = buildOpProbes(recording, RATE);
const wall0 = performance.now();
const board = createEmulatedBoard({ image: fw.image, bootrom: loadBootrom(), imu: { frames: recording, rateHz: RATE }, yieldToHost: () => new Promise((r) => setImmediate(r)) });
board.runFor(250);
await board.transport.open({ baudRate: 115200 });
// Wall-clock timeouts with an emulator slower than real time: generous.
const client = new DeviceClient(board.transport, { helloTimeoutMs: 60_000, commandTimeoutMs: 60_000 });
await board.runUntil(client.connect());

const nextInference = () => new Promise<InferenceMsg>((resolve) => { const off = client.onInference((m) => { off(); resolve(m); }); });

const invokeCycles = new Map<string, number>();
for (const [k, imp] of [...impulses, ...probes].entries()) {
  const w0 = performance.now();
  const e0 = board.nowMs;
  await board.runUntil(uploadModel(client, imp.slot, { sequence: k + 1, endTimeoutMs: 60_000 }), 60_000);
  await board.runUntil(client.setInference(true));
  const first = await board.runUntil(nextInference(), 10_000);
  if (k === 0) {
    line('upload_to_first_classification_wall_s', (performance.now() - w0) / 1000, 's');
    line('upload_to_first_classification_emulated_s', (board.nowMs - e0) / 1000, 's');
  }
  const timings = [first.timingUs];
  for (let i = 0; i < 2; i++) timings.push((await board.runUntil(nextInference(), 10_000)).timingUs);
  await board.runUntil(client.setInference(false));
  timings.sort((a, b) => a - b);
  const cycles = timings[1] * 125;
  invokeCycles.set(imp.name, cycles);
  if (k < impulses.length) {
    line(`invoke_cycles_${imp.name}`, cycles, 'cycles');
    line(`macs_per_cycle_${imp.name}`, imp.macs / cycles, 'MAC/cycle');
  }
  console.log(`  ${imp.name}: ${imp.macs} MACs, Invoke ${timings.join('/')} µs, model ${imp.tflite.length} B`);
}
// Per-op figures from the single-op probes: dense slope and fixed cost from two sizes; conv from two
// filter counts after removing its dense tail with the dense figures.
const macsOf = (n: string) => probes.find((p) => p.name === n)!.macs;
const c = (n: string) => invokeCycles.get(n)!;
const denseCyclesPerMac = (c('dense_300x16') - c('dense_300x4')) / (macsOf('dense_300x16') - macsOf('dense_300x4'));
const denseFixed = c('dense_300x4') - denseCyclesPerMac * macsOf('dense_300x4');
line('dense_cycles_per_mac', denseCyclesPerMac, 'cycles/MAC');
line('dense_model_fixed_cycles', denseFixed, 'cycles');
const convMacs = (n: string, f: number) => macsOf(n) - 46 * f * 4;
const convOnly = (n: string, f: number) => c(n) - denseCyclesPerMac * 46 * f * 4;
const convCyclesPerMac = (convOnly('conv_k5f16', 16) - convOnly('conv_k5f8', 8)) / (convMacs('conv_k5f16', 16) - convMacs('conv_k5f8', 8));
line('conv_cycles_per_mac', convCyclesPerMac, 'cycles/MAC');
line('emulator_realtime_factor', board.nowMs / board.wallMs, 'x');
console.log(`emulated ${(board.nowMs / 1000).toFixed(2)} s in ${(board.wallMs / 1000).toFixed(1)} s emulator wall (${((performance.now() - wall0) / 1000).toFixed(1)} s total)`);
board.stop();
