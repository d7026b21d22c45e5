/**
 * The motion model as a sensor of the framed protocol's device core: what the runtime firmware's IMU
 * driver reports (axes, units, rates, INT16 scaling matching the chip's LSB). DOM-free core module.
 */
import type { DeviceSensor } from '../protocol/device-core.ts';
import { accLsb, gyroLsb } from './imu-sensor.ts';
import type { MotionModel } from './motion-model.ts';

/**
 * `ratesMilliHz`/`bootRateMilliHz`: what the firmware's IMU driver offers and starts at.
 * `onFrame` is called for every frame read (for statistics).
 */
export function modelAsDeviceSensor(model: MotionModel, ratesMilliHz: readonly number[], bootRateMilliHz: number, onFrame: () => void = () => {}): DeviceSensor {
  const spec = model.sensor.spec;
  const frame = new Float32Array(6);
  return {
    info: {
      name: 'imu',
      axes: model.axes.map((a) => ({ name: a.name, units: a.units })),
      ratesMilliHz: [...ratesMilliHz],
      currentRateMilliHz: bootRateMilliHz,
    },
    // One INT16 step is one LSB of the chip, so INT16 streams lose nothing.
    int16PerUnit: [accLsb(spec), accLsb(spec), accLsb(spec), gyroLsb(spec), gyroLsb(spec), gyroLsb(spec)].map((l) => 1 / l),
    read(_index, out) {
      model.nextFrame(frame, 0);
      onFrame();
      for (let i = 0; i < out.length && i < 6; i++) out[i] = frame[i];
    },
  };
}
