/**
 * Simulated board benchmark: IMU generation throughput (axis values/s and frames/s across all
 * activities), real-time factor against a 100 Hz × 6-axis stream, CSV/framed output in virtual time,
 * and the demo dataset's build time. Run with `npx tsx bench/sim.bench.ts`.
 */
import { MotionModel, ACTIVITIES } from '../src/device/sim/motion-model.ts';
import { SimulatedBoard } from '../src/device/sim/simulated-board.ts';
import { VirtualClock } from '../src/core/clock.ts';
import { makeDemoDataset } from '../src/device/sim/demo-dataset.ts';
import { DeviceClient } from '../src/device/protocol/client.ts';
import { SampleFormat } from '../src/device/protocol/ids.ts';

function line(name: string, value: number, unit: string): void {
  console.log(`BENCH sim.${name} ${Number(value.toPrecision(4))} ${unit}`);
}

/** Frames/s of MotionModel.generate over every activity, for about budgetMs. */
function generationRate(budgetMs = 6000): number {
  // warm-up
  new MotionModel({ activity: 'wave' }).generate(20000);
  let frames = 0;
  const t0 = performance.now();
  let k = 0;
  while (performance.now() - t0 < budgetMs) {
    const m = new MotionModel({ seed: k, rateHz: 100, activity: ACTIVITIES[k % ACTIVITIES.length] });
    m.generate(10000);
    frames += 10000;
    k++;
  }
  return frames / ((performance.now() - t0) / 1000);
}

/** CSV bytes/s and lines/s produced by a board in virtual time (formatting + chunking included). */
async function csvRate(simSeconds = 120): Promise<{ linesPerS: number; bytesPerS: number }> {
  const clock = new VirtualClock();
  const board = new SimulatedBoard({ clock, rateHz: 100 });
  board.startPerformer();
  await board.transport.open({ baudRate: 115200 });
  let bytes = 0;
  const reader = (async () => {
    for await (const c of board.transport.readable()) bytes += c.length;
  })();
  const t0 = performance.now();
  for (let s = 0; s < simSeconds; s++) await clock.advance(1000);
  const wall = (performance.now() - t0) / 1000;
  await board.transport.close();
  await reader;
  return { linesPerS: board.stats.lines / wall, bytesPerS: bytes / wall };
}

/** Frames/s through the framed protocol (device core encode + host client decode) in virtual time. */
async function framedRate(simSeconds = 60): Promise<number> {
  const clock = new VirtualClock();
  const board = new SimulatedBoard({ clock, mode: 'framed' });
  await board.transport.open({ baudRate: 115200 });
  const client = new DeviceClient(board.transport);
  await client.connect();
  const it = client.stream({ format: SampleFormat.INT16 })[Symbol.asyncIterator]();
  const first = it.next();
  const t0 = performance.now();
  let frames = 0;
  for (let s = 0; s < simSeconds; s++) {
    await clock.advance(1000);
  }
  const r = await first;
  frames += r.value?.frames ?? 0;
  while (frames < board.stats.frames - 10) {
    const n = await it.next();
    if (n.done) break;
    frames += n.value.frames;
  }
  const wall = (performance.now() - t0) / 1000;
  await it.return?.(undefined);
  await board.transport.close();
  return frames / wall;
}

const fps = generationRate();
line('frames_per_s', fps, 'frames/s');
line('samples_per_s', fps * 6, 'samples/s');
line('realtime_factor', fps / 100, 'x');
const csv = await csvRate();
line('csv_lines_per_s', csv.linesPerS, 'lines/s');
line('csv_bytes_per_s', csv.bytesPerS, 'B/s');
const framed = await framedRate();
line('framed_frames_per_s', framed, 'frames/s');
makeDemoDataset({ seed: 99 }); // warm-up
const t0 = performance.now();
makeDemoDataset({ seed: 1 });
line('demo_dataset_ms', performance.now() - t0, 'ms');

console.log(
  `\nThe motion model generates ${Math.round(fps)} frames/s (${Math.round(fps * 6)} axis values/s), ` +
    `${Math.round(fps / 100)}× a 100 Hz 6-axis stream. In virtual time the CSV board prints ${Math.round(csv.linesPerS)} lines/s ` +
    `and the framed board delivers ${Math.round(framed)} frames/s through the protocol client. ` +
    `The demo dataset (40 × 2 s) builds in ${(performance.now() - t0).toFixed(0)} ms.`,
);
