/**
 * The deploy methods as flow tables (src/deploy/flows/flow.ts): PICOBOOT flash, DFU/DfuSe flash, UF2
 * download, ESP32 flash, serial upload and installing the runtime firmware. Steps run effects
 * (src/deploy/session.ts implements them); events are the effects' outcomes or a person's clicks.
 * DOM-free core module.
 *
 * Effect outcomes: `ok` (carry on), `none` (the person closed a chooser: back to idle), `not-found`
 * (the board did not come back by itself: it needs a port pick), `mismatch` (the board runs another
 * model), `error` (thrown), `cancel` (the person).
 */
import type { FlowTable } from './flow.ts';

export type DeployAction =
  | 'requestUsb'
  | 'flashPicoboot'
  | 'flashDfu'
  | 'requestEspPort'
  | 'flashEsp'
  | 'buildUf2'
  | 'saveFile'
  | 'waitForBoard'
  | 'prepareUpload'
  | 'upload'
  | 'confirm'
  | 'startInference'
  | 'fetchRuntime'
  | 'flashRuntime'
  | 'saveRuntime';

type Table<S extends string> = FlowTable<S, DeployAction>;

const ENDS = {
  idle: { end: 'idle' },
  done: { end: 'done' },
  failed: { end: 'failed' },
  cancelled: { end: 'cancelled' },
  /** Flashed, but the serial port did not come back by itself: the person picks it (needs a click). */
  'need-port': { end: 'done' },
} as const;

/** After a flash: the board reboots, its serial port comes back, the app reads INFO and classifies. */
const AFTER_FLASH = {
  reconnect: { run: 'waitForBoard', on: { ok: 'confirm', 'not-found': 'need-port', error: 'need-port' } },
  confirm: { run: 'confirm', on: { ok: 'live', mismatch: 'done', error: 'failed' } },
  live: { run: 'startInference', on: { ok: 'done', error: 'done' } },
} as const;

export const picobootFlow: Table<'choose' | 'flash' | keyof typeof AFTER_FLASH | keyof typeof ENDS> = {
  id: 'picoboot',
  initial: 'choose',
  steps: {
    choose: { run: 'requestUsb', on: { ok: 'flash', none: 'idle', error: 'failed' } },
    flash: { run: 'flashPicoboot', on: { ok: 'reconnect', error: 'failed' } },
    ...AFTER_FLASH,
    ...ENDS,
  },
};

export const dfuFlow: Table<'choose' | 'flash' | keyof typeof AFTER_FLASH | keyof typeof ENDS> = {
  id: 'dfu',
  initial: 'choose',
  steps: {
    choose: { run: 'requestUsb', on: { ok: 'flash', none: 'idle', error: 'failed' } },
    flash: { run: 'flashDfu', on: { ok: 'reconnect', error: 'failed' } },
    ...AFTER_FLASH,
    ...ENDS,
  },
};

export const esp32Flow: Table<'choose' | 'flash' | keyof typeof AFTER_FLASH | keyof typeof ENDS> = {
  id: 'esp32',
  initial: 'choose',
  steps: {
    choose: { run: 'requestEspPort', on: { ok: 'flash', none: 'idle', error: 'failed' } },
    flash: { run: 'flashEsp', on: { ok: 'reconnect', error: 'failed' } },
    ...AFTER_FLASH,
    ...ENDS,
  },
};

/** Download the .uf2, then the person copies it to the board's BOOTSEL drive. */
export const uf2Flow: Table<'build' | 'save' | 'bootsel' | keyof typeof ENDS> = {
  id: 'uf2',
  initial: 'build',
  steps: {
    build: { run: 'buildUf2', on: { ok: 'save', error: 'failed' } },
    save: { run: 'saveFile', on: { ok: 'bootsel', error: 'failed' } },
    bootsel: { end: 'done' },
    ...ENDS,
  },
};

/** Serial upload to a board that runs the runtime firmware (the link is open). */
export const serialFlow: Table<'prepare' | 'upload' | 'confirm' | 'live' | keyof typeof ENDS> = {
  id: 'serial',
  initial: 'prepare',
  steps: {
    prepare: { run: 'prepareUpload', on: { ok: 'upload', error: 'failed' } },
    upload: { run: 'upload', on: { ok: 'confirm', error: 'failed' } },
    confirm: AFTER_FLASH.confirm,
    live: AFTER_FLASH.live,
    ...ENDS,
  },
};

/**
 * Install the runtime firmware on a Pico, then send the model: fetch the committed image (checked
 * against its build record), write it over PICOBOOT — or save the .uf2 for drag-and-drop, after which
 * the person says it is copied — wait for the board's serial port, upload the model, confirm, classify.
 */
export const installRuntimeFlow: Table<
  'fetch' | 'choose' | 'flash' | 'save' | 'bootsel' | 'reconnect' | 'upload' | 'confirm' | 'live' | keyof typeof ENDS
> = {
  id: 'install-runtime',
  initial: 'fetch',
  steps: {
    /** Outcome `usb` or `download`: the route the person chose, once the image is verified. */
    fetch: { run: 'fetchRuntime', on: { usb: 'choose', download: 'save', error: 'failed' } },
    choose: { run: 'requestUsb', on: { ok: 'flash', none: 'idle', error: 'failed' } },
    flash: { run: 'flashRuntime', on: { ok: 'reconnect', error: 'failed' } },
    save: { run: 'saveRuntime', on: { ok: 'bootsel', error: 'failed' } },
    bootsel: { on: { copied: 'reconnect' } },
    reconnect: { run: 'waitForBoard', on: { ok: 'upload', 'not-found': 'need-port', error: 'need-port' } },
    upload: { run: 'upload', on: { ok: 'confirm', error: 'failed' } },
    confirm: AFTER_FLASH.confirm,
    live: AFTER_FLASH.live,
    ...ENDS,
  },
};

export const DEPLOY_FLOWS = {
  picoboot: picobootFlow,
  dfu: dfuFlow,
  esp32: esp32Flow,
  uf2: uf2Flow,
  serial: serialFlow,
  'install-runtime': installRuntimeFlow,
} as const;

export type DeployFlowId = keyof typeof DEPLOY_FLOWS;
