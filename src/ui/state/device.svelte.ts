/**
 * The connected device as the UI sees it: status, stream info, a ring of recent frames for the
 * live plot, counters of bad lines, and listeners (the recorder, live classification). UI module;
 * the protocol work happens in src/device/connection.ts.
 */
import { FrameRing } from '../../device/frame-ring.ts';
import { openDeviceStream, type DeviceStream, type ReadingBatch, type StreamStats } from '../../device/connection.ts';
import type { Transport } from '../../device/transport.ts';
import type { SensorAxis } from '../../data/sample.ts';
import { StudioError } from '../../core/errors.ts';
import { notices } from './notices.svelte.ts';
import { createSimulatedBoard, type SimulatedBoard } from '../../device/sim-setup.ts';
import { IMU_AXES } from '../../device/sim/motion-model.ts';

export type DeviceStatus = 'disconnected' | 'connecting' | 'streaming';

type Listener = (b: ReadingBatch) => void;
type EndListener = (reason: 'closed' | 'unplugged') => void;

class DeviceState {
  status = $state<DeviceStatus>('disconnected');
  name = $state('');
  mode = $state<'csv' | 'framed' | null>(null);
  axes = $state.raw<SensorAxis[]>([]);
  rateHz = $state(0);
  stats = $state.raw<StreamStats | null>(null);
  lastError = $state<string | null>(null);
  ring = $state.raw<FrameRing | null>(null);
  sim = $state.raw<SimulatedBoard | null>(null);
  /** Set while the detector waits for a rate it could not determine. */
  needsRate = $state(false);

  private stream: DeviceStream | null = null;
  private listeners = new Set<Listener>();
  private endListeners = new Set<EndListener>();

  onBatch(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onEnd(fn: EndListener): () => void {
    this.endListeners.add(fn);
    return () => this.endListeners.delete(fn);
  }

  get intervalMs(): number {
    return this.rateHz > 0 ? 1000 / this.rateHz : 0;
  }

  async connectSimulated(opts: { rateHz?: number; mode?: 'csv' | 'framed' } = {}): Promise<void> {
    await this.disconnect();
    const rateHz = opts.rateHz ?? 62.5;
    const sim = createSimulatedBoard({ rateHz, mode: opts.mode ?? 'csv' });
    this.sim = sim;
    // The simulated sketch prints accelerometer (m/s²) and gyroscope (deg/s) columns at a known rate,
    // so a busy machine's irregular delivery never makes rate detection fail.
    await this.connect(sim.transport, { simulated: true, axes: [...IMU_AXES], rateHz });
    sim.startPerformer();
  }

  async connect(transport: Transport, opts: { baudRate?: number; simulated?: boolean; axisNames?: string[]; axes?: SensorAxis[]; rateHz?: number } = {}): Promise<void> {
    if (this.stream) await this.disconnect();
    this.status = 'connecting';
    this.name = transport.info.name;
    this.lastError = null;
    this.needsRate = false;
    try {
      const stream = await openDeviceStream(transport, { baudRate: opts.baudRate ?? 115200, axisNames: opts.axisNames, axes: opts.axes, rateHz: opts.rateHz });
      this.stream = stream;
      this.mode = stream.info.mode;
      this.axes = stream.info.axes;
      this.rateHz = stream.info.rateHz;
      this.name = stream.info.deviceName;
      this.ring = new FrameRing(stream.info.axes.length, Math.ceil(stream.info.rateHz * 12));
      this.status = 'streaming';
      void this.pump(stream);
    } catch (e) {
      this.status = 'disconnected';
      this.lastError = e instanceof StudioError ? e.describe() : String(e);
      if (e instanceof StudioError && e.code === 'rate-unknown') this.needsRate = true;
      await transport.close().catch(() => undefined);
      if (!(e instanceof StudioError && e.code === 'cancelled')) notices.error(e, 'Could not connect');
    }
  }

  private async pump(stream: DeviceStream): Promise<void> {
    let reason: 'closed' | 'unplugged' = 'closed';
    try {
      for await (const batch of stream.batches) {
        if (this.stream !== stream) break;
        this.ring?.push(batch.frames, batch.t0, 1000 / this.rateHz);
        this.stats = { ...stream.stats };
        for (const l of this.listeners) l(batch);
      }
    } catch (e) {
      if (e instanceof StudioError && e.code === 'disconnected') {
        reason = 'unplugged';
        notices.push({ kind: 'warning', title: 'Device disconnected', text: `${this.name} was unplugged or reset. Plug it back in and click Connect.` });
      } else {
        notices.error(e, 'Device stream stopped');
        this.lastError = e instanceof Error ? e.message : String(e);
      }
    } finally {
      if (this.stream === stream) {
        this.stream = null;
        this.status = 'disconnected';
        this.stats = { ...stream.stats };
      }
      for (const l of this.endListeners) l(reason);
    }
  }

  async disconnect(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    this.sim?.stopPerformer();
    this.sim = null;
    if (s) await s.close().catch(() => undefined);
    this.status = 'disconnected';
  }
}

export const device = new DeviceState();
