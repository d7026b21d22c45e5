/**
 * The Deploy step's view of the board that runs the runtime firmware, over the app's one connection
 * manager (src/device/connection-manager.ts): no port of its own. Whatever the manager is connected
 * to — a board connected on the Device step, the port the Deploy step picked, the simulated runtime
 * board, the board that came back after a flash — is the board Deploy uploads to; its status and end
 * come from the manager's events. Also: waiting for the board after a flash (`reconnect`), the
 * 1200-baud touch on the released port, on-device classifications. DOM-free core module.
 */
import { sleep } from '../core/clock.ts';
import { StudioError, isCancelled, isStudioError } from '../core/errors.ts';
import { boardById } from '../device/boards/index.ts';
import type { ConnectionManager, ConnectOptions, DisconnectReason } from '../device/connection-manager.ts';
import type { DeviceClient } from '../device/protocol/client.ts';
import { MemoryFlash } from '../device/protocol/model-slot.ts';
import { createSimulatedBoard } from '../device/sim-setup.ts';
import type { ActivityName } from '../device/sim/motion-model.ts';
import type { SimulatedBoard } from '../device/sim/simulated-board.ts';
import type { Transport } from '../device/transport.ts';
import { describePort, requestSerialPort, transportFor } from '../device/webserial/port-picker.ts';
import { WebSerialTransport } from '../device/webserial/webserial-transport.ts';
import { confirmModel, explainError, shown, type DeployEnv, type DeployModel, type LiveInference, type OpKind, type ViewStore } from './deploy-view.ts';
import { FLASH_BOARDS } from './flash-plan.ts';
import { touch1200 } from './touch-1200.ts';

export const NO_RUNTIME_REMEDY =
  'Build and upload the runtime firmware (firmware/ in the project) once with the Arduino IDE — see "Runtime firmware" below — then connect again. A plain data-forwarder sketch cannot receive models.';

/** The name the simulated runtime board shows (the e2e tests look for it). */
export const RUNTIME_SIM_NAME = 'Simulated board (runtime firmware)';

/** How the Deploy step connects a port: framed protocol, the runtime firmware's timeouts. */
const FRAMED: ConnectOptions = { mode: 'framed', helloTimeoutMs: 1500, commandTimeoutMs: 2000 };

/** The USB vendor ids a board's serial port may come back with (from the board table). */
export function serialVendors(boardId: string): Set<number> | null {
  const b = boardById(boardId);
  if (!b || b.usb.length === 0) return null;
  return new Set(b.usb.map((u) => u.vendorId));
}

/** A HELLO nobody answered means the board does not run the runtime firmware. */
function noRuntime(e: unknown, name: string): unknown {
  if (!isStudioError(e, 'timeout')) return e;
  return new StudioError({ family: 'device', code: 'no-runtime', message: `${name} does not answer the TinyML runtime protocol.`, remedy: NO_RUNTIME_REMEDY, cause: e });
}

export class BoardConnection {
  /** Labels of the model being deployed, to name on-device classifications. */
  labels: string[] = [];
  private offInference: (() => void) | null = null;
  private adopted: DeviceClient | null = null;
  private simActivity: ActivityName | 'performer' = 'performer';
  private linkAbort: AbortController | null = null;

  constructor(
    private readonly env: DeployEnv,
    private readonly store: ViewStore,
    /** True while a deploy flow runs (its own steps confirm and start classifying). */
    private readonly inFlow: () => boolean,
  ) {
    const c = env.connection;
    c.addEventListener('connected', () => void this.follow());
    c.addEventListener('info', (e) => {
      if (this.adopted && this.adopted === c.client && e.board) this.set({ linkInfo: e.board, confirmation: confirmModel(this.v.expected, e.board) ?? this.v.confirmation });
    });
    c.addEventListener('disconnected', (e) => this.ended(e.reason));
    void this.follow();
  }

  private get conn(): ConnectionManager {
    return this.env.connection;
  }

  private set(patch: Parameters<ViewStore['set']>[0]): void {
    this.store.set(patch);
  }

  private get v() {
    return this.store.view;
  }

  get busy(): boolean {
    return this.store.busy;
  }

  /** Cancels a link operation in progress (a port chooser, a connect). */
  cancel(): void {
    this.linkAbort?.abort();
  }

  /** The protocol client of the manager's framed connection (throws `no-runtime` otherwise). */
  client(): Promise<DeviceClient> {
    return this.conn.protocolClient();
  }

  // ---- following the one connection ----------------------------------------------------------------

  /** Mirrors the manager's connection into the view: a framed board is the link, a CSV board is named. */
  private async follow(): Promise<void> {
    const c = this.conn;
    const client = c.status === 'connected' ? c.client : null;
    if (!client) {
      this.detach();
      this.set({ csvBoard: c.status === 'connected' && c.info?.mode === 'csv' ? c.info.deviceName : null });
      return;
    }
    if (client === this.adopted) return;
    this.offInference?.();
    this.adopted = client;
    this.offInference = client.onInference((m) => {
      const entry: LiveInference = { at: this.env.clock.now(), label: this.labels[m.labelIndex] ?? `class ${m.labelIndex}`, labelIndex: m.labelIndex, scores: m.scores, timingUs: m.timingUs };
      this.set({ live: [entry, ...this.v.live.slice(0, 19)] });
    });
    const info = c.board ?? client.info!;
    const t = c.currentTransport;
    const confirmation = confirmModel(this.v.expected, info);
    this.set({ link: { name: info.board || c.info?.deviceName || t?.info.name || 'Board', simulated: !!t?.info.simulated }, linkInfo: info, csvBoard: null, live: [], inferring: false, confirmation });
    if (c.sim && this.simActivity !== 'performer') this.applySimActivity(c.sim);
    // After a flash the flow's own steps confirm and start classifying.
    if (!this.inFlow() && confirmation?.ok && this.labels.length) {
      await Promise.resolve();
      await this.setInference(true);
    }
  }

  private detach(): void {
    this.offInference?.();
    this.offInference = null;
    this.adopted = null;
    if (this.v.link || this.v.inferring) this.set({ link: null, inferring: false });
  }

  /** The link ends with the manager's connection (the Device step tells about an unplug). */
  private ended(_reason: DisconnectReason): void {
    this.detach();
    if (this.v.csvBoard) this.set({ csvBoard: null });
  }

  // ---- link operations -----------------------------------------------------------------------------

  private async linkOp(stage: string, f: (signal: AbortSignal) => Promise<void>, kind: OpKind = 'reconnect'): Promise<void> {
    if (this.busy) return;
    this.linkAbort = new AbortController();
    this.set({ opError: null, done: null, op: { kind, stage } });
    try {
      await f(this.linkAbort.signal);
    } catch (e) {
      if (!isCancelled(e)) this.set({ opError: { kind, ...explainError(kind, e, this.env.platform()) } });
    } finally {
      this.linkAbort = null;
      this.set({ op: null });
    }
  }

  /** Connects `t` through the manager in framed mode (replacing what it held), unless it is already the framed connection. */
  private async connectFramed(t: Transport): Promise<void> {
    try {
      await this.conn.protocolClient(t, FRAMED);
    } catch (e) {
      throw noRuntime(e, t.info.name);
    }
  }

  /** Connects to a board with the runtime firmware over Web Serial (needs a click). */
  connectSerial(labels: string[]): Promise<void> {
    return this.linkOp('Choose the board\'s serial port', async () => {
      this.labels = labels;
      const choice = await requestSerialPort(this.env.serial());
      const cur = this.conn.currentTransport;
      if (cur instanceof WebSerialTransport && cur.port === choice.port && this.conn.client) {
        // The board the Device step streams from already runs the runtime firmware: nothing to reopen.
        this.set({ needPortPick: false });
        return;
      }
      this.set({ op: { kind: 'reconnect', stage: 'Connecting' } });
      await this.connectFramed(transportFor(choice, this.env.serial()));
      this.set({ needPortPick: false });
    });
  }

  /** Starts the simulated board that runs the runtime firmware (framed protocol, int8 inference) on the one connection. */
  connectSimulated(model: DeployModel): Promise<void> {
    return this.linkOp('Starting the simulated board', async () => {
      this.labels = model.labels;
      const sim = createSimulatedBoard({ mode: 'framed', flash: new MemoryFlash(FLASH_BOARDS.pico.modelSlot.size), name: RUNTIME_SIM_NAME, seed: 11, clock: this.conn.clock });
      await this.conn.disconnect();
      await this.conn.connect(sim.transport, { ...FRAMED, sim });
      this.applySimActivity(sim);
    });
  }

  /**
   * After a flash: waits for the board's serial port to come back and connects it through the
   * manager (the Device step then shows that board too). A simulated board the manager held is
   * dropped once the real board is there. False when it did not come back in time.
   */
  async waitForBoard(boardId: string, signal: AbortSignal): Promise<boolean> {
    const serial = this.env.serial();
    if (!serial) return false;
    const vendors = serialVendors(boardId);
    const candidate = async (): Promise<Transport | null> => {
      const port = (await serial.getPorts()).find((p) => !p.readable && (!vendors || vendors.has(p.getInfo().usbVendorId ?? -1)));
      return port ? transportFor(describePort(port), serial) : null;
    };
    const timeoutMs = 10_000;
    const intervalMs = this.env.pollMs ?? 400;
    let first: Transport | null = null;
    if (this.conn.status === 'connected') {
      // Another board (or a simulated one) still streams: it stays until the flashed board's port is there.
      const start = this.env.clock.now();
      while (!(first = await candidate())) {
        if (signal.aborted) throw new StudioError({ family: 'device', code: 'cancelled', message: 'Waiting for the board was cancelled.' });
        if (this.env.clock.now() - start + intervalMs > timeoutMs) return false;
        await sleep(this.env.clock, intervalMs);
      }
    }
    if (this.conn.sim) await this.conn.disconnect();
    const find = (): Promise<Transport | null> => {
      const t = first;
      first = null;
      return t ? Promise.resolve(t) : candidate();
    };
    try {
      await this.conn.reconnect(find, { ...FRAMED, timeoutMs, intervalMs, signal });
      return true;
    } catch (e) {
      if (isCancelled(e)) throw e;
      return false;
    }
  }

  /**
   * Hands the manager's real port to a flasher (1200-baud touch, esptool) through `release()`;
   * null when it holds no real serial port (nothing is released then).
   */
  async releasePort(): Promise<Transport | null> {
    const t = this.conn.currentTransport;
    if (!t || t.info.simulated) return null;
    if (this.v.inferring) await this.conn.client?.setInference(false).catch(() => undefined);
    this.detach();
    return this.conn.release();
  }

  /** Reboots an RP2040 board running our firmware into BOOTSEL (the serial port goes away). */
  touchToBootsel(): Promise<void> {
    return this.linkOp(
      'Rebooting the board into BOOTSEL',
      async () => {
        const transport = (await this.releasePort()) ?? transportFor(await requestSerialPort(this.env.serial()), this.env.serial());
        await touch1200(transport, { clock: this.env.clock });
        this.set({ done: 'The board restarted into BOOTSEL. Click "Flash over USB" and pick "RP2 Boot".' });
      },
      'touch',
    );
  }

  setSimActivity(a: ActivityName | 'performer'): void {
    this.simActivity = a;
    if (this.conn.sim) this.applySimActivity(this.conn.sim);
  }

  private applySimActivity(sim: SimulatedBoard): void {
    if (this.simActivity === 'performer') sim.startPerformer();
    else sim.setActivity(this.simActivity);
  }

  /** Disconnects the board (the one connection: the Device step's view ends too). */
  async closeLink(): Promise<void> {
    if (!this.v.link) return;
    if (this.v.inferring) await this.conn.client?.setInference(false).catch(() => undefined);
    await this.conn.disconnect();
  }

  async refreshInfo(): Promise<void> {
    if (!this.v.link) return;
    try {
      const info = await (await this.client()).getInfo();
      this.set({ linkInfo: info, confirmation: confirmModel(this.v.expected, info) });
    } catch (e) {
      this.set({ opError: { kind: 'reconnect', ...shown(e) } });
    }
  }

  /**
   * On-device classification on/off. Switching on pauses the sample stream for the command (the board
   * moves to the impulse's rate); afterwards the stream and the classifications run side by side.
   */
  async setInference(on: boolean): Promise<void> {
    if (!this.v.link) return;
    try {
      if (on) await this.conn.withStreamPaused((c) => c.setInference(true));
      else await (await this.client()).setInference(false);
      this.set({ inferring: on });
    } catch (e) {
      this.set({ inferring: false, opError: { kind: 'reconnect', ...shown(e) } });
    }
  }
}
