/**
 * The configuration the g++ host build of the firmware (firmware/host) runs with — a fake 6-axis IMU and a
 * fake model runner — so a TypeScript DeviceCore set up with it must answer byte for byte like the
 * C++ program. The simulated board may use the fake IMU as a deterministic test signal. DOM-free core module.
 */
import { DeviceCore, type DeviceSensor, type InferenceHook } from './device-core.ts';
import type { FlashMemory } from './model-slot.ts';

export const TWIN_BOARD = 'TinyML host twin';
export const TWIN_FIRMWARE_VERSION = '0.1.0';
export const TWIN_ARENA_CAPACITY = 65536;

/** Deterministic test signal: exact multiples of 1/64 in -2..+2 (identical in float32 and double). */
export function fakeImuValue(index: number, axis: number): number {
  return (((index * 37 + axis * 101) % 256) - 128) / 64;
}

export function createFakeImu(): DeviceSensor {
  return {
    info: {
      name: 'imu',
      axes: [
        { name: 'accX', units: 'g' }, { name: 'accY', units: 'g' }, { name: 'accZ', units: 'g' },
        { name: 'gyrX', units: 'dps' }, { name: 'gyrY', units: 'dps' }, { name: 'gyrZ', units: 'dps' },
      ],
      ratesMilliHz: [50000, 62500, 100000, 200000],
      currentRateMilliHz: 100000,
    },
    int16PerUnit: [4096, 4096, 4096, 16, 16, 16],
    read(index, out) {
      for (let a = 0; a < 6; a++) out[a] = fakeImuValue(index, a);
    },
  };
}

/** Fake model runner: label = floor(sum |v| over the window) mod 3; exact arithmetic on both sides. */
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

export function createTwinCore(flash: FlashMemory, send: (bytes: Uint8Array) => void): DeviceCore {
  return new DeviceCore({
    board: TWIN_BOARD, firmwareVersion: TWIN_FIRMWARE_VERSION, sensors: [createFakeImu()], flash,
    arenaCapacity: TWIN_ARENA_CAPACITY, inference: fakeInference, send,
  });
}
