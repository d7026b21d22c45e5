/**
 * A fake `navigator.usb` (and the `navigator.serial` port the board shows after rebooting) for the
 * deploy e2e test. Runs in the page: deploy.spec.ts bundles this file with esbuild (iife) and injects
 * it with `page.addInitScript`.
 *
 * The USB device is the PICOBOOT boot ROM simulator (src/deploy/picoboot/picoboot-sim.ts) with a
 * 2 MB in-memory flash. When the flasher reboots it, the "board" starts the runtime firmware: a
 * simulated board in framed mode whose model slot is that same flash at the Pico's slot address; like
 * the firmware it runs only what that slot holds (model + impulse descriptor). Its serial port then appears in
 * `navigator.serial.getPorts()` like a re-enumerated Pico. The test drives it through
 * `window.__fakeUsb` (see `FakeUsbControl`).
 */
import { PicobootSim } from '../../../src/deploy/picoboot/picoboot-sim.ts';
import { FLASH_BOARDS } from '../../../src/deploy/flash-plan.ts';
import { createSimulatedBoard, type SimulatedBoard } from '../../../src/device/sim-setup.ts';
import { SlotView, TransportPort } from '../../../src/deploy/test-support/board-port.ts';

export interface FakeUsbControl {
  /** The next flash loses the board once this many bytes went over the bus. */
  unplugAfterBusBytes(n: number): void;
  /** Plugs a fresh boot ROM (BOOTSEL again) over the same flash. */
  replug(): void;
  /** Flash bytes at an absolute address (0x10000000 = start). */
  readFlash(address: number, length: number): number[];
  /** Chooser requests seen, USB disconnects, whether the runtime booted, inferences run. */
  status(): { requests: number; simConnected: boolean; rebooted: boolean; runtimeBooted: boolean; inferences: number; busBytes: number };
}

const FLASH_BASE = 0x10000000;

export function installFakeUsb(): void {
  const slot = FLASH_BOARDS.pico.modelSlot;
  let sim = new PicobootSim({ chip: 'rp2040' });
  let requests = 0;
  let board: SimulatedBoard | null = null;
  let port: TransportPort | null = null;

  /** After the boot ROM's REBOOT the flash runs the runtime firmware: the board comes up on serial. */
  const bootRuntime = () => {
    const b = createSimulatedBoard({
      mode: 'framed',
      flash: new SlotView(sim.flash, slot.address - FLASH_BASE, slot.size),
      name: 'Raspberry Pi Pico (simulated, runtime firmware)',
      seed: 5,
    });
    b.startPerformer();
    board = b;
    port = new TransportPort(b.transport);
  };
  setInterval(() => {
    if (sim.rebooted && sim.disconnected && !board) bootRuntime();
  }, 50);

  const usb = {
    async requestDevice(_o: unknown) {
      requests++;
      if (sim.disconnected) throw new DOMException('No device selected.', 'NotFoundError');
      return sim;
    },
    async getDevices() {
      return sim.disconnected ? [] : [sim];
    },
    addEventListener() {},
    removeEventListener() {},
  };
  const serial = {
    async requestPort() {
      if (!port) throw new DOMException('No port selected by the user.', 'NotFoundError');
      return port;
    },
    async getPorts() {
      return port ? [port] : [];
    },
    addEventListener() {},
    removeEventListener() {},
  };
  Object.defineProperty(navigator, 'usb', { value: usb, configurable: true });
  Object.defineProperty(navigator, 'serial', { value: serial, configurable: true });

  const control: FakeUsbControl = {
    unplugAfterBusBytes(n) {
      sim.unplugAfterBusBytes(sim.stats.busBytes + n);
    },
    replug() {
      // Holding BOOTSEL and replugging: the runtime firmware (and its serial port) is gone.
      board?.unplug();
      board = null;
      port = null;
      sim = new PicobootSim({ chip: 'rp2040', flash: sim.flash });
    },
    readFlash(address, length) {
      return Array.from(sim.flash.read(address - FLASH_BASE, length));
    },
    status() {
      return { requests, simConnected: !sim.disconnected, rebooted: !!sim.rebooted, runtimeBooted: !!board, inferences: board?.inference?.runs ?? 0, busBytes: sim.stats.busBytes };
    },
  };
  (window as unknown as { __fakeUsb: FakeUsbControl }).__fakeUsb = control;
}
