/**
 * The Deploy step's link to a board that runs the runtime firmware: connect (serial or the simulated
 * board), wait for the port to come back after a flash, read INFO and confirm the model just sent,
 * on-device classifications, the 1200-baud touch. DOM-free core module.
 *
 * This is the seam for the one connection manager (src/device/connection.ts): `open` makes the
 * protocol link from a transport and `env.releasePort` frees the live view's port today; with the
 * manager, both become "ask the manager for the protocol client".
 */
import { isStudioError } from '../core/errors.ts';
import { boardById } from '../device/boards/index.ts';
import type { ActivityName } from '../device/sim/motion-model.ts';
import type { Transport } from '../device/transport.ts';
import type { SerialPortLike } from '../device/webserial/serial-api.ts';
import { describePort, requestSerialPort, transportFor } from '../device/webserial/port-picker.ts';
import { createRuntimeSimBoard, openBoardLink, type BoardLink } from './board-link.ts';
import { confirmModel, explainError, shown, type DeployEnv, type DeployModel, type LiveInference, type OpKind, type ViewStore } from './deploy-view.ts';
import { FLASH_BOARDS } from './flash-plan.ts';
import { touch1200 } from './touch-1200.ts';

/** The USB vendor ids a board's serial port may come back with (from the board table). */
function serialVendors(boardId: string): Set<number> | null {
  const b = boardById(boardId);
  if (!b || b.usb.length === 0) return null;
  return new Set(b.usb.map((u) => u.vendorId));
}

export class BoardConnection {
  /** Labels of the model being deployed, to name on-device classifications. */
  labels: string[] = [];
  private offInference: (() => void) | null = null;
  private simActivity: ActivityName | 'performer' = 'performer';
  private linkAbort: AbortController | null = null;

  constructor(
    private readonly env: DeployEnv,
    private readonly store: ViewStore,
    /** True while a deploy flow runs (its own steps confirm and start classifying). */
    private readonly inFlow: () => boolean,
  ) {}

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

  async waitForBoard(boardId: string, signal: AbortSignal): Promise<boolean> {
    const serial = this.env.serial();
    if (!serial) return false;
    const vendors = serialVendors(boardId);
    const deadline = this.env.clock.now() + 10_000;
    while (this.env.clock.now() < deadline && !signal.aborted) {
      const ports = await serial.getPorts();
      for (const port of ports.filter((p) => !p.readable && (!vendors || vendors.has(p.getInfo().usbVendorId ?? -1)))) {
        try {
          await this.connectPort(port);
          return true;
        } catch {
          // not our board (yet): keep waiting
        }
      }
      await this.env.clock.sleep(this.env.pollMs ?? 400);
    }
    return false;
  }

  // ---- the link to a board running the runtime firmware -------------------------------------------

  private async connectPort(port: SerialPortLike): Promise<void> {
    const choice = describePort(port);
    await this.adopt(await this.open(transportFor(choice, this.env.serial()), choice.label));
  }

  private async open(transport: Transport, name?: string, sim?: BoardLink['sim']): Promise<BoardLink> {
    let link: BoardLink | null = null;
    link = await openBoardLink(transport, { name, simulated: !!sim, sim, onEnd: (r) => this.linkEnded(link, r) });
    return link;
  }

  private async linkOp(stage: string, f: (signal: AbortSignal) => Promise<void>, kind: OpKind = 'reconnect'): Promise<void> {
    if (this.busy) return;
    this.linkAbort = new AbortController();
    this.set({ opError: null, done: null, op: { kind, stage } });
    try {
      await f(this.linkAbort.signal);
    } catch (e) {
      if (!isStudioError(e, 'cancelled')) this.set({ opError: { kind, ...explainError(kind, e, this.env.platform()) } });
    } finally {
      this.linkAbort = null;
      this.set({ op: null });
    }
  }

  /** Connects to a board with the runtime firmware over Web Serial (needs a click). */
  connectSerial(labels: string[]): Promise<void> {
    return this.linkOp('Choose the board\'s serial port', async () => {
      this.labels = labels;
      await this.env.releasePort();
      await this.closeLink();
      const choice = await requestSerialPort(this.env.serial());
      this.set({ op: { kind: 'reconnect', stage: 'Connecting' } });
      const link = await this.open(transportFor(choice, this.env.serial()), choice.label);
      this.set({ needPortPick: false });
      await this.adopt(link);
    });
  }

  /** Starts the simulated board that runs the runtime firmware (framed protocol, int8 inference). */
  connectSimulated(model: DeployModel): Promise<void> {
    return this.linkOp('Starting the simulated board', async () => {
      this.labels = model.labels;
      await this.closeLink();
      const sim = createRuntimeSimBoard(FLASH_BOARDS.pico.modelSlot.size);
      const link = await this.open(sim.transport, undefined, sim);
      this.applySimActivity(sim);
      await this.adopt(link);
    });
  }

  /** Reboots an RP2040 board running our firmware into BOOTSEL (the serial port goes away). */
  touchToBootsel(): Promise<void> {
    return this.linkOp(
      'Rebooting the board into BOOTSEL',
      async () => {
        const l = this.v.link && !this.v.link.simulated ? this.v.link : null;
        let transport: Transport;
        if (l) {
          this.detach();
          await l.client.setInference(false).catch(() => undefined);
          await l.transport.close().catch(() => undefined);
          transport = l.transport;
        } else {
          await this.env.releasePort();
          transport = transportFor(await requestSerialPort(this.env.serial()), this.env.serial());
        }
        await touch1200(transport, { clock: this.env.clock });
        this.set({ done: 'The board restarted into BOOTSEL. Click "Flash over USB" and pick "RP2 Boot".' });
      },
      'touch',
    );
  }

  setSimActivity(a: ActivityName | 'performer'): void {
    this.simActivity = a;
    if (this.v.link?.sim) this.applySimActivity(this.v.link.sim);
  }

  private applySimActivity(sim: NonNullable<BoardLink['sim']>): void {
    if (this.simActivity === 'performer') sim.startPerformer();
    else sim.setActivity(this.simActivity);
  }

  private async adopt(link: BoardLink): Promise<void> {
    this.offInference?.();
    this.offInference = link.client.onInference((m) => {
      const entry: LiveInference = { at: this.env.clock.now(), label: this.labels[m.labelIndex] ?? `class ${m.labelIndex}`, labelIndex: m.labelIndex, scores: m.scores, timingUs: m.timingUs };
      this.set({ live: [entry, ...this.v.live.slice(0, 19)] });
    });
    const confirmation = confirmModel(this.v.expected, link.info);
    this.set({ link, linkInfo: link.info, live: [], inferring: false, confirmation });
    // After a flash the flow's own steps confirm and start classifying.
    if (!this.inFlow() && confirmation?.ok && this.labels.length) await this.setInference(true);
  }

  private detach(): void {
    this.offInference?.();
    this.offInference = null;
    this.set({ link: null, inferring: false });
  }

  private linkEnded(link: BoardLink | null, reason: 'closed' | 'unplugged'): void {
    if (!link || this.v.link !== link) return;
    this.detach();
    if (reason === 'unplugged') this.env.notify('warning', 'Board disconnected', `${link.name} went away (unplugged or rebooting).`);
  }

  async closeLink(): Promise<void> {
    const l = this.v.link;
    if (!l) return;
    this.detach();
    await l.close();
    l.sim?.stopPerformer();
  }

  async refreshInfo(): Promise<void> {
    const l = this.v.link;
    if (!l) return;
    try {
      const info = await l.client.getInfo();
      this.set({ linkInfo: info, confirmation: confirmModel(this.v.expected, info) });
    } catch (e) {
      this.set({ opError: { kind: 'reconnect', ...shown(e) } });
    }
  }

  async setInference(on: boolean): Promise<void> {
    const l = this.v.link;
    if (!l) return;
    try {
      await l.client.setInference(on);
      this.set({ inferring: on });
    } catch (e) {
      this.set({ inferring: false, opError: { kind: 'reconnect', ...shown(e) } });
    }
  }
}
