/**
 * The one place the app creates a simulated board (demo mode, workshops without boards, tests).
 * DOM-free core module.
 */
import { createSimulatedBoard as makeBoard, type SimulatedBoard, type BoardMode } from './sim/simulated-board.ts';
import { ACTIVITIES, type ActivityName } from './sim/motion-model.ts';
import type { Transport } from './transport.ts';

export interface SimBoardHandle {
  board: SimulatedBoard;
  transport: Transport;
  activities: readonly ActivityName[];
  startPerformer(): void;
  stopPerformer(): void;
  setActivity(a: ActivityName): void;
  stop(): void;
}

export function createSimulatedBoard(opts: { rateHz: number; mode: BoardMode; seed?: number }): SimBoardHandle {
  const board = makeBoard({ rateHz: opts.rateHz, mode: opts.mode, seed: opts.seed ?? ((Date.now() & 0xffff) | 1) });
  return {
    board,
    transport: board.transport,
    activities: ACTIVITIES,
    startPerformer: () => void board.startPerformer(),
    stopPerformer: () => board.stopPerformer(),
    setActivity: (a) => {
      board.stopPerformer();
      board.setActivity(a);
    },
    stop: () => board.stopPerformer(),
  };
}
