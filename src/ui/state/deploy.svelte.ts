/**
 * The Deploy step's state: the export of the current model (worker), the downloads, the board and
 * flash method chosen, flashing over WebUSB (PICOBOOT / DFU), serial model upload, ESP32 flashing,
 * reconnecting after a flash, confirming the model from the board's INFO and the live on-device
 * classifications. Heavy work runs in src/workers/export-worker.ts; flashing runs in the core
 * flashers (src/deploy). UI module.
 */
import { StudioError } from '../../core/errors.ts';
import type { Progress } from '../../core/progress.ts';
import type { ModelRecord } from '../../data/store/schema.ts';
import { FLASH_BOARDS, boardInfo, planFlash, planToUf2, type FlashBoardId, type FlashMethod } from '../../deploy/flash-plan.ts';
import { flashPico } from '../../deploy/picoboot/pico-flasher.ts';
import { flashDfu } from '../../deploy/dfu/dfu-flasher.ts';
import { createEsptoolBackend, espWriteList, flashEsp32 } from '../../deploy/esp32.ts';
import { touch1200 } from '../../deploy/touch-1200.ts';
import { detectPlatform, mapUsbError, requestUsbBoard, type UsbLike, type UsbFlashMethod } from '../../deploy/usb/webusb.ts';
import type { UsbDevice } from '../../deploy/usb/usb-device.ts';
import { crc32 } from '../../device/protocol/crc.ts';
import { ModelState } from '../../device/protocol/ids.ts';
import type { InfoMsg } from '../../device/protocol/messages.ts';
import { uploadModel } from '../../device/protocol/model-upload.ts';
import { getSerial, type SerialPortLike } from '../../device/webserial/serial-api.ts';
import { describePort, requestSerialPort, transportFor } from '../../device/webserial/port-picker.ts';
import type { ActivityName } from '../../device/sim/motion-model.ts';
import { makeSlotPayload, type SlotPayload } from '../../deploy/slot-payload.ts';
import { runExport, type AnomalyExportResult, type ExportResult } from '../../workers/export-client.ts';
import { createRuntimeSimBoard, openBoardLink, type BoardLink } from '../components/deploy/board-link.ts';
import { device } from './device.svelte.ts';
import { notices } from './notices.svelte.ts';
import { studio } from './studio.svelte.ts';

export interface Shown {
  message: string;
  remedy: string;
}

export function shown(e: unknown): Shown {
  if (e instanceof StudioError) return { message: e.message, remedy: e.remedy };
  return { message: e instanceof Error ? e.message : String(e), remedy: '' };
}

export type OpKind = 'export' | 'usb' | 'serial' | 'esp32' | 'touch' | 'reconnect';

export interface OpState {
  kind: OpKind;
  stage: string;
  fraction?: number;
  detail?: string;
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

const SEQ_KEY = 'tinyml-studio.deploy-sequence';

const STAGE_TEXT: Record<string, string> = {
  check: 'Looking for the runtime firmware',
  erase: 'Erasing flash',
  write: 'Writing',
  verify: 'Verifying',
  reboot: 'Rebooting the board',
  upload: 'Uploading',
  connect: 'Connecting',
  detach: 'Switching to the bootloader',
  manifest: 'Finishing',
};

export function stageText(stage: string): string {
  return STAGE_TEXT[stage] ?? stage.charAt(0).toUpperCase() + stage.slice(1);
}

function usb(): UsbLike | undefined {
  return (globalThis.navigator as unknown as { usb?: UsbLike } | undefined)?.usb;
}

function platform() {
  return detectPlatform(globalThis.navigator?.userAgent ?? '');
}

export function downloadBytes(name: string, data: Uint8Array | string, type = 'application/octet-stream'): void {
  const blob = new Blob([typeof data === 'string' ? data : (data as Uint8Array<ArrayBuffer>)], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

class DeployState {
  models = $state.raw<ModelRecord[]>([]);
  modelId = $state<string | null>(null);
  result = $state.raw<ExportResult | null>(null);
  /** The export of an anomaly model (anomaly.h, no TFLite files); `result` is null then. */
  anomaly = $state.raw<AnomalyExportResult | null>(null);
  exportError = $state.raw<Shown | null>(null);
  boardId = $state<FlashBoardId>('pico');
  /** Optional full runtime firmware image chosen by the person (.bin). */
  runtime = $state.raw<{ name: string; bytes: Uint8Array } | null>(null);
  op = $state.raw<OpState | null>(null);
  opError = $state.raw<(Shown & { kind: OpKind }) | null>(null);
  /** Message after a finished flash/upload. */
  done = $state<string | null>(null);
  link = $state.raw<BoardLink | null>(null);
  linkInfo = $state.raw<InfoMsg | null>(null);
  expected = $state.raw<Expected | null>(null);
  confirmation = $state.raw<Confirmation | null>(null);
  inferring = $state(false);
  live = $state.raw<LiveInference[]>([]);
  /** After a flash, no port came back by itself: the person must pick it (needs a click). */
  needPortPick = $state(false);
  simActivity = $state<ActivityName | 'performer'>('performer');

  private abort: AbortController | null = null;
  private offInference: (() => void) | null = null;
  private loadedFor: string | null = null;

  get busy(): boolean {
    return this.op !== null;
  }

  get board() {
    return boardInfo(this.boardId);
  }

  get usbMethod(): 'picoboot' | 'dfu' | 'dfuse' | null {
    return (this.board.methods.find((m) => m === 'picoboot' || m === 'dfu' || m === 'dfuse') as 'picoboot' | 'dfu' | 'dfuse' | undefined) ?? null;
  }

  get canUf2(): boolean {
    return (this.board.methods as readonly FlashMethod[]).includes('uf2') && this.board.uf2Family !== undefined;
  }

  get canEsptool(): boolean {
    return (this.board.methods as readonly FlashMethod[]).includes('esptool');
  }

  get labels(): string[] {
    return this.result?.labels ?? [];
  }

  /** Reads the project's models; picks the current one (or the newest). */
  async loadModels(force = false): Promise<void> {
    const p = studio.project;
    if (!p || !studio.store) return;
    if (!force && this.loadedFor === p.id + (p.currentModelId ?? '')) return;
    this.loadedFor = p.id + (p.currentModelId ?? '');
    const models = await studio.s.listModels(p.id);
    this.models = models;
    const keep = models.find((m) => m.id === this.modelId);
    const pick = keep ?? models.find((m) => m.id === p.currentModelId) ?? models[0] ?? null;
    const shownId = this.result?.modelId ?? this.anomaly?.modelId;
    if (pick?.id !== this.modelId || shownId !== pick?.id) {
      this.modelId = pick?.id ?? null;
      this.result = null;
      this.anomaly = null;
    }
  }

  selectModel(id: string): void {
    if (id === this.modelId) return;
    this.modelId = id;
    this.result = null;
    this.anomaly = null;
    this.exportError = null;
  }

  async runExport(): Promise<void> {
    const p = studio.project;
    if (!p || !this.modelId || this.busy) return;
    this.exportError = null;
    this.abort = new AbortController();
    this.op = { kind: 'export', stage: 'starting', fraction: 0 };
    try {
      const out = await runExport(
        { projectId: p.id, modelId: this.modelId },
        { signal: this.abort.signal, onProgress: (pr: Progress) => (this.op = { kind: 'export', stage: pr.stage, fraction: pr.fraction, detail: pr.detail }) },
      );
      this.result = out.kind === 'anomaly' ? null : out;
      this.anomaly = out.kind === 'anomaly' ? out : null;
    } catch (e) {
      if (!(e instanceof StudioError && e.code === 'cancelled')) this.exportError = shown(e);
    } finally {
      this.op = null;
      this.abort = null;
    }
  }

  cancel(): void {
    this.abort?.abort();
  }

  // ---- sequence numbers --------------------------------------------------------------------------

  private nextSequence(): number {
    const stored = Number(globalThis.localStorage?.getItem(SEQ_KEY) ?? 0) || 0;
    const seq = Math.max(stored, this.linkInfo?.model.sequence ?? 0) + 1;
    globalThis.localStorage?.setItem(SEQ_KEY, String(seq));
    return seq;
  }

  /** The one slot payload (model + impulse descriptor) every path below writes. */
  private payload(): SlotPayload {
    const r = this.result!;
    return makeSlotPayload({ int8Tflite: r.int8Tflite, impulse: r.impulse, normalization: r.impulse.normalization ?? null });
  }

  private expect(sequence: number, payload: SlotPayload): Expected {
    const e = { sequence, crc32: crc32(payload.bytes), length: payload.bytes.length };
    this.expected = e;
    this.confirmation = null;
    return e;
  }

  // ---- downloads ---------------------------------------------------------------------------------

  downloadUf2(): void {
    const r = this.result;
    if (!r) return;
    try {
      const plan = planFlash({ board: this.boardId, method: 'uf2', model: { payload: this.payload(), sequence: this.nextSequence() }, runtime: this.runtime?.bytes });
      downloadBytes(`model-${this.boardId}.uf2`, planToUf2(plan));
    } catch (e) {
      this.opError = { ...shown(e), kind: 'usb' };
    }
  }

  async setRuntimeFile(file: File | null): Promise<void> {
    if (!file) {
      this.runtime = null;
      return;
    }
    if (file.size > 16 << 20) {
      notices.push({ kind: 'error', title: 'Firmware image', text: `${file.name} is larger than any supported board's flash. Pick the .bin built from firmware/.` });
      return;
    }
    this.runtime = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  }

  // ---- op helpers --------------------------------------------------------------------------------

  private begin(kind: OpKind, stage: string): AbortSignal {
    this.opError = null;
    this.done = null;
    this.abort = new AbortController();
    this.op = { kind, stage, fraction: 0 };
    return this.abort.signal;
  }

  private progress(kind: OpKind) {
    return (p: Progress) => {
      this.op = { kind, stage: p.stage, fraction: p.fraction ?? this.op?.fraction, detail: p.detail };
    };
  }

  private fail(kind: OpKind, e: unknown, dev?: UsbDevice): void {
    let err: StudioError;
    if (e instanceof StudioError) err = e;
    else if (kind === 'usb') err = mapUsbError(e, { stage: 'transfer', platform: platform(), device: dev });
    else err = new StudioError({ family: 'flash', code: 'unexpected', message: e instanceof Error ? e.message : String(e), remedy: 'Unplug the board, plug it back in and try again.' });
    if (err.code === 'cancelled') {
      this.opError = {
        kind,
        message: kind === 'serial' ? 'The upload was cancelled.' : 'Flashing was cancelled.',
        remedy: 'The board never activates a half-written model (the slot header is written last). Start again to finish.',
      };
      return;
    }
    this.opError = { kind, message: err.message, remedy: err.remedy };
  }

  private end(): void {
    this.op = null;
    this.abort = null;
  }

  // ---- WebUSB ------------------------------------------------------------------------------------

  async flashUsb(): Promise<void> {
    const r = this.result;
    const method = this.usbMethod;
    if (!r || !method || this.busy) return;
    const signal = this.begin('usb', 'Choose the board in the browser\'s list');
    let dev: UsbDevice | undefined;
    try {
      const chosen = await requestUsbBoard(usb(), { methods: [method as UsbFlashMethod], platform: platform() });
      if (!chosen) {
        this.end();
        return;
      }
      dev = chosen;
      await this.closeLink();
      const payload = this.payload();
      const seq = this.nextSequence();
      const e = this.expect(seq, payload);
      const plan = planFlash({ board: this.boardId, method, model: { payload, sequence: seq }, runtime: this.runtime?.bytes });
      const onProgress = this.progress('usb');
      if (method === 'picoboot') {
        const res = await flashPico(dev, { regions: plan.slotRegions, runtime: plan.runtime }, { onProgress, signal, platform: platform() });
        this.done = `Flashed ${res.bytesWritten.toLocaleString()} bytes (${res.wroteRuntime ? 'runtime firmware and model' : 'model slot only'}) into the ${res.chip.toUpperCase()}, verified, rebooted. Model sequence ${e.sequence}.`;
      } else {
        const res = await flashDfu(dev, { regions: plan.regions }, { onProgress, signal, platform: platform(), reconnect: () => this.findUsbAgain(method) });
        this.done = `Flashed ${res.bytesWritten.toLocaleString()} bytes over ${res.dfuse ? 'DfuSe' : 'DFU'}${res.verified ? ', verified' : ''}. Model sequence ${e.sequence}.`;
      }
      this.end();
      void this.reconnectAfterFlash();
    } catch (e) {
      this.fail('usb', e, dev);
      this.end();
    }
  }

  /** After DFU DETACH the bootloader is a new USB device: an already granted one, else ask. */
  private async findUsbAgain(method: 'dfu' | 'dfuse' | 'picoboot'): Promise<UsbDevice> {
    const u = usb();
    for (let i = 0; i < 20; i++) {
      const devs = (await u?.getDevices()) ?? [];
      const d = devs.find((x) => !x.opened);
      if (d) return d;
      await new Promise((r) => setTimeout(r, 250));
    }
    const d = await requestUsbBoard(u, { methods: [method], platform: platform() });
    if (!d) throw new StudioError({ family: 'flash', code: 'cancelled', message: 'No bootloader device was chosen.' });
    return d;
  }

  // ---- after flashing: reconnect, confirm, live ---------------------------------------------------

  /** Waits for the board's serial port to come back (it re-enumerates after the reboot) and connects. */
  async reconnectAfterFlash(): Promise<void> {
    const serial = getSerial();
    if (!serial) {
      this.needPortPick = true;
      return;
    }
    this.needPortPick = false;
    this.op = { kind: 'reconnect', stage: 'Waiting for the board to restart' };
    try {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const ports = await serial.getPorts();
        const vendor = this.boardId === 'pico' || this.boardId === 'pico2' ? 0x2e8a : undefined;
        const cand = ports.filter((p) => !p.readable && (vendor === undefined || p.getInfo().usbVendorId === vendor));
        for (const port of cand) {
          try {
            await this.connectPort(port);
            return;
          } catch {
            // not our board (yet): keep waiting
          }
        }
        await new Promise((r) => setTimeout(r, 400));
      }
      this.needPortPick = true;
    } finally {
      if (this.op?.kind === 'reconnect') this.op = null;
    }
  }

  private async connectPort(port: SerialPortLike): Promise<void> {
    const choice = describePort(port);
    let link: BoardLink | null = null;
    link = await openBoardLink(transportFor(choice, getSerial()), { name: choice.label, onEnd: (r) => this.linkEnded(link, r) });
    await this.adopt(link);
  }

  /** Connects to a board with the runtime firmware over Web Serial (needs a click). */
  async connectSerial(): Promise<void> {
    if (this.busy) return;
    this.begin('reconnect', 'Choose the board\'s serial port');
    try {
      if (device.status !== 'disconnected' && !device.sim) {
        // The live view holds the port; the Deploy step needs it for the protocol.
        await device.disconnect();
        notices.info('The live view was disconnected so the Deploy step can talk to the board.');
      }
      await this.closeLink();
      const choice = await requestSerialPort(getSerial());
      this.op = { kind: 'reconnect', stage: 'Connecting' };
      let link: BoardLink | null = null;
      link = await openBoardLink(transportFor(choice, getSerial()), { name: choice.label, onEnd: (r) => this.linkEnded(link, r) });
      this.needPortPick = false;
      await this.adopt(link);
    } catch (e) {
      if (!(e instanceof StudioError && e.code === 'cancelled')) this.fail('reconnect', e);
    } finally {
      this.end();
    }
  }

  /** Starts the simulated board that runs the runtime firmware (framed protocol, int8 inference). */
  async connectSimulated(): Promise<void> {
    const r = this.result;
    if (!r || this.busy) return;
    this.begin('reconnect', 'Starting the simulated board');
    try {
      await this.closeLink();
      const sim = createRuntimeSimBoard(r.impulse, FLASH_BOARDS.pico.modelSlot.size);
      let link: BoardLink | null = null;
      link = await openBoardLink(sim.transport, { simulated: true, sim, onEnd: (why) => this.linkEnded(link, why) });
      this.applySimActivity(sim);
      await this.adopt(link);
    } catch (e) {
      this.fail('reconnect', e);
    } finally {
      this.end();
    }
  }

  setSimActivity(a: ActivityName | 'performer'): void {
    this.simActivity = a;
    if (this.link?.sim) this.applySimActivity(this.link.sim);
  }

  private applySimActivity(sim: NonNullable<BoardLink['sim']>): void {
    if (this.simActivity === 'performer') sim.startPerformer();
    else sim.setActivity(this.simActivity);
  }

  private async adopt(link: BoardLink): Promise<void> {
    this.link = link;
    this.linkInfo = link.info;
    this.live = [];
    this.inferring = false;
    this.offInference?.();
    this.offInference = link.client.onInference((m) => {
      const labels = this.labels;
      const entry: LiveInference = { at: Date.now(), label: labels[m.labelIndex] ?? `class ${m.labelIndex}`, labelIndex: m.labelIndex, scores: m.scores, timingUs: m.timingUs };
      this.live = [entry, ...this.live.slice(0, 19)];
    });
    this.checkModel(link.info);
    if (this.confirmation?.ok && this.labels.length) await this.setInference(true);
  }

  private linkEnded(link: BoardLink | null, reason: 'closed' | 'unplugged'): void {
    if (!link || this.link !== link) return;
    this.offInference?.();
    this.offInference = null;
    this.link = null;
    this.inferring = false;
    if (reason === 'unplugged') notices.push({ kind: 'warning', title: 'Board disconnected', text: `${link.name} went away (unplugged or rebooting).` });
  }

  async closeLink(): Promise<void> {
    const l = this.link;
    if (!l) return;
    this.link = null;
    this.offInference?.();
    this.offInference = null;
    this.inferring = false;
    await l.close();
    l.sim?.stopPerformer();
  }

  private checkModel(info: InfoMsg): void {
    const e = this.expected;
    const m = info.model;
    if (!e) {
      this.confirmation = null;
      return;
    }
    if (m.state !== ModelState.VALID) this.confirmation = { ok: false, info: m, why: 'The board reports no valid model in its slot.' };
    else if (m.sequence !== e.sequence || m.crc32 !== e.crc32 || m.length !== e.length) {
      this.confirmation = { ok: false, info: m, why: `The board runs model sequence ${m.sequence} (CRC ${hex32(m.crc32)}), not the one just sent (sequence ${e.sequence}, CRC ${hex32(e.crc32)}).` };
    } else this.confirmation = { ok: true, info: m };
  }

  async refreshInfo(): Promise<void> {
    const l = this.link;
    if (!l) return;
    try {
      this.linkInfo = await l.client.getInfo();
      this.checkModel(this.linkInfo);
    } catch (e) {
      this.fail('reconnect', e);
    }
  }

  async setInference(on: boolean): Promise<void> {
    const l = this.link;
    if (!l) return;
    try {
      await l.client.setInference(on);
      this.inferring = on;
    } catch (e) {
      this.inferring = false;
      this.opError = { kind: 'reconnect', ...shown(e) };
    }
  }

  // ---- serial upload -----------------------------------------------------------------------------

  async uploadSerial(): Promise<void> {
    const r = this.result;
    const l = this.link;
    if (!r || !l || this.busy) return;
    const signal = this.begin('serial', 'Uploading');
    try {
      if (this.inferring) await l.client.setInference(false);
      this.inferring = false;
      const payload = this.payload();
      const seq = this.nextSequence();
      const e = this.expect(seq, payload);
      const res = await uploadModel(l.client, payload, { sequence: seq, signal, onProgress: this.progress('serial') });
      this.linkInfo = await l.client.getInfo();
      this.checkModel(this.linkInfo);
      this.done = `Uploaded ${res.length.toLocaleString()} bytes over serial${res.resumedFrom ? ` (resumed at ${res.resumedFrom})` : ''}${res.retries ? `, ${res.retries} retries` : ''}; the board verified CRC ${hex32(res.crc32)}. Model sequence ${e.sequence}.`;
      this.end();
      if (this.confirmation?.ok) await this.setInference(true);
    } catch (e) {
      this.fail('serial', e);
      this.end();
    }
  }

  // ---- RP2040 1200-baud touch --------------------------------------------------------------------

  /** Reboots an RP2040 board running our firmware into BOOTSEL (the serial port goes away). */
  async touchToBootsel(): Promise<void> {
    if (this.busy) return;
    this.begin('touch', 'Rebooting the board into BOOTSEL');
    try {
      let transport = this.link && !this.link.simulated ? this.link.transport : null;
      if (transport) {
        const l = this.link!;
        this.link = null;
        this.offInference?.();
        await l.client.setInference(false).catch(() => undefined);
        await transport.close().catch(() => undefined);
      } else {
        if (device.status !== 'disconnected' && !device.sim) await device.disconnect();
        const choice = await requestSerialPort(getSerial());
        transport = transportFor(choice, getSerial());
      }
      await touch1200(transport);
      this.done = 'The board restarted into BOOTSEL. Click "Flash over USB" and pick "RP2 Boot".';
    } catch (e) {
      if (!(e instanceof StudioError && e.code === 'cancelled')) this.fail('touch', e);
    } finally {
      this.end();
    }
  }

  // ---- ESP32 -------------------------------------------------------------------------------------

  async flashEsp(): Promise<void> {
    const r = this.result;
    if (!r || this.busy) return;
    const signal = this.begin('esp32', 'Choose the ESP32\'s serial port');
    try {
      if (device.status !== 'disconnected' && !device.sim) await device.disconnect();
      await this.closeLink();
      const choice = await requestSerialPort(getSerial(), { anyPort: true });
      const payload = this.payload();
      const seq = this.nextSequence();
      this.expect(seq, payload);
      const plan = planFlash({ board: this.boardId, method: 'esptool', model: { payload, sequence: seq }, runtime: this.runtime?.bytes, firmwarePresent: !this.runtime });
      const backend = await createEsptoolBackend(choice.port);
      const res = await flashEsp32(backend, espWriteList(plan), { signal, onProgress: this.progress('esp32') });
      this.done = `Wrote ${res.bytesWritten.toLocaleString()} bytes to ${res.chip || 'the ESP32'}. Model sequence ${seq}.`;
      this.end();
      void this.reconnectAfterFlash();
    } catch (e) {
      if (!(e instanceof StudioError && e.code === 'cancelled')) this.fail('esp32', e);
      this.end();
    }
  }
}

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

export const deploy = new DeployState();
