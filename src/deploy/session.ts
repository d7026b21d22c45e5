/**
 * The Deploy step's engine, DOM-free: runs the deploy flow tables (src/deploy/flows/tables.ts) with
 * their effects, holds the link to a board that runs the runtime firmware (INFO, confirmation of the
 * model just sent, on-device classifications) and publishes one immutable view after every change.
 * The UI keeps that view in `$state` and calls `start` / `dispatch` / the link methods.
 *
 * Everything the browser provides comes through `DeployEnv` (USB, serial, same-origin fetch, file
 * save, the project's deployment counter, freeing the live view's port), so the whole engine runs in
 * Node tests against the simulators. Waiting (polling for a port, a re-enumerated bootloader) uses the
 * env's `Clock`.
 */
import { StudioError, isStudioError } from '../core/errors.ts';
import type { ImpulseConfig } from '../core/impulse.ts';
import type { Progress } from '../core/progress.ts';
import { boardById } from '../device/boards/index.ts';
import { crc32 } from '../device/protocol/crc.ts';
import { ModelState } from '../device/protocol/ids.ts';
import type { InfoMsg } from '../device/protocol/messages.ts';
import { uploadModel } from '../device/protocol/model-upload.ts';
import type { ActivityName } from '../device/sim/motion-model.ts';
import type { Transport } from '../device/transport.ts';
import type { SerialLike, SerialPortLike } from '../device/webserial/serial-api.ts';
import { describePort, requestSerialPort, transportFor, type PortChoice } from '../device/webserial/port-picker.ts';
import { createRuntimeSimBoard, openBoardLink, type BoardLink } from './board-link.ts';
import type { Clock } from './clock.ts';
import { deployFile } from './deploy-file.ts';
import { flashDfu } from './dfu/dfu-flasher.ts';
import { createEsptoolBackend, espWriteList, flashEsp32 } from './esp32.ts';
import { FLASH_BOARDS, boardInfo, planFlash, planToUf2, type FlashBoardId, type FlashMethod } from './flash-plan.ts';
import { FlowRunner, type Effect, type FlowEvent } from './flows/flow.ts';
import { DEPLOY_FLOWS, type DeployAction, type DeployFlowId } from './flows/tables.ts';
import { flashPico } from './picoboot/pico-flasher.ts';
import { RUNTIME_IMAGE_NAME, loadRuntimeImage, type RuntimeImage } from './runtime-image.ts';
import { makeSlotPayload, type SlotPayload } from './slot-payload.ts';
import { touch1200 } from './touch-1200.ts';
import { mapUsbError, requestUsbBoard, type HostPlatform, type UsbFlashMethod, type UsbLike } from './usb/webusb.ts';
import type { UsbDevice } from './usb/usb-device.ts';

export interface DeployEnv {
  clock: Clock;
  usb(): UsbLike | undefined;
  serial(): SerialLike | null;
  platform(): HostPlatform;
  /** Offers bytes as a download. */
  save(name: string, bytes: Uint8Array, type?: string): void;
  /** Same-origin fetch of a path under the app root. */
  fetchBytes(path: string): Promise<Uint8Array>;
  /** The project's next deployment number (stored in the project record), above `atLeast`. */
  nextSequence(atLeast: number): Promise<number>;
  /** Frees the serial port when the live view holds it (the seam for the one connection manager). */
  releasePort(): Promise<void>;
  notify(kind: 'info' | 'warning' | 'error', title: string, text: string): void;
  /** Waits before the next look for a port / device (default 400 ms; tests pass less). */
  pollMs?: number;
}

/** What a deploy needs from the trained model (the export of the selected model version). */
export interface DeployModel {
  int8Tflite: Uint8Array;
  impulse: ImpulseConfig;
  labels: string[];
}

export type OpKind = 'usb' | 'serial' | 'esp32' | 'touch' | 'reconnect' | 'install';

export interface OpState {
  kind: OpKind;
  stage: string;
  fraction?: number;
  detail?: string;
}

export interface Shown {
  message: string;
  remedy: string;
}

export interface LiveInference {
  at: number;
  label: string;
  labelIndex: number;
  scores: number[];
  timingUs: number;
}

export interface Expected {
  sequence: number;
  crc32: number;
  length: number;
}

export type Confirmation = { ok: true; info: InfoMsg['model'] } | { ok: false; info: InfoMsg['model']; why: string };

export interface DeployView {
  flow: { id: DeployFlowId; step: string } | null;
  op: OpState | null;
  opError: (Shown & { kind: OpKind }) | null;
  done: string | null;
  link: BoardLink | null;
  linkInfo: InfoMsg | null;
  expected: Expected | null;
  confirmation: Confirmation | null;
  inferring: boolean;
  live: LiveInference[];
  needPortPick: boolean;
  /** The install flow waits for the person to copy the .uf2 onto the BOOTSEL drive. */
  awaitingCopy: boolean;
  /** The runtime image last verified (version and size), for the UI. */
  runtimeImage: { version: string; bytes: number } | null;
}

export function shown(e: unknown): Shown {
  if (e instanceof StudioError) return { message: e.message, remedy: e.remedy };
  return { message: e instanceof Error ? e.message : String(e), remedy: '' };
}

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** Does the board's INFO show the model just sent? */
export function confirmModel(expected: Expected | null, info: InfoMsg): Confirmation | null {
  const m = info.model;
  if (!expected) return null;
  if (m.state !== ModelState.VALID) return { ok: false, info: m, why: 'The board reports no valid model in its slot.' };
  if (m.sequence !== expected.sequence || m.crc32 !== expected.crc32 || m.length !== expected.length) {
    return { ok: false, info: m, why: `The board runs model sequence ${m.sequence} (CRC ${hex32(m.crc32)}), not the one just sent (sequence ${expected.sequence}, CRC ${hex32(expected.crc32)}).` };
  }
  return { ok: true, info: m };
}

/** The USB vendor ids a board's serial port may come back with (from the board table). */
function serialVendors(boardId: string): Set<number> | null {
  const b = boardById(boardId);
  if (!b || b.usb.length === 0) return null;
  return new Set(b.usb.map((u) => u.vendorId));
}

const FLOW_OP: Record<DeployFlowId, OpKind> = { picoboot: 'usb', dfu: 'usb', uf2: 'usb', esp32: 'esp32', serial: 'serial', 'install-runtime': 'install' };

const STEP_TEXT: Record<string, string> = {
  choose: 'Choose the board in the browser\'s list',
  reconnect: 'Waiting for the board to restart',
  confirm: 'Reading the board\'s INFO',
  live: 'Starting on-device classification',
  build: 'Building the .uf2',
  save: 'Saving the file',
  prepare: 'Uploading',
  upload: 'Uploading',
  fetch: 'Loading the runtime firmware image',
  flash: 'Flashing',
};

export interface StartInput {
  model: DeployModel;
  boardId: FlashBoardId;
  /** A full runtime firmware image the person picked (.bin), written with the model when needed. */
  runtime?: Uint8Array;
  /** install-runtime: over WebUSB (PICOBOOT) or as a .uf2 download. */
  route?: 'usb' | 'download';
}

interface FlowCtx extends StartInput {
  flow: DeployFlowId;
  payload?: SlotPayload;
  sequence?: number;
  device?: UsbDevice;
  port?: PortChoice;
  file?: { name: string; bytes: Uint8Array };
  image?: RuntimeImage;
  result?: string;
}

export class DeploySession {
  private v: DeployView = {
    flow: null, op: null, opError: null, done: null, link: null, linkInfo: null, expected: null, confirmation: null,
    inferring: false, live: [], needPortPick: false, awaitingCopy: false, runtimeImage: null,
  };
  private runner: FlowRunner<string, DeployAction, FlowCtx> | null = null;
  private offInference: (() => void) | null = null;
  private labels: string[] = [];
  private simActivity: ActivityName | 'performer' = 'performer';
  private linkAbort: AbortController | null = null;

  constructor(
    private readonly env: DeployEnv,
    private readonly onChange: (v: DeployView) => void = () => {},
  ) {}

  get view(): DeployView {
    return this.v;
  }

  private set(patch: Partial<DeployView>): void {
    this.v = { ...this.v, ...patch };
    this.onChange(this.v);
  }

  get busy(): boolean {
    return this.v.op !== null;
  }

  // ---- flows -------------------------------------------------------------------------------------

  /** Starts a deploy flow; resolves with the step it ended in. */
  start(flow: DeployFlowId, input: StartInput): Promise<string> {
    if (this.runner && !this.runner.ended) return Promise.resolve('busy');
    this.labels = input.model.labels;
    const ctx: FlowCtx = { ...input, flow };
    this.set({ opError: null, done: null, awaitingCopy: false, needPortPick: flow === 'serial' ? this.v.needPortPick : false });
    const runner = new FlowRunner<string, DeployAction, FlowCtx>(DEPLOY_FLOWS[flow], ctx, this.effects(), (s) => this.onStep(ctx, s.step, s.error));
    this.runner = runner;
    return runner.start();
  }

  /** Feeds an event to the running flow (`cancel`, `copied`); false when it does not apply. */
  dispatch(event: FlowEvent): boolean {
    const ok = this.runner?.dispatch(event) ?? false;
    if (!ok && event.type === 'cancel') this.linkAbort?.abort();
    return ok;
  }

  private onStep(ctx: FlowCtx, step: string, error: unknown): void {
    const kind = FLOW_OP[ctx.flow];
    const def = DEPLOY_FLOWS[ctx.flow].steps[step as never] as { end?: string };
    const patch: Partial<DeployView> = { flow: { id: ctx.flow, step }, awaitingCopy: step === 'bootsel' && ctx.flow === 'install-runtime' };
    if (def.end) {
      patch.op = null;
      if (def.end === 'failed') patch.opError = { kind, ...this.explain(kind, error, ctx.device) };
      if (def.end === 'cancelled') {
        patch.opError = {
          kind,
          message: kind === 'serial' ? 'The upload was cancelled.' : 'Flashing was cancelled.',
          remedy: 'The board never activates a half-written model (the slot header is written last). Start again to finish.',
        };
      }
      if (step === 'need-port') patch.needPortPick = true;
      if (step === 'bootsel' && ctx.flow === 'uf2') {
        patch.done = `Saved ${ctx.file?.name}. Hold BOOTSEL while plugging the board in, then copy the file onto the RPI-RP2 drive; the board restarts with the model. Model sequence ${ctx.sequence}.`;
      }
    } else if (step === 'bootsel') {
      patch.op = null;
    } else {
      patch.op = { kind: step === 'reconnect' ? 'reconnect' : kind, stage: STEP_TEXT[step] ?? step, fraction: step === 'flash' || step === 'upload' ? 0 : undefined };
    }
    this.set(patch);
  }

  private explain(kind: OpKind, e: unknown, dev?: UsbDevice): Shown {
    if (e instanceof StudioError) return shown(e);
    if (kind === 'usb' || kind === 'install') return shown(mapUsbError(e, { stage: 'transfer', platform: this.env.platform(), device: dev }));
    return { message: e instanceof Error ? e.message : String(e), remedy: 'Unplug the board, plug it back in and try again.' };
  }

  private progress(kind: OpKind) {
    return (p: Progress) => this.set({ op: { kind, stage: p.stage, fraction: p.fraction ?? this.v.op?.fraction, detail: p.detail } });
  }

  /** The slot payload and the next deployment number; remembers what the board should report. */
  private async prepareModel(ctx: FlowCtx): Promise<SlotPayload> {
    const payload = (ctx.payload ??= makeSlotPayload({ int8Tflite: ctx.model.int8Tflite, impulse: ctx.model.impulse, normalization: ctx.model.impulse.normalization ?? null }));
    ctx.sequence = await this.env.nextSequence(this.v.linkInfo?.model.sequence ?? 0);
    this.set({ expected: { sequence: ctx.sequence, crc32: crc32(payload.bytes), length: payload.bytes.length }, confirmation: null });
    return payload;
  }

  private effects(): Record<DeployAction, Effect<FlowCtx>> {
    const ok: FlowEvent = { type: 'ok' };
    const usbMethodOf = (ctx: FlowCtx): UsbFlashMethod => {
      if (ctx.flow === 'install-runtime') return 'picoboot';
      const m = boardInfo(ctx.boardId).methods.find((x: FlashMethod) => x === 'picoboot' || x === 'dfu' || x === 'dfuse');
      if (!m) throw new StudioError({ family: 'flash', code: 'unsupported-method', message: `${boardInfo(ctx.boardId).name} cannot be flashed over USB.`, remedy: 'Use the serial upload.' });
      return m as UsbFlashMethod;
    };
    return {
      requestUsb: async (ctx) => {
        const d = await requestUsbBoard(this.env.usb(), { methods: [usbMethodOf(ctx)], platform: this.env.platform() });
        if (!d) return { type: 'none' };
        ctx.device = d;
        await this.closeLink();
        return ok;
      },
      flashPicoboot: async (ctx, signal) => {
        const payload = await this.prepareModel(ctx);
        const plan = planFlash({ board: ctx.boardId, method: 'picoboot', model: { payload, sequence: ctx.sequence! }, runtime: ctx.runtime });
        const res = await flashPico(ctx.device!, { regions: plan.slotRegions, runtime: plan.runtime }, { onProgress: this.progress('usb'), signal, platform: this.env.platform(), clock: this.env.clock });
        this.set({ done: `Flashed ${res.bytesWritten.toLocaleString()} bytes (${res.wroteRuntime ? 'runtime firmware and model' : 'model slot only'}) into the ${res.chip.toUpperCase()}, verified, rebooted. Model sequence ${ctx.sequence}.` });
        return ok;
      },
      flashDfu: async (ctx, signal) => {
        const method = usbMethodOf(ctx);
        const payload = await this.prepareModel(ctx);
        const plan = planFlash({ board: ctx.boardId, method, model: { payload, sequence: ctx.sequence! }, runtime: ctx.runtime });
        const res = await flashDfu(ctx.device!, { regions: plan.regions }, { onProgress: this.progress('usb'), signal, platform: this.env.platform(), clock: this.env.clock, reconnect: () => this.findUsbAgain(method, signal) });
        this.set({ done: `Flashed ${res.bytesWritten.toLocaleString()} bytes over ${res.dfuse ? 'DfuSe' : 'DFU'}${res.verified ? ', verified' : ''}. Model sequence ${ctx.sequence}.` });
        return ok;
      },
      requestEspPort: async (ctx) => {
        await this.env.releasePort();
        await this.closeLink();
        try {
          ctx.port = await requestSerialPort(this.env.serial(), { anyPort: true });
        } catch (e) {
          if (isStudioError(e, 'cancelled')) return { type: 'none' };
          throw e;
        }
        return ok;
      },
      flashEsp: async (ctx, signal) => {
        const payload = await this.prepareModel(ctx);
        const plan = planFlash({ board: ctx.boardId, method: 'esptool', model: { payload, sequence: ctx.sequence! }, runtime: ctx.runtime, firmwarePresent: !ctx.runtime });
        const backend = await createEsptoolBackend(ctx.port!.port);
        const res = await flashEsp32(backend, espWriteList(plan), { signal, onProgress: this.progress('esp32') });
        this.set({ done: `Wrote ${res.bytesWritten.toLocaleString()} bytes to ${res.chip || 'the ESP32'}. Model sequence ${ctx.sequence}.` });
        return ok;
      },
      buildUf2: async (ctx) => {
        const payload = await this.prepareModel(ctx);
        const model = { payload, sequence: ctx.sequence! };
        ctx.file = ctx.runtime
          ? { name: `model-${ctx.boardId}.uf2`, bytes: planToUf2(planFlash({ board: ctx.boardId, method: 'uf2', model, runtime: ctx.runtime })) }
          : deployFile(ctx.boardId, payload, ctx.sequence!, 'uf2');
        return ok;
      },
      saveFile: async (ctx) => {
        this.env.save(ctx.file!.name, ctx.file!.bytes);
        return ok;
      },
      waitForBoard: async (ctx, signal) => ((await this.waitForBoard(ctx.boardId, signal)) ? ok : { type: 'not-found' }),
      prepareUpload: async () => {
        const l = this.v.link;
        if (!l) throw new StudioError({ family: 'device', code: 'no-link', message: 'No board is connected.', remedy: 'Connect the board (serial) first.' });
        if (this.v.inferring) await l.client.setInference(false);
        this.set({ inferring: false });
        return ok;
      },
      upload: async (ctx, signal) => {
        const l = this.v.link;
        if (!l) throw new StudioError({ family: 'device', code: 'no-link', message: 'The board is not connected.', remedy: 'Connect the board (serial) and upload again.' });
        if (this.v.inferring) await l.client.setInference(false).catch(() => undefined);
        const payload = await this.prepareModel(ctx);
        const kind = FLOW_OP[ctx.flow];
        const res = await uploadModel(l.client, payload, { sequence: ctx.sequence!, signal, onProgress: this.progress(kind) });
        const before = this.v.done && ctx.flow === 'install-runtime' ? `${this.v.done} ` : '';
        this.set({
          done: `${before}Uploaded ${res.length.toLocaleString()} bytes over serial${res.resumedFrom ? ` (resumed at ${res.resumedFrom})` : ''}${res.retries ? `, ${res.retries} retries` : ''}; the board verified CRC ${hex32(res.crc32)}. Model sequence ${ctx.sequence}.`,
        });
        return ok;
      },
      confirm: async () => {
        const l = this.v.link;
        if (!l) return { type: 'mismatch' };
        const info = await l.client.getInfo();
        const confirmation = confirmModel(this.v.expected, info);
        this.set({ linkInfo: info, confirmation });
        return { type: confirmation?.ok ? 'ok' : 'mismatch' };
      },
      startInference: async () => {
        if (this.labels.length) await this.setInference(true);
        return ok;
      },
      fetchRuntime: async (ctx) => {
        const img = await loadRuntimeImage((p) => this.env.fetchBytes(p), boardInfo(ctx.boardId));
        ctx.image = img;
        this.set({ runtimeImage: { version: img.record.firmwareVersion, bytes: img.bytes } });
        return { type: ctx.route ?? 'usb' };
      },
      flashRuntime: async (ctx, signal) => {
        const res = await flashPico(ctx.device!, { regions: ctx.image!.regions }, { onProgress: this.progress('install'), signal, platform: this.env.platform(), clock: this.env.clock });
        this.set({ done: `Installed the runtime firmware ${ctx.image!.record.firmwareVersion} (${res.bytesWritten.toLocaleString()} bytes, verified) into the ${res.chip.toUpperCase()}.` });
        return ok;
      },
      saveRuntime: async (ctx) => {
        this.env.save(RUNTIME_IMAGE_NAME, ctx.image!.uf2);
        return ok;
      },
    };
  }

  /** After DFU DETACH the bootloader is a new USB device: an already granted one, else ask. */
  private async findUsbAgain(method: UsbFlashMethod, signal: AbortSignal): Promise<UsbDevice> {
    const u = this.env.usb();
    for (let i = 0; i < 20 && !signal.aborted; i++) {
      const d = ((await u?.getDevices()) ?? []).find((x) => !x.opened);
      if (d) return d;
      await this.env.clock.sleep(250);
    }
    const d = await requestUsbBoard(u, { methods: [method], platform: this.env.platform() });
    if (!d) throw new StudioError({ family: 'flash', code: 'cancelled', message: 'No bootloader device was chosen.' });
    return d;
  }

  /** Polls the granted serial ports until the board answers the runtime protocol (10 s). */
  private async waitForBoard(boardId: string, signal: AbortSignal): Promise<boolean> {
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
      if (!isStudioError(e, 'cancelled')) this.set({ opError: { kind, ...this.explain(kind, e) } });
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
      const sim = createRuntimeSimBoard(model.impulse, FLASH_BOARDS.pico.modelSlot.size);
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
    const inFlow = this.runner && !this.runner.ended;
    if (!inFlow && confirmation?.ok && this.labels.length) await this.setInference(true);
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
