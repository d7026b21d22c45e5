/**
 * Choosing and re-opening serial ports: vendor-ID filters for the supported boards and USB-serial
 * bridges, "any port", previously granted ports (the 1200-baud touch is src/deploy/touch-1200.ts, on
 * a port the connection manager released). DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import { findBoardByUsb, type BoardDef } from '../boards/index.ts';
import { USB_VENDORS } from '../boards/usb-vendors.ts';
import { WebSerialTransport } from './webserial-transport.ts';
import { errorName, type SerialLike, type SerialPortLike } from './serial-api.ts';

export const SERIAL_FILTERS = USB_VENDORS.map((v) => ({ usbVendorId: v.vendorId }));

export const DEFAULT_BAUD = 115200;
export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000];

function noSerial(): StudioError {
  return new StudioError({
    family: 'device', code: 'no-webserial',
    message: 'This browser cannot talk to serial ports.',
    remedy: 'Use Chrome or Edge on a desktop computer (Web Serial is not available in Firefox, Safari or on phones).',
  });
}

export interface PortChoice {
  port: SerialPortLike;
  board: BoardDef | null;
  /** e.g. "Arduino Nano 33 BLE Sense (2341:805a)" */
  label: string;
}

export function describePort(port: SerialPortLike): PortChoice {
  const i = port.getInfo();
  const board = i.usbVendorId !== undefined ? findBoardByUsb(i.usbVendorId, i.usbProductId ?? -1) : null;
  const vendor = USB_VENDORS.find((v) => v.vendorId === i.usbVendorId)?.name;
  const ids = i.usbVendorId !== undefined ? ` (${hex4(i.usbVendorId)}:${hex4(i.usbProductId ?? 0)})` : '';
  return { port, board, label: `${board?.name ?? vendor ?? 'Serial port'}${ids}` };
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** Opens the browser's port chooser. `anyPort` shows every port, not only known vendors. */
export async function requestSerialPort(serial: SerialLike | null, opts: { anyPort?: boolean } = {}): Promise<PortChoice> {
  if (!serial) throw noSerial();
  try {
    const port = await serial.requestPort(opts.anyPort ? {} : { filters: SERIAL_FILTERS });
    return describePort(port);
  } catch (e) {
    if (errorName(e) === 'NotFoundError') {
      throw new StudioError({
        family: 'device', code: 'cancelled', cause: e,
        message: 'No port was chosen.',
        remedy: opts.anyPort ? 'Plug the board in and pick it from the list.' : 'If your board is not in the list, try "Show all ports".',
      });
    }
    if (errorName(e) === 'SecurityError') {
      throw new StudioError({ family: 'device', code: 'not-allowed', cause: e, message: 'The browser blocked the port chooser.', remedy: 'Click Connect again (it must come from a click) and use https or localhost.' });
    }
    throw new StudioError({ family: 'device', code: 'port-request', cause: e, message: 'The port chooser failed.', remedy: 'Reload the page and try again.' });
  }
}

/** Ports the person granted before (one-click reconnect). */
export async function grantedPorts(serial: SerialLike | null): Promise<PortChoice[]> {
  if (!serial) return [];
  return (await serial.getPorts()).map(describePort);
}

/**
 * A granted port that is not open, optionally with the given USB ids, as a transport — e.g. a board
 * that re-enumerated after flashing (ConnectionManager.reconnect polls this); null while there is none.
 */
export async function findGrantedPort(serial: SerialLike | null, ids: { usbVendorId?: number; usbProductId?: number } = {}): Promise<WebSerialTransport | null> {
  for (const choice of await grantedPorts(serial)) {
    const i = choice.port.getInfo();
    if (choice.port.readable) continue;
    if (ids.usbVendorId !== undefined && i.usbVendorId !== ids.usbVendorId) continue;
    if (ids.usbProductId !== undefined && i.usbProductId !== ids.usbProductId) continue;
    return transportFor(choice, serial);
  }
  return null;
}

/** Creates the transport for a chosen port (not opened yet). */
export function transportFor(choice: PortChoice, serial?: SerialLike | null): WebSerialTransport {
  return new WebSerialTransport(choice.port, choice.board?.name ?? choice.label, serial);
}

/**
 * Calls `cb` when a port of `serial` disconnects; returns an unsubscribe function.
 */
export function onPortDisconnect(serial: SerialLike | null, cb: (port: unknown) => void): () => void {
  if (!serial?.addEventListener) return () => undefined;
  const h = (ev: { target?: unknown; port?: unknown }) => cb(ev.port ?? ev.target);
  serial.addEventListener('disconnect', h);
  return () => serial.removeEventListener?.('disconnect', h);
}
