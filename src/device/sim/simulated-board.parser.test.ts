/** The simulated board's CSV stream through the app's own CSV parser and stream detector. */
import { describe, it, expect } from 'vitest';
import { CsvLineParser, diagnoseCsv, type CsvReading } from '../serial/csv-line-parser.ts';
import { detectStream } from '../serial/stream-detector.ts';
import { VirtualClock } from '../../core/clock.ts';
import { SimulatedBoard, type SimulatedBoardOptions } from './simulated-board.ts';

async function run(opts: SimulatedBoardOptions, ms: number, hostBaud = 115200, setup?: (b: SimulatedBoard) => void) {
  const clock = new VirtualClock();
  const board = new SimulatedBoard({ clock, ...opts });
  setup?.(board);
  const parser = new CsvLineParser({ expectedValues: 6 });
  const readings: CsvReading[] = [];
  const deviceErrors: string[] = [];
  await board.transport.open({ baudRate: hostBaud });
  const reader = (async () => {
    for await (const c of board.transport.readable()) {
      const r = parser.push(c, clock.now());
      readings.push(...r.readings);
      deviceErrors.push(...r.deviceErrors.map((e) => e.text));
    }
  })();
  await clock.advance(ms);
  await board.transport.close();
  await reader;
  return { board, parser, readings, deviceErrors };
}

describe('SimulatedBoard → CsvLineParser', () => {
  for (const rate of [50, 62.5, 100]) {
    it(`is detected as 6 axes at ${rate} Hz from arrival times`, async () => {
      const { board, readings } = await run({ rateHz: rate, activity: 'wave' }, 2000);
      expect(readings.length).toBe(board.stats.lines - 1); // the first line is skipped by design
      const d = detectStream(readings);
      expect(d.ok).toBe(true);
      if (d.ok) {
        expect(d.shape.axisCount).toBe(6);
        expect(d.shape.rateHz).toBe(rate);
      }
    });
  }

  it('garbage lines are counted and never become readings; ERR lines are device errors', async () => {
    const { board, parser, readings, deviceErrors } = await run({ rateHz: 100, seed: 4 }, 3000, 115200, (b) => b.setGarbage(0.15));
    const g = board.stats.garbage;
    const garbage = Object.values(g).reduce((a, b) => a + b, 0);
    expect(garbage).toBeGreaterThan(20);
    // An ERR line right after a cut line is glued to it and no longer starts with ERR.
    expect(deviceErrors.length).toBeLessThanOrEqual(g.error);
    expect(deviceErrors.length).toBeGreaterThanOrEqual(g.error - g.cut - 1);
    // Every reading has the 6 values of a real line (a cut line glued to the next may still pass as 6 numbers).
    for (const r of readings) expect(r.values.length).toBe(6);
    const bad = parser.stats.nonNumeric + parser.stats.wrongCount + parser.stats.garbled;
    expect(bad + deviceErrors.length).toBeGreaterThanOrEqual(garbage - g.cut - 1);
    expect(readings.length).toBeLessThanOrEqual(board.stats.lines - garbage);
  });

  it('a wrong baud rate is diagnosed as such', async () => {
    const { parser, readings } = await run({ rateHz: 100 }, 1500, 9600);
    expect(readings.length).toBe(0);
    const e = diagnoseCsv(parser.stats);
    expect(e).not.toBeNull();
    expect(e!.message + e!.remedy).toMatch(/baud/i);
  });
});
