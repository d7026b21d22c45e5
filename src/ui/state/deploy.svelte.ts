/**
 * The Deploy step's UI state: `$state` mirrors of the model export (worker) and of the deploy engine's
 * view, plus a dispatch into the engine. The deploy flows, the board connection and every flasher live
 * in DOM-free core modules (src/deploy/session.ts, src/deploy/flows/); this module only supplies the
 * browser (navigator.usb / serial, downloads, same-origin fetch, the project's deployment counter) and
 * the app's one connection manager (`connection`, shared with the Device and Test steps).
 * UI module.
 */
import { StudioError, isCancelled } from '../../core/errors.ts';
import type { Progress } from '../../core/progress.ts';
import type { ModelRecord } from '../../data/store/schema.ts';
import { realClock } from '../../core/clock.ts';
import { boardInfo, type FlashBoardId, type FlashMethod } from '../../deploy/flash-plan.ts';
import type { DeployFlowId } from '../../deploy/flows/tables.ts';
import { DeploySession, shown, type DeployEnv, type DeployModel, type DeployView, type OpKind as SessionOpKind, type OpState, type Shown } from '../../deploy/session.ts';
import { detectPlatform, type UsbLike } from '../../deploy/usb/webusb.ts';
import type { ActivityName } from '../../device/sim/motion-model.ts';
import { getSerial } from '../../device/webserial/serial-api.ts';
import { runExport, type AnomalyExportResult, type ExportResult } from '../../workers/export-client.ts';
import { connection } from './device.svelte.ts';
import { notices } from './notices.svelte.ts';
import { studio } from './studio.svelte.ts';

export { hex32, shown, type Shown } from '../../deploy/session.ts';
/** The engine's operations plus the model export this module runs. */
export type OpKind = SessionOpKind | 'export';

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

/** The browser side of the deploy engine. */
const env: DeployEnv = {
  clock: realClock,
  usb: () => (globalThis.navigator as unknown as { usb?: UsbLike } | undefined)?.usb,
  serial: () => getSerial(),
  platform: () => detectPlatform(globalThis.navigator?.userAgent ?? ''),
  save: (name, bytes, type) => downloadBytes(name, bytes, type),
  fetchBytes: async (path) => {
    const res = await fetch(new URL(path, new URL(import.meta.env.BASE_URL, location.origin)));
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  nextSequence: async (atLeast) => {
    const p = studio.project;
    if (!p) throw new StudioError({ family: 'storage', code: 'no-project', message: 'No project is open.', remedy: 'Open a project first.' });
    return studio.s.nextDeploySequence(p.id, atLeast);
  },
  connection,
  notify: (kind, title, text) => notices.push({ kind, title, text }),
};

class DeployState {
  models = $state.raw<ModelRecord[]>([]);
  modelId = $state<string | null>(null);
  result = $state.raw<ExportResult | null>(null);
  /** The export of an anomaly model (anomaly.h, no TFLite files); `result` is null then. */
  anomaly = $state.raw<AnomalyExportResult | null>(null);
  exportError = $state.raw<Shown | null>(null);
  exporting = $state.raw<{ stage: string; fraction?: number; detail?: string } | null>(null);
  boardId = $state<FlashBoardId>('pico');
  /** Optional full runtime firmware image chosen by the person (.bin). */
  runtime = $state.raw<{ name: string; bytes: Uint8Array } | null>(null);
  simActivity = $state<ActivityName | 'performer'>('performer');
  /** The deploy engine's view (flows, link, live classifications). */
  view = $state.raw<DeployView>(null as unknown as DeployView);

  private readonly session = new DeploySession(env, (v) => (this.view = v));
  private exportAbort: AbortController | null = null;
  private loadedFor: string | null = null;

  constructor() {
    this.view = this.session.view;
  }

  get op(): (Omit<OpState, 'kind'> & { kind: OpKind }) | null {
    return this.exporting ? { kind: 'export', ...this.exporting } : this.view.op;
  }
  get opError() {
    return this.view.opError;
  }
  get done() {
    return this.view.done;
  }
  get link() {
    return this.view.link;
  }
  get linkInfo() {
    return this.view.linkInfo;
  }
  get confirmation() {
    return this.view.confirmation;
  }
  get inferring() {
    return this.view.inferring;
  }
  get live() {
    return this.view.live;
  }
  /** The connected board streams CSV lines (no runtime firmware): its name. */
  get csvBoard() {
    return this.view.csvBoard;
  }
  get needPortPick() {
    return this.view.needPortPick;
  }
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

  private get model(): DeployModel | null {
    const r = this.result;
    return r ? { int8Tflite: r.int8Tflite, impulse: r.impulse, labels: r.labels } : null;
  }

  // ---- the model export (worker) -----------------------------------------------------------------

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
    this.exportAbort = new AbortController();
    this.exporting = { stage: 'starting', fraction: 0 };
    try {
      const out = await runExport(
        { projectId: p.id, modelId: this.modelId },
        { signal: this.exportAbort.signal, onProgress: (pr: Progress) => (this.exporting = { stage: pr.stage, fraction: pr.fraction, detail: pr.detail }) },
      );
      this.result = out.kind === 'anomaly' ? null : out;
      this.anomaly = out.kind === 'anomaly' ? out : null;
    } catch (e) {
      if (!isCancelled(e)) this.exportError = shown(e);
    } finally {
      this.exporting = null;
      this.exportAbort = null;
    }
  }

  cancel(): void {
    this.exportAbort?.abort();
    this.session.dispatch({ type: 'cancel' });
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

  // ---- dispatch into the deploy engine -----------------------------------------------------------

  /** Starts a deploy flow (src/deploy/flows/tables.ts) for the exported model and the chosen board. */
  start(flow: DeployFlowId, route?: 'usb' | 'download'): void {
    const model = this.model;
    if (!model || this.busy) return;
    void this.session.start(flow, { model, boardId: this.boardId, runtime: this.runtime?.bytes, route });
  }

  /** Feeds a person's event to the running flow (e.g. `copied` after the .uf2 drag-and-drop). */
  dispatch(type: string): void {
    this.session.dispatch({ type });
  }

  downloadUf2 = () => this.start('uf2');
  flashUsb = () => this.start(this.usbMethod === 'picoboot' ? 'picoboot' : 'dfu');
  flashEsp = () => this.start('esp32');
  uploadSerial = () => this.start('serial');
  installRuntime = (route: 'usb' | 'download') => this.start('install-runtime', route);

  connectSerial = () => this.session.connectSerial(this.labels);
  connectSimulated = async () => {
    const model = this.model;
    if (model && !this.busy) await this.session.connectSimulated(model);
  };
  touchToBootsel = () => this.session.touchToBootsel();
  closeLink = () => this.session.closeLink();
  refreshInfo = () => this.session.refreshInfo();
  setInference = (on: boolean) => this.session.setInference(on);
  setSimActivity(a: ActivityName | 'performer'): void {
    this.simActivity = a;
    this.session.setSimActivity(a);
  }
}

export const deploy = new DeployState();
