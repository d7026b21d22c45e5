/**
 * What the simulated board's framed mode copies from the runtime firmware build, in one place:
 * the IMU's rates and boot rate (firmware/tinyml_runtime/board_imu.cpp `fill_desc`) and the tensor
 * arena the firmware is compiled with (TINYML_ARENA_BYTES). runtime-firmware.test.ts compares these
 * with the firmware sources and, once it is committed, with the prebuilt image's build record
 * (public/firmware/tinyml-runtime-rp2040.json `arenaBytes`). DOM-free core module.
 */

/** Rates the runtime's IMU driver offers, mHz. */
export const FIRMWARE_RATES_MILLIHZ: readonly number[] = [25000, 50000, 62500, 100000];

/** The rate the IMU samples at after boot, mHz (changed only through the protocol). */
export const FIRMWARE_DEFAULT_RATE_MILLIHZ = 50000;

/**
 * Tensor arena of the runtime build, bytes: TINYML_ARENA_BYTES's default in tflm_hook.cpp.
 * Seam: the prebuilt RP2040 image sets its own value in its build record; the test below switches to
 * that record as soon as it exists, and this constant must follow it.
 */
export const RUNTIME_ARENA_BYTES = 48 * 1024;
