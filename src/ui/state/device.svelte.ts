/**
 * The connected device as the UI sees it: a reactive mirror of the one connection manager
 * (src/device/connection-manager.ts — it owns the port, the stream and the protocol client), plus a
 * ring of recent frames for the live plot and the simulated board's controls. Every step (Device,
 * Test, Deploy) goes through `connection`. UI module.
 */
import { FrameRing } from '../../device/frame-ring.ts';
import { ConnectionManager, type DisconnectReason } from '../../device/connection-manager.ts';
import type { ReadingBatch, StreamStats } from '../../device/connection.ts';
import type { DeviceClient } from '../../device/protocol/client.ts';
import type { InfoMsg } from '../../device/protocol/messages.ts';
import type { Transport } from '../../device/transport.ts';
import type { SensorAxis } from '../../data/sample.ts';
import { isCancelled, StudioError } from '../../core/errors.ts';
import { notices } from './notices.svelte.ts';
import { createSimulatedBoard, type SimulatedBoard } from '../../device/sim-setup.ts';
import { IMU_AXES } from '../../device/sim/motion-model.ts';
import { MemoryFlash } from '../../device/protocol/model-slot.ts';
import { performancePlan, performerOptions } from '../../device/sim/performance-plan.ts';
import { studio } from './studio.svelte.ts';

const SIM_KEY = 'tinyml-studio.simulated-board';
import type { CaptureInfo } from '../../data/sample.ts';
import type { DeviceStream, OpenStreamOptions } from '../../device/connection.ts';
import { PhoneDevice, type ResamplingInfo } from '../../device/phone/phone-device.ts';
import { browserMotionEnv, createMotionSource, detectMotionSupport } from '../../device/phone/adapters.ts';

export type DeviceStatus = 'disconnected' | 'connecting' | 'streaming';

type Listener = (b: ReadingBatch) => void;
type EndListener = (reason: 'closed' | 'unplugged') => void;

/** The app's one connection manager. */
export const connection = new ConnectionManager();

class DeviceState {
  status = $state<DeviceStatus>('disconnected');
  name = $state('');
  mode = $state<'csv' | 'framed' | 'phone' | null>(null);
  axes = $state.raw<SensorAxis[]>([]);
  rateHz = $state(0);
  stats = $state.raw<StreamStats | null>(null);
  lastError = $state<string | null>(null);
  ring = $state.raw<FrameRing | null>(null);
  sim = $state.raw<SimulatedBoard | null>(null);
  /** The runtime firmware's protocol client and INFO (framed mode), else null. */
  client = $state.raw<DeviceClient | null>(null);
  board = $state.raw<InfoMsg | null>(null);
  /** Set while the detector waits for a rate it could not determine. */
  needsRate = $state(false);
  /** The stream is stopped while another step has the board to itself (Deploy uploading a model). */
  paused = $state(false);
  /** Phone streams: measured event rate, jitter and gaps behind the fixed rate (a copy, refreshed per batch). */
  resampling = $state.raw<ResamplingInfo | null>(null);

  constructor(private readonly conn: ConnectionManager) {
    conn.addEventListener('connecting', (e) => {
      this.status = 'connecting';
      this.name = e.name;
      this.lastError = null;
      this.needsRate = false;
    });
    conn.addEventListener('connected', (e) => {
      this.mode = e.info.mode;
      this.axes = e.info.axes;
      this.rateHz = e.info.rateHz;
      this.name = e.info.deviceName;
      this.board = e.board;
      this.client = conn.client;
      this.sim = conn.sim;
      this.ring = new FrameRing(e.info.axes.length, Math.ceil(e.info.rateHz * 12));
      this.stats = conn.stats ? { ...conn.stats } : null;
      this.paused = false;
      this.resampling = e.info.resampling ? { ...e.info.resampling } : null;
      this.status = 'streaming';
    });
    conn.addEventListener('info', (e) => {
      this.board = e.board;
      if (e.info.rateHz !== this.rateHz) {
        this.rateHz = e.info.rateHz;
        this.ring = new FrameRing(e.info.axes.length, Math.ceil(e.info.rateHz * 12));
      }
    });
    conn.addEventListener('batch', ({ batch }) => {
      this.ring?.push(batch.frames, batch.t0, 1000 / this.rateHz);
      const s = conn.stats;
      if (s) this.stats = { ...s };
      const r = conn.info?.resampling;
      if (r) this.resampling = { ...r };
    });
    conn.addEventListener('paused', (e) => (this.paused = e.paused));
    conn.addEventListener('disconnected', (e) => this.ended(e.reason));
    conn.addEventListener('error', (e) => {
      this.lastError = e.error.describe();
    });
  }

  private ended(reason: DisconnectReason): void {
    this.status = 'disconnected';
    this.paused = false;
    this.client = null;
    this.sim = this.conn.sim;
    if (reason === 'unplugged') {
      notices.push({ kind: 'warning', title: 'Device disconnected', text: `${this.name} was unplugged or reset. Plug it back in and click Connect.` });
    } else if (reason === 'error' && this.conn.lastError) {
      notices.error(this.conn.lastError, 'Device stream stopped');
    }
  }

  onBatch(fn: Listener): () => void {
    return this.conn.addEventListener('batch', (e) => fn(e.batch));
  }

  onEnd(fn: EndListener): () => void {
    return this.conn.addEventListener('disconnected', (e) => fn(e.reason === 'unplugged' || e.reason === 'reset' ? 'unplugged' : 'closed'));
  }

  /** What a sample recorded now should keep about resampling (phones), else undefined. */
  captureInfo(): CaptureInfo | undefined {
    const r = this.conn.info?.resampling;
    if (!r) return undefined;
    return { source: r.source, measuredHz: Math.round(r.measuredHz * 100) / 100, jitterMs: Math.round(r.jitterMs * 100) / 100, resampledToHz: this.rateHz, method: r.method };
  }

  /**
   * Connects this phone's motion sensors, resampled to `rateHz`. On iOS, motion permission must be
   * granted first, from the click itself (PhoneSource asks before calling this). Errors are shown and
   * kept in `lastError`; returns whether it streams.
   */
  async connectPhone(opts: { rateHz?: number; api?: 'devicemotion' | 'generic-sensor' } = {}): Promise<boolean> {
    await this.disconnect();
    const env = browserMotionEnv();
    const support = detectMotionSupport(env, opts.api);
    if (support.kind !== 'available') {
      this.lastError = support.kind === 'insecure' ? 'Motion sensors need a secure page (https:// or localhost).' : 'This browser has no motion sensor API.';
      return false;
    }
    const rateHz = opts.rateHz ?? 62.5;
    const phone = new PhoneDevice(createMotionSource(env, support.api, Math.max(60, 2 * rateHz)), { rateHz });
    await this.connect(phone, { open: phone.openStream });
    return this.status === 'streaming';
  }

  get intervalMs(): number {
    return this.rateHz > 0 ? 1000 / this.rateHz : 0;
  }

  /**
   * Connects the simulated board. CSV mode: a sketch printing at `rateHz`. Framed mode (runtime
   * firmware, model slot of `slotBytes`): the board boots at the firmware's rate; `rateHz` is then set
   * over the protocol (a model's impulse descriptor sets it too).
   */
  async connectSimulated(opts: { rateHz?: number; mode?: 'csv' | 'framed'; slotBytes?: number; name?: string } = {}): Promise<void> {
    await this.disconnect();
    const rateHz = opts.rateHz ?? 62.5;
    const mode = opts.mode ?? 'csv';
    const sim = createSimulatedBoard({ rateHz, mode, name: opts.name, flash: opts.slotBytes ? new MemoryFlash(opts.slotBytes) : undefined });
    // The simulated sketch prints accelerometer (m/s²) and gyroscope (deg/s) columns at a known rate,
    // so a busy machine's irregular delivery never makes rate detection fail.
    await this.connect(sim.transport, mode === 'csv' ? { axes: [...IMU_AXES], rateHz, sim } : { sim });
    if (mode === 'framed' && this.status === 'streaming' && this.rateHz !== rateHz) {
      await this.conn.setRate(rateHz).catch((e: unknown) => notices.error(e, 'Could not change the rate'));
    }
    // The simulated person acts out the project's own gestures (the defaults when it has none).
    if (this.sim === sim) sim.startPerformer(performerOptions(performancePlan(studio.labels)));
    // Remembered, so a reload reconnects it (App.svelte).
    if (this.sim === sim) globalThis.localStorage?.setItem(SIM_KEY, '1');
  }

  async connect(transport: Transport, opts: { baudRate?: number; simulated?: boolean; axisNames?: string[]; axes?: SensorAxis[]; rateHz?: number; sim?: SimulatedBoard; open?: (t: Transport, o: OpenStreamOptions) => Promise<DeviceStream> } = {}): Promise<void> {
    if (!opts.sim) globalThis.localStorage?.removeItem(SIM_KEY);
    try {
      await this.conn.connect(transport, { baudRate: opts.baudRate ?? 115200, axisNames: opts.axisNames, axes: opts.axes, rateHz: opts.rateHz, sim: opts.sim, open: opts.open });
    } catch (e) {
      this.status = 'disconnected';
      this.lastError = e instanceof StudioError ? e.describe() : String(e);
      if (e instanceof StudioError && e.code === 'rate-unknown') this.needsRate = true;
      if (!isCancelled(e)) notices.error(e, 'Could not connect');
    }
  }

  /** The simulated board was connected when the page was last used. */
  get simRemembered(): boolean {
    return globalThis.localStorage?.getItem(SIM_KEY) === '1';
  }

  /** Disconnects; `forget` (the person's own Disconnect) stops a reload from reconnecting the simulated board. */
  async disconnect(forget = false): Promise<void> {
    if (forget) globalThis.localStorage?.removeItem(SIM_KEY);
    await this.conn.disconnect();
    this.sim = null;
    this.client = null;
    this.status = 'disconnected';
  }
}

export const device = new DeviceState(connection);
