/**
 * The deploy session over the app's one connection manager, with simulated runtime boards and the
 * PICOBOOT boot ROM simulator, on a virtual clock: the board the Device step connected is the board
 * Deploy uploads to (same port, stream paused for the upload and resumed), Deploy's simulated board
 * goes through the manager, and after a USB flash the manager reconnects to the rebooted board.
 */
import { describe, it, expect } from 'vitest';
import { ConnectionManager } from '../device/connection-manager.ts';
import { MemoryFlash, readSlot, type FlashMemory } from '../device/protocol/model-slot.ts';
import { createSimulatedBoard, type SimulatedBoard } from '../device/sim-setup.ts';
import { VirtualClock } from '../core/clock.ts';
import { drive } from '../device/test-support/drive.ts';
import type { SerialLike, SerialPortLike } from '../device/webserial/serial-api.ts';
import { RUNTIME_SIM_NAME } from './board-connection.ts';
import { FLASH_BOARDS } from './flash-plan.ts';
import { PicobootSim } from './picoboot/picoboot-sim.ts';
import { DeploySession, type DeployEnv } from './session.ts';
import { SlotView, TransportPort } from './test-support/board-port.ts';
import { payloadFixture } from './test-support/payload-fixture.ts';
import type { UsbLike } from './usb/webusb.ts';

const fx = payloadFixture();
const model = { int8Tflite: fx.int8Tflite, impulse: { ...fx.impulse, normalization: fx.normalization }, labels: fx.impulse.labels };
const SLOT = FLASH_BOARDS.pico.modelSlot;

function setup(opts: { usb?: UsbLike; serial?: SerialLike; clock?: VirtualClock } = {}) {
  const clock = opts.clock ?? new VirtualClock();
  const connection = new ConnectionManager({ clock });
  const events: string[] = [];
  const frames = { n: 0 };
  connection.addEventListener('connected', (e) => events.push(`connected:${e.info.mode}`));
  connection.addEventListener('disconnected', (e) => events.push(`disconnected:${e.reason}`));
  connection.addEventListener('batch', (e) => (frames.n += e.batch.frames.length / (connection.info?.axes.length || 1)));
  let seq = 40;
  const env: DeployEnv = {
    clock,
    usb: () => opts.usb,
    serial: () => opts.serial ?? null,
    platform: () => 'linux',
    save: () => {},
    fetchBytes: async (p) => {
      throw new Error(`404 ${p}`);
    },
    nextSequence: async (atLeast) => (seq = Math.max(seq, atLeast) + 1),
    connection,
    notify: () => {},
    pollMs: 100,
  };
  const session = new DeploySession(env);
  const run = <T>(p: Promise<T>) => drive(clock, p, 10, 120_000);
  const until = async (what: string, cond: () => boolean) => {
    await run((async () => {
      for (let i = 0; i < 3000 && !cond(); i++) await new Promise<void>((r) => clock.setTimeout(r, 10));
    })());
    expect(cond(), what).toBe(true);
  };
  return { clock, connection, events, frames, session, run, until };
}

function runtimeBoard(clock: VirtualClock, flash: FlashMemory = new MemoryFlash(SLOT.size), seed = 3): SimulatedBoard {
  return createSimulatedBoard({ mode: 'framed', flash, clock, seed });
}

describe('the deploy session over the one connection manager', () => {
  it('uploads to the board the Device step connected: same port, stream paused for the upload, then stream and on-device classifications side by side', async () => {
    const { clock, connection, events, frames, session, run, until } = setup();
    const board = runtimeBoard(clock);
    // What the Device step does; Deploy does not connect anything itself.
    await run(connection.connect(board.transport, { sim: board }));
    expect(session.view.link).toEqual({ name: 'Simulated board', simulated: true });
    expect(session.view.linkInfo?.model.length).toBe(0);
    await until('the Device step receives samples', () => frames.n >= 60);
    const port = connection.currentTransport;

    expect(await run(session.start('serial', { model, boardId: 'pico' }))).toBe('done');
    const slot = readSlot(board.flash);
    expect(slot).toMatchObject({ valid: true, header: { sequence: 41 } });
    expect(slot.payload).toEqual(fx.payload.bytes);
    const v = session.view;
    expect(v.done).toMatch(/over serial.*Model sequence 41/);
    expect(v.confirmation).toMatchObject({ ok: true, info: { sequence: 41 } });
    expect(v.inferring).toBe(true);
    // One connection all along: never closed, never reopened.
    expect(events).toEqual(['connected:framed']);
    expect(connection.currentTransport).toBe(port);
    expect(connection.board?.model.sequence).toBe(41);
    const before = frames.n;
    await until('on-device classifications arrive', () => session.view.live.length >= 3);
    await until('the sample stream resumed after the upload', () => frames.n >= before + 60);
    expect(model.labels).toContain(session.view.live[0].label);
    expect(connection.stats?.dropped).toBe(0);

    await run(session.setInference(false));
    expect(session.view.inferring).toBe(false);
    await run(session.closeLink());
    expect(connection.status).toBe('disconnected');
    expect(session.view.link).toBeNull();
  });

  it('a CSV board on the Device step is named, and the upload is refused with the remedy', async () => {
    const { clock, connection, session, run } = setup();
    const board = createSimulatedBoard({ mode: 'csv', rateHz: 50, clock, seed: 2 });
    await run(connection.connect(board.transport, { sim: board }));
    expect(session.view).toMatchObject({ link: null, csvBoard: 'Simulated board' });
    expect(await run(session.start('serial', { model, boardId: 'pico' }))).toBe('failed');
    expect(session.view.opError).toMatchObject({ kind: 'serial', message: expect.stringMatching(/streams CSV lines/), remedy: expect.stringMatching(/runtime firmware/) });
    expect(connection.status).toBe('connected');
    await run(connection.disconnect());
    expect(session.view.csvBoard).toBeNull();
  });

  it('Deploy\'s simulated runtime board is connected through the manager (the Device step sees it) and replaces what it held', async () => {
    const { clock, connection, events, session, run } = setup();
    const csv = createSimulatedBoard({ mode: 'csv', rateHz: 50, clock, seed: 2 });
    await run(connection.connect(csv.transport, { sim: csv }));
    await run(session.connectSimulated(model));
    expect(connection.status).toBe('connected');
    expect(connection.sim?.transport.info.name).toBe(RUNTIME_SIM_NAME);
    expect(connection.sim?.mode).toBe('framed');
    expect(csv.transport.isOpen()).toBe(false);
    expect(session.view.link).toEqual({ name: RUNTIME_SIM_NAME, simulated: true });
    expect(session.view.linkInfo?.modelCapacity).toBeGreaterThan(0);
    expect(events).toEqual(['connected:csv', 'disconnected:closed', 'connected:framed']);
    expect(await run(session.start('serial', { model, boardId: 'pico' }))).toBe('done');
    expect(readSlot(connection.sim!.flash).payload).toEqual(fx.payload.bytes);
    await run(session.closeLink());
  });

  it('PICOBOOT flash of the connected board: its end is a reset, the manager reconnects to the rebooted board, which confirms and classifies', async () => {
    // One virtual time for the boot ROM, the deploy engine, the manager and the boards.
    const vclock = new VirtualClock();
    const pico = new PicobootSim({ chip: 'rp2040', clock: vclock });
    const slotFlash = () => new SlotView(pico.flash, SLOT.address - 0x10000000, SLOT.size);
    let ports: SerialPortLike[] = [];
    let rebootedBoard: SimulatedBoard | null = null;
    const serial: SerialLike = {
      requestPort: async () => ports[0],
      getPorts: async () => {
        // After the boot ROM's REBOOT the flash runs the runtime firmware: its port appears.
        if (pico.rebooted && !rebootedBoard) {
          rebootedBoard = runtimeBoard(vclock, slotFlash(), 6);
          ports = [new TransportPort(rebootedBoard.transport) as unknown as SerialPortLike];
        }
        return ports;
      },
    };
    const first = runtimeBoard(vclock, slotFlash(), 5);
    const usb: UsbLike = {
      requestDevice: async () => {
        // The person holds BOOTSEL and replugs: the runtime firmware and its serial port go away.
        first.unplug();
        ports = [];
        return pico;
      },
      getDevices: async () => [],
    };
    const { connection, events, session, run, until } = setup({ usb, serial, clock: vclock });
    ports = [new TransportPort(first.transport) as unknown as SerialPortLike];
    // The person connects the board with the Deploy step's button (the port chooser).
    await run(session.connectSerial(model.labels));
    expect(session.view.opError).toBeNull();
    expect(session.view.link?.simulated).toBe(false);
    expect(events).toEqual(['connected:framed']);

    expect(await run(session.start('picoboot', { model, boardId: 'pico' }))).toBe('done');
    expect(events).toEqual(['connected:framed', 'disconnected:reset', 'connected:framed']);
    expect(rebootedBoard).not.toBeNull();
    expect(connection.status).toBe('connected');
    const v = session.view;
    expect(v.done).toMatch(/verified, rebooted\. Model sequence 41/);
    expect(v.confirmation).toMatchObject({ ok: true, info: { sequence: 41, length: fx.payload.bytes.length } });
    expect(v.inferring).toBe(true);
    await until('the rebooted board classifies', () => session.view.live.length >= 2);
    expect(rebootedBoard!.inference?.runs).toBeGreaterThanOrEqual(2);
    await run(session.closeLink());
  });

  it('after a flash, the Device step\'s simulated board stays until the flashed board\'s port is there (and stays if it never comes)', async () => {
    for (const comesBack of [false, true]) {
      const vclock = new VirtualClock();
      const pico = new PicobootSim({ chip: 'rp2040', clock: vclock });
      let ports: SerialPortLike[] = [];
      const serial: SerialLike = {
        requestPort: async () => ports[0],
        getPorts: async () => {
          if (comesBack && pico.rebooted && !ports.length) ports = [new TransportPort(runtimeBoard(vclock, new SlotView(pico.flash, SLOT.address - 0x10000000, SLOT.size), 8).transport) as unknown as SerialPortLike];
          return ports;
        },
      };
      const usb: UsbLike = { requestDevice: async () => pico, getDevices: async () => [] };
      const { connection, events, session, run } = setup({ usb, serial, clock: vclock });
      const demo = createSimulatedBoard({ mode: 'csv', rateHz: 50, clock: vclock, seed: 2 });
      await run(connection.connect(demo.transport, { sim: demo }));
      const end = await run(session.start('picoboot', { model, boardId: 'pico' }));
      if (!comesBack) {
        expect(end).toBe('need-port');
        expect(events).toEqual(['connected:csv']);
        expect(connection.sim).toBe(demo);
        expect(session.view.needPortPick).toBe(true);
      } else {
        expect(end).toBe('done');
        expect(events).toEqual(['connected:csv', 'disconnected:closed', 'connected:framed']);
        expect(connection.sim).toBeNull();
        expect(demo.transport.isOpen()).toBe(false);
        expect(session.view.confirmation).toMatchObject({ ok: true, info: { sequence: 41 } });
        await run(session.closeLink());
      }
    }
  });

  it('the 1200-baud touch goes to the port the manager released (reported as a reset), not to a second opening', async () => {
    const clock = new VirtualClock();
    const board = runtimeBoard(clock);
    const bauds: number[] = [];
    class LoggedPort extends TransportPort {
      override async open(o: { baudRate: number }) {
        bauds.push(o.baudRate);
        await super.open(o);
      }
    }
    const port = new LoggedPort(board.transport) as unknown as SerialPortLike;
    const { connection, events, session, run } = setup({ clock, serial: { requestPort: async () => port, getPorts: async () => [port] } });
    await run(session.connectSerial(model.labels));
    expect(session.view.link?.simulated).toBe(false);
    await run(session.touchToBootsel());
    expect(session.view.opError).toBeNull();
    expect(session.view.done).toMatch(/restarted into BOOTSEL/);
    expect(bauds).toEqual([115200, 1200]);
    expect(events).toEqual(['connected:framed', 'disconnected:reset']);
    expect(connection.status).toBe('disconnected');
    expect(session.view.link).toBeNull();
  });

  it('a board that does not answer the protocol is reported as lacking the runtime firmware', async () => {
    const { clock, connection, session, run } = setup({
      serial: { requestPort: async () => port, getPorts: async () => [port] },
    });
    const csv = createSimulatedBoard({ mode: 'csv', rateHz: 50, clock, seed: 4 });
    const port = new TransportPort(csv.transport) as unknown as SerialPortLike;
    // The protocol client's HELLO timeout runs on the manager's virtual clock too.
    await run(session.connectSerial(model.labels));
    expect(session.view.opError).toMatchObject({ kind: 'reconnect', message: expect.stringMatching(/does not answer the TinyML runtime protocol/), remedy: expect.stringMatching(/runtime firmware/) });
    expect(connection.status).toBe('disconnected');
  });
});
