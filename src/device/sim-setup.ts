/**
 * The one place that creates simulated boards (demo mode, workshops without boards, the Deploy step's
 * runtime-firmware board, tests). A board in framed mode knows only its flash: nothing about the
 * app's impulse can be handed to it. DOM-free core module.
 */
import { SimulatedBoard, type SimulatedBoardOptions } from './sim/simulated-board.ts';

export type { BoardMode, SimulatedBoardOptions } from './sim/simulated-board.ts';
export { SimulatedBoard } from './sim/simulated-board.ts';

/**
 * A simulated board. `mode` 'csv' (a plain sketch printing IMU lines at `rateHz`) or 'framed' (the
 * runtime firmware: its own rate, a model slot in `flash`, the runtime build's arena). Without a
 * `seed` every board moves differently.
 */
export function createSimulatedBoard(opts: SimulatedBoardOptions = {}): SimulatedBoard {
  return new SimulatedBoard({ ...opts, seed: opts.seed ?? ((Date.now() & 0xffff) | 1) });
}
