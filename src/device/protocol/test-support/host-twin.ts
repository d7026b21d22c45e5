/**
 * The configuration the g++ host build of the firmware (firmware/host) runs with — a fake 6-axis IMU and a
 * fake model runner — so a TypeScript DeviceCore set up with it must answer byte for byte like the
 * C++ program. The simulated board may use the fake IMU as a deterministic test signal. DOM-free core module.
 */
import { DeviceCore, type DeviceSensor, type InferenceHook } from '../device-core.ts';
import type { FlashMemory } from '../model-slot.ts';

export const TWIN_BOARD = 'TinyML host twin';
export const TWIN_FIRMWARE_VERSION = '0.1.0';
export const TWIN_ARENA_CAPACITY = 65536;

/** Deterministic test signal: exact multiples of 1/64 in -2..+2 (identical in float32 and double). */
export function fakeImuValue(index: number, axis: number): number {
  return (((index * 37 + axis * 101) % 256) - 128) / 64;
}

const AXIS_NAMES = ['accX', 'accY', 'accZ', 'gyrX', 'gyrY', 'gyrZ', 'magX', 'magY', 'magZ'];
const AXIS_UNITS = ['m/s2', 'deg/s', 'uT']; // the runtime firmware's units (board_imu.cpp)
const AXIS_PER_UNIT = [4096, 16, 64];

/** The host build's fake IMU (`--axes N`, 1..9; 6 by default). */
export function createFakeImu(axes = 6): DeviceSensor {
  return {
    info: {
      name: 'imu',
      axes: AXIS_NAMES.slice(0, axes).map((name, a) => ({ name, units: AXIS_UNITS[Math.floor(a / 3)] })),
      ratesMilliHz: [50000, 62500, 100000, 200000],
      currentRateMilliHz: 100000,
    },
    int16PerUnit: Array.from({ length: axes }, (_, a) => AXIS_PER_UNIT[Math.floor(a / 3)]),
    read(index, out) {
      for (let a = 0; a < axes; a++) out[a] = fakeImuValue(index, a);
    },
  };
}

/**
 * Fake model runner: label = floor(sum |v| over the window) mod 3; exact arithmetic on both sides.
 * `impulseRateMilliHz`: the impulse sample rate it reports (the host build's `--impulse-rate`).
 */
export function createFakeInference(impulseRateMilliHz = 0): InferenceHook {
  return { ...fakeInference, sampleRateMilliHz: impulseRateMilliHz };
}

export const fakeInference: InferenceHook = {
  windowFrames: 50,
  strideFrames: 25,
  run(window, _axes, model) {
    let sum = 0;
    for (let i = 0; i < window.length; i++) sum += Math.abs(window[i]);
    const labelIndex = Math.floor(sum) % 3;
    const scores = [0.25, 0.25, 0.25];
    scores[labelIndex] = 0.5;
    return { labelIndex, scores, timingUs: 1000 + (model.length % 1000) };
  },
};

export interface TwinOptions {
  /** Fake IMU axes (`--axes`). */
  axes?: number;
  /** Impulse sample rate the fake runner reports (`--impulse-rate`), mHz. */
  impulseRateMilliHz?: number;
}

export function createTwinCore(flash: FlashMemory, send: (bytes: Uint8Array) => void, o: TwinOptions = {}): DeviceCore {
  return new DeviceCore({
    board: TWIN_BOARD, firmwareVersion: TWIN_FIRMWARE_VERSION, sensors: [createFakeImu(o.axes)], flash,
    arenaCapacity: TWIN_ARENA_CAPACITY, inference: createFakeInference(o.impulseRateMilliHz), send,
  });
}
