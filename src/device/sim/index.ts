/**
 * The simulated board's public surface in one import. DOM-free core module.
 */
export { SimulatedBoard, createSimulatedBoard, SIM_BOARD_NAME, SIM_FIRMWARE_VERSION } from './simulated-board.ts';
export type { BoardMode, SimulatedBoardOptions, SimulatedBoardStats } from './simulated-board.ts';
export { MotionModel, IMU_AXES, SIM_RATES_HZ, ACTIVITIES, GESTURES, isActivityName } from './motion-model.ts';
export type { ActivityName, MotionModelOptions, ActivityDriver, SetActivityOptions } from './motion-model.ts';
export { Performer } from './performer.ts';
export type { PerformerOptions, PerformerSegment } from './performer.ts';
export { makeDemoDataset, DEMO_LABELS } from './demo-dataset.ts';
export type { DemoDatasetOptions } from './demo-dataset.ts';
export { VirtualClock, realClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { randomPerson, TYPICAL_PERSON } from './person.ts';
export type { PersonProfile } from './person.ts';
export { DEFAULT_IMU } from './imu-sensor.ts';
export type { ImuSpec, SensorUnit } from './imu-sensor.ts';
