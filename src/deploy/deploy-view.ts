/**
 * The deploy engine's shared pieces: what it needs from the browser (`DeployEnv`), the one immutable
 * view it publishes (`DeployView`, kept in a `ViewStore`), and small pure helpers (confirming the model
 * from INFO, error display). DOM-free core module.
 */
import { shownError, StudioError } from '../core/errors.ts';
import type { ImpulseConfig } from '../core/impulse.ts';
import { ModelState } from '../device/protocol/ids.ts';
import type { ConnectionManager } from '../device/connection-manager.ts';
import type { InfoMsg } from '../device/protocol/messages.ts';
import type { SerialLike } from '../device/webserial/serial-api.ts';
import type { Clock } from '../core/clock.ts';
import type { DeployFlowId } from './flows/tables.ts';
import type { UsbDevice } from './usb/usb-device.ts';
import { mapUsbError, type HostPlatform, type UsbLike } from './usb/webusb.ts';

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
  /**
   * The app's one connection manager (the Device and Test steps share it): every serial interaction
   * of the Deploy step goes through it.
   */
  connection: ConnectionManager;
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

/** The board Deploy talks to: the manager's connection when it runs the runtime firmware. */
export interface BoardLinkView {
  name: string;
  simulated: boolean;
}

export interface DeployView {
  flow: { id: DeployFlowId; step: string } | null;
  op: OpState | null;
  opError: (Shown & { kind: OpKind }) | null;
  done: string | null;
  link: BoardLinkView | null;
  /** The manager is connected to a board that streams CSV lines (no runtime firmware): its name. */
  csvBoard: string | null;
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

export const shown: (e: unknown) => Shown = shownError;

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


/** A person-readable error for an operation: StudioErrors as they are, raw USB errors mapped. */
export function explainError(kind: OpKind, e: unknown, platform: HostPlatform, dev?: UsbDevice): Shown {
  if (e instanceof StudioError) return shown(e);
  if (kind === 'usb' || kind === 'install') return shown(mapUsbError(e, { stage: 'transfer', platform, device: dev }));
  return { message: e instanceof Error ? e.message : String(e), remedy: 'Unplug the board, plug it back in and try again.' };
}

export const EMPTY_VIEW: DeployView = {
  flow: null, op: null, opError: null, done: null, link: null, csvBoard: null, linkInfo: null, expected: null, confirmation: null,
  inferring: false, live: [], needPortPick: false, awaitingCopy: false, runtimeImage: null,
};

/** Holds the view; every change makes a new object and tells the listener (the UI's `$state`). */
export class ViewStore {
  private v: DeployView = EMPTY_VIEW;

  constructor(private readonly onChange: (v: DeployView) => void = () => {}) {}

  get view(): DeployView {
    return this.v;
  }

  set(patch: Partial<DeployView>): void {
    this.v = { ...this.v, ...patch };
    this.onChange(this.v);
  }

  get busy(): boolean {
    return this.v.op !== null;
  }
}
