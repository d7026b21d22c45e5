/**
 * Flashing benchmark: time to put a 100 KB model on each simulated transport at its nominal bus speed,
 * and bytes on the USB bus per byte of model.
 *
 * Run: npx tsx bench/flash.bench.ts
 *
 * Everything runs in virtual time: the simulators charge USB 2.0 full-speed (12 Mbit/s) transfer time
 * (19 bulk / 13 control 64-byte packets per 1 ms frame, USB 2.0 spec tables 5-9 / 5-5, plus an assumed
 * 0.5 ms host turn-around per transfer) and flash time from datasheets:
 *  - PICOBOOT (RP2040 + W25Q16JV, Winbond datasheet typical values): 4 KB sector erase 45 ms,
 *    64 KB block erase 150 ms, 256-byte page program 0.4 ms.
 *  - DfuSe (STM32H747): 128 KB sector erase 1.1 s typical at x32 parallelism (ST figures for STM32H74x),
 *    programming 0.5 µs/byte (our assumption: 16 µs per 32-byte flash word), 2048-byte transfers.
 *  - Plain DFU (generic MCU, our assumption): 2 KB block erase 10 ms, 0.5 µs/byte, 1024-byte transfers.
 * Bus bytes count transfer payloads both ways plus 8 bytes per SETUP packet (no PID/CRC/handshake bits).
 * "model byte" = the .tflite bytes; the slot adds a 4 KB header sector, and verification reads back.
 */
import { VirtualClock } from '../src/core/clock.ts';
import { planFlash, planToUf2 } from '../src/deploy/flash-plan.ts';
import { UF2_FAMILIES, readUf2, writeUf2 } from '../src/deploy/uf2/uf2.ts';
import type { SlotPayload } from '../src/deploy/slot-payload.ts';
import { flashPico } from '../src/deploy/picoboot/pico-flasher.ts';
import { PicobootSim } from '../src/deploy/picoboot/picoboot-sim.ts';
import { flashDfu } from '../src/deploy/dfu/dfu-flasher.ts';
import { DfuSim } from '../src/deploy/dfu/dfu-sim.ts';

const MODEL_BYTES = 100 * 1024;
const tflite = Uint8Array.from({ length: MODEL_BYTES }, (_, i) => (i * 2654435761) >>> 24);
// Bus figures per payload byte: a synthetic 100 KB payload stands in for model + descriptor.
const model = { payload: { bytes: tflite, modelLength: MODEL_BYTES, descriptorLength: 0, arenaSize: 32 * 1024, input: { scale: 1, zeroPoint: 0 }, output: { scale: 1, zeroPoint: 0 } } as SlotPayload, sequence: 1 };

function line(name: string, value: number, unit: string): void {
  console.log(`BENCH flash.${name} ${Number(value.toPrecision(4))} ${unit}`);
}

async function picoboot(writeChunk: number, verify: boolean) {
  const clock = new VirtualClock({ autoAdvance: true });
  const sim = new PicobootSim({ chip: 'rp2040', clock });
  const plan = planFlash({ board: 'pico', model, firmwarePresent: true });
  await flashPico(sim, { regions: plan.slotRegions }, { clock, writeChunk, verify });
  return { s: clock.now() / 1000, busBytes: sim.stats.busBytes, transfers: sim.stats.transfers };
}

async function dfuse(verify: boolean) {
  const clock = new VirtualClock({ autoAdvance: true });
  const sim = new DfuSim({ variant: 'dfuse', clock });
  const plan = planFlash({ board: 'portenta-h7', model, firmwarePresent: true });
  await flashDfu(sim, { regions: plan.regions }, { clock, verify });
  return { s: clock.now() / 1000, busBytes: sim.stats.busBytes, transfers: sim.stats.transfers };
}

async function plainDfu() {
  const clock = new VirtualClock({ autoAdvance: true });
  const sim = new DfuSim({ variant: 'dfu', clock, manifestationTolerant: true });
  await flashDfu(sim, { regions: [{ address: 0x4000, data: tflite }] }, { clock, verify: true });
  return { s: clock.now() / 1000, busBytes: sim.stats.busBytes, transfers: sim.stats.transfers };
}

/** Installing a 200 KB runtime image from its UF2 over PICOBOOT (what "Install the runtime firmware" does). */
async function runtimeInstall() {
  const clock = new VirtualClock({ autoAdvance: true });
  const sim = new PicobootSim({ chip: 'rp2040', clock });
  const image = Uint8Array.from({ length: 200 * 1024 }, (_, i) => (i * 40503) >>> 8);
  const regions = readUf2(writeUf2({ address: 0x10000000, data: image }, { familyId: UF2_FAMILIES.rp2040 })).segments;
  await flashPico(sim, { regions }, { clock, verify: true });
  return { s: clock.now() / 1000 };
}

const t0 = performance.now();
const pb = await picoboot(4096, true);
const pbNoVerify = await picoboot(4096, false);
const pbPages = await picoboot(256, true);
const ds = await dfuse(true);
const dp = await plainDfu();
const uf2 = planToUf2(planFlash({ board: 'pico', model, firmwarePresent: true, method: 'uf2' }));
const rt = await runtimeInstall();
const wall = performance.now() - t0;

line('picoboot_s_per_100kb', pb.s, 's');
line('picoboot_bus_bytes_per_model_byte', pb.busBytes / MODEL_BYTES, 'ratio');
line('picoboot_noverify_s_per_100kb', pbNoVerify.s, 's');
line('picoboot_noverify_bus_bytes_per_model_byte', pbNoVerify.busBytes / MODEL_BYTES, 'ratio');
line('picoboot_256b_writes_s_per_100kb', pbPages.s, 's');
line('dfuse_s_per_100kb', ds.s, 's');
line('dfuse_bus_bytes_per_model_byte', ds.busBytes / MODEL_BYTES, 'ratio');
line('dfu_s_per_100kb', dp.s, 's');
line('dfu_bus_bytes_per_model_byte', dp.busBytes / MODEL_BYTES, 'ratio');
line('uf2_file_bytes_per_model_byte', uf2.length / MODEL_BYTES, 'ratio');
line('picoboot_runtime_install_200kb_s', rt.s, 's');
line('sim_wall_ms', wall, 'ms');

console.log(`
Summary (100 KB model into the model slot, runtime firmware already on the board, virtual time):
  PICOBOOT  ${pb.s.toFixed(2)} s with read-back (${pbNoVerify.s.toFixed(2)} s without; ${pbPages.s.toFixed(2)} s with one WRITE per 256-byte page), ${pb.transfers} USB transfers;
            time is dominated by flash erase (64 KB blocks 150 ms, 4 KB sectors 45 ms) and page programming, not by the bus.
  DfuSe     ${ds.s.toFixed(2)} s: one 128 KB sector erase (1.1 s) dominates; control transfers carry 2 KB each.
  plain DFU ${dp.s.toFixed(2)} s for a 100 KB image with read-back.
  UF2 drag-and-drop files are ${(uf2.length / MODEL_BYTES).toFixed(2)}x the model (256 payload bytes per 512-byte block).
  Simulation itself took ${wall.toFixed(0)} ms of wall time.`);
