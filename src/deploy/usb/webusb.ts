/**
 * WebUSB entry point for the flashers: known boards, requestDevice filters, and turning browser
 * DOMExceptions into StudioErrors with a remedy. DOM-free core module (the `navigator.usb` object is
 * passed in, so this runs in a worker, in Node tests and in the page alike).
 */
import { StudioError, isCancelled } from '../../core/errors.ts';
import type { UsbDevice } from './usb-device.ts';
import { usbId } from './usb-device.ts';
import type { DeployMethod, UsbId } from '../../device/boards/board.ts';
import { BOARDS, rpBootRomChip } from '../../device/boards/index.ts';
import { ARDUINO_VENDOR_ID, USB_BOOTLOADERS } from '../../device/boards/usb-vendors.ts';

export type UsbFlashMethod = Extract<DeployMethod, 'picoboot' | 'dfu' | 'dfuse'>;

export interface KnownUsbBoard {
  vendorId: number;
  productId?: number;
  name: string;
  method: UsbFlashMethod;
}

const USB_FLASH_METHODS: readonly UsbFlashMethod[] = ['picoboot', 'dfuse', 'dfu'];

/**
 * Boards in their USB bootloaders, read from the board table (each board's `bootUsb` and its first USB
 * flash method) plus the chip bootloaders not tied to one board. Any other Arduino device with a DFU
 * interface is matched by class code.
 */
export const KNOWN_USB_BOARDS: readonly KnownUsbBoard[] = knownUsbBoards();

function knownUsbBoards(): KnownUsbBoard[] {
  const groups: { id: UsbId; method: UsbFlashMethod; chip?: string; boards: string[] }[] = [];
  for (const b of BOARDS) {
    const method = USB_FLASH_METHODS.find((m) => b.deployMethods.includes(m));
    if (!method) continue;
    for (const id of b.bootUsb) {
      const g = groups.find((x) => x.id.vendorId === id.vendorId && x.id.productId === id.productId);
      if (g) g.boards.push(b.name);
      else groups.push({ id, method, chip: rpBootRomChip(id.vendorId, id.productId)?.toUpperCase(), boards: [b.name] });
    }
  }
  return [
    ...groups.map((g) => ({
      vendorId: g.id.vendorId,
      productId: g.id.productId,
      name: g.chip ? `${g.chip} in BOOTSEL mode (${g.boards.join(', ')})` : `${g.boards.join(', ')} (bootloader)`,
      method: g.method,
    })),
    ...USB_BOOTLOADERS,
  ];
}

export interface UsbDeviceFilter {
  vendorId?: number;
  productId?: number;
  classCode?: number;
  subclassCode?: number;
  protocolCode?: number;
}

/** The filters for `navigator.usb.requestDevice`, optionally limited to some flash methods. */
export function usbRequestFilters(methods?: readonly UsbFlashMethod[]): UsbDeviceFilter[] {
  const want = (m: UsbFlashMethod) => !methods || methods.includes(m);
  const filters: UsbDeviceFilter[] = KNOWN_USB_BOARDS.filter((b) => want(b.method)).map((b) => ({ vendorId: b.vendorId, productId: b.productId }));
  if (want('dfu') || want('dfuse')) filters.push({ vendorId: ARDUINO_VENDOR_ID, classCode: 0xfe, subclassCode: 0x01 });
  return filters;
}

export function describeUsbBoard(device: Pick<UsbDevice, 'vendorId' | 'productId' | 'productName'>): KnownUsbBoard | undefined {
  return (
    KNOWN_USB_BOARDS.find((b) => b.vendorId === device.vendorId && b.productId === device.productId) ??
    (device.vendorId === ARDUINO_VENDOR_ID ? { vendorId: ARDUINO_VENDOR_ID, productId: device.productId, name: device.productName || 'Arduino board in DFU mode', method: 'dfu' } : undefined)
  );
}

/** The part of `navigator.usb` we use. */
export interface UsbLike {
  requestDevice(options: { filters: UsbDeviceFilter[] }): Promise<UsbDevice>;
  getDevices(): Promise<UsbDevice[]>;
}

export type HostPlatform = 'windows' | 'linux' | 'mac' | 'chromeos' | 'android' | 'unknown';

/** Host OS from a user-agent string (the caller passes navigator.userAgent). */
export function detectPlatform(userAgent: string): HostPlatform {
  const ua = userAgent.toLowerCase();
  if (ua.includes('windows')) return 'windows';
  if (ua.includes('android')) return 'android';
  if (ua.includes('cros')) return 'chromeos';
  if (ua.includes('mac os') || ua.includes('macintosh')) return 'mac';
  if (ua.includes('linux') || ua.includes('x11')) return 'linux';
  return 'unknown';
}

/** Where the udev rules live in the repository and the command that installs them. */
export const UDEV_RULES_PATH = 'firmware/udev/60-tinyml-studio.rules';
export const UDEV_INSTALL_COMMAND =
  `sudo cp ${UDEV_RULES_PATH} /etc/udev/rules.d/ && sudo udevadm control --reload-rules && sudo udevadm trigger`;

const hex4 = (n: number) => n.toString(16).padStart(4, '0');
const rule = (vendorId: number, productId?: number) =>
  `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex4(vendorId)}"${productId === undefined ? '' : `, ATTRS{idProduct}=="${hex4(productId)}"`}, TAG+="uaccess", MODE="0660"`;

/** The rules file content (for a download button when the repository is not at hand), from the board table. */
export const UDEV_RULES = [
  '# TinyML Studio: let the logged-in user flash boards from the browser (WebUSB).',
  '# RP2040 / RP2350 boot ROM (PICOBOOT)',
  ...KNOWN_USB_BOARDS.filter((b) => b.method === 'picoboot').map((b) => rule(b.vendorId, b.productId)),
  '# Arduino boards (DFU bootloaders)',
  rule(ARDUINO_VENDOR_ID),
  ...USB_BOOTLOADERS.flatMap((b) => [`# ${b.name}`, rule(b.vendorId, b.productId)]),
  '',
].join('\n');

export type UsbStage = 'request' | 'open' | 'claim' | 'transfer';

export interface UsbErrorContext {
  stage: UsbStage;
  platform?: HostPlatform;
  device?: Pick<UsbDevice, 'vendorId' | 'productId' | 'productName'>;
  /** What was going on, for the message ("while writing flash at 0x10001000"). */
  doing?: string;
}

function errName(e: unknown): string {
  return typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Maps anything WebUSB throws to a StudioError of family 'flash'. StudioErrors pass through.
 * Codes: cancelled, webusb-unsupported, device-disconnected, winusb-driver-missing,
 * linux-permission-denied, device-busy, usb-error.
 */
export function mapUsbError(e: unknown, ctx: UsbErrorContext): StudioError {
  if (e instanceof StudioError) return e;
  const name = errName(e);
  const msg = errMessage(e);
  const board = ctx.device ? `${describeUsbBoard(ctx.device)?.name ?? ctx.device.productName ?? 'the board'} (USB ${usbId(ctx.device.vendorId, ctx.device.productId)})` : 'the board';
  const doing = ctx.doing ? ` ${ctx.doing}` : '';
  if (ctx.stage === 'request' && name === 'NotFoundError') {
    return new StudioError({ family: 'flash', code: 'cancelled', message: 'No board was selected.', cause: e });
  }
  if (/disconnected|no device|device unavailable|LIBUSB_ERROR_NO_DEVICE/i.test(msg) && ctx.stage !== 'request') {
    return new StudioError({
      family: 'flash',
      code: 'device-disconnected',
      message: `The connection to ${board} was lost${doing}.`,
      remedy: 'Check the cable, put the board back into its bootloader (BOOTSEL / double-tap reset) and flash again; an interrupted update never activates a half-written model.',
      cause: e,
    });
  }
  const claimFailed = /unable to claim interface/i.test(msg) || ctx.stage === 'claim';
  if (ctx.platform === 'windows' && (claimFailed || name === 'SecurityError' || /access denied/i.test(msg))) {
    return new StudioError({
      family: 'flash',
      code: 'winusb-driver-missing',
      message: `Windows has no WinUSB driver bound to ${board}, so the browser cannot use it.`,
      remedy:
        'Install the WinUSB driver once with a driver installer such as Zadig: choose Options → List All Devices, pick the board ' +
        '(for a Pico in BOOTSEL: "RP2 Boot (Interface 1)"), select "WinUSB" and click Install Driver. Then unplug the board, plug it back in and flash again.',
      cause: e,
    });
  }
  if ((ctx.platform === 'linux' || ctx.platform === 'chromeos') && (name === 'SecurityError' || /access denied|permission/i.test(msg))) {
    return new StudioError({
      family: 'flash',
      code: 'linux-permission-denied',
      message: `Linux did not give this browser access to ${board}.`,
      remedy: `Install the udev rules that come with TinyML Studio, then unplug and replug the board: ${UDEV_INSTALL_COMMAND}`,
      cause: e,
    });
  }
  if (claimFailed || name === 'InvalidStateError' || name === 'NetworkError') {
    return new StudioError({
      family: 'flash',
      code: 'device-busy',
      message: `${board} is in use by another program${doing}.`,
      remedy: 'Close other tabs, the Arduino IDE, picotool or dfu-util that may hold the board, then unplug it, plug it back in and try again.',
      cause: e,
    });
  }
  return new StudioError({ family: 'flash', code: 'usb-error', message: `USB error${doing}: ${msg}`, remedy: 'Unplug the board, plug it back in and try again.', cause: e });
}

/**
 * Shows the browser's device chooser for boards in a USB bootloader. Returns null when the person
 * cancels; throws `webusb-unsupported` when the browser has no WebUSB.
 */
export async function requestUsbBoard(usb: UsbLike | undefined, options: { methods?: readonly UsbFlashMethod[]; platform?: HostPlatform } = {}): Promise<UsbDevice | null> {
  if (!usb) {
    throw new StudioError({
      family: 'flash',
      code: 'webusb-unsupported',
      message: 'This browser cannot talk to USB devices (no WebUSB).',
      remedy: 'Use Chrome or Edge on a desktop computer, or download the .uf2 file and copy it to the board\'s drive.',
    });
  }
  try {
    return await usb.requestDevice({ filters: usbRequestFilters(options.methods) });
  } catch (e) {
    const err = mapUsbError(e, { stage: 'request', platform: options.platform });
    if (isCancelled(err)) return null; // the person closed the chooser: the UI shows nothing
    throw err;
  }
}
