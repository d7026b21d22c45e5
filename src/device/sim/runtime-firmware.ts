/**
 * What the simulated board's framed mode copies from the runtime firmware build, in one place:
 * the IMU's rates and boot rate (firmware/tinyml_runtime/board_imu.cpp `fill_desc`), and the tensor
 * arena and version of the prebuilt RP2040 image (its committed build record,
 * public/firmware/tinyml-runtime-rp2040.json), and the Invoke time it reports (the emulator-measured
 * cycle model of that image). runtime-firmware.test.ts reads the firmware sources so
 * the rates cannot drift. DOM-free core module.
 */
import build from '../../../public/firmware/tinyml-runtime-rp2040.json' with { type: 'json' };
import { costTerms, modelCycles, RP2040_CYCLES, RP2040_IMAGE } from '../../ml/export/estimate.ts';
import type { TfliteModel } from '../../ml/tflite/schema.ts';

/** Rates the runtime's IMU driver offers, mHz. */
export const FIRMWARE_RATES_MILLIHZ: readonly number[] = [25000, 50000, 62500, 100000, 104000];

/** The rate the IMU samples at after boot, mHz (changed only through the protocol and the impulse descriptor). */
export const FIRMWARE_DEFAULT_RATE_MILLIHZ = 50000;

/** Tensor arena of the runtime build, bytes (TINYML_ARENA_BYTES of the prebuilt image). */
export const RUNTIME_ARENA_BYTES: number = build.arenaBytes;

/** Version the runtime build reports in INFO. */
export const RUNTIME_FIRMWARE_VERSION: string = build.firmwareVersion;

/**
 * The Invoke time the runtime build reports in INFERENCE (`timingUs`: micros() around Invoke only, no
 * DSP) for a model, µs: the RP2040 image's per-op cycle model (src/ml/export/estimate.ts
 * `RP2040_CYCLES`, measured in the emulator on this image) at the image's clock. The same figure the
 * Deploy step shows for the Pico.
 */
export function runtimeInvokeMicros(model: TfliteModel): number {
  const c = modelCycles(costTerms(model), RP2040_CYCLES);
  return Math.max(1, Math.round((c / RP2040_IMAGE.clockHz) * 1e6));
}
