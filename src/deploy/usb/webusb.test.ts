import { describe, it, expect } from 'vitest';
import { detectPlatform, describeUsbBoard, mapUsbError, requestUsbBoard, usbRequestFilters, UDEV_RULES, UDEV_INSTALL_COMMAND } from './webusb.ts';
import type { UsbLike } from './webusb.ts';
import { PicobootSim } from '../picoboot/picoboot-sim.ts';
import type { UsbDevice } from './usb-device.ts';

const dom = (name: string, message: string) => new DOMException(message, name);
const pico = { vendorId: 0x2e8a, productId: 0x0003, productName: 'RP2 Boot' };

describe('WebUSB board selection and errors', () => {
  it('filters for the known bootloaders', () => {
    const all = usbRequestFilters();
    expect(all).toContainEqual({ vendorId: 0x2e8a, productId: 0x0003 });
    expect(all).toContainEqual({ vendorId: 0x2e8a, productId: 0x000f });
    expect(all).toContainEqual({ vendorId: 0x0483, productId: 0xdf11 });
    expect(all).toContainEqual({ vendorId: 0x2341, classCode: 0xfe, subclassCode: 0x01 });
    expect(usbRequestFilters(['picoboot']).every((f) => f.vendorId === 0x2e8a)).toBe(true);
    expect(describeUsbBoard({ vendorId: 0x2341, productId: 0x035b })?.method).toBe('dfuse');
    expect(describeUsbBoard({ vendorId: 0x2341, productId: 0x1234, productName: 'Foo DFU' })?.name).toBe('Foo DFU');
    expect(describeUsbBoard({ vendorId: 0x1234, productId: 1 })).toBeUndefined();
  });

  it('returns null when the person cancels the chooser and explains a missing WebUSB', async () => {
    const usb: UsbLike = { requestDevice: async () => Promise.reject(dom('NotFoundError', 'No device selected.')), getDevices: async () => [] };
    expect(await requestUsbBoard(usb)).toBeNull();
    const sim = new PicobootSim();
    const ok: UsbLike = { requestDevice: async (o) => (o.filters.length > 0 ? (sim as UsbDevice) : Promise.reject(new Error('x'))), getDevices: async () => [] };
    expect(await requestUsbBoard(ok)).toBe(sim);
    await expect(requestUsbBoard(undefined)).rejects.toMatchObject({ code: 'webusb-unsupported', remedy: expect.stringMatching(/uf2/) });
  });

  it('maps OS-specific failures to remedies instead of raw DOMExceptions', () => {
    const win = mapUsbError(dom('NetworkError', 'Unable to claim interface.'), { stage: 'claim', platform: 'windows', device: pico });
    expect(win).toMatchObject({ family: 'flash', code: 'winusb-driver-missing' });
    expect(win.remedy).toMatch(/WinUSB/);
    expect(win.remedy).toMatch(/Zadig/);
    expect(win.message).toMatch(/2e8a:0003/);
    const lin = mapUsbError(dom('SecurityError', 'Access denied.'), { stage: 'open', platform: 'linux', device: pico });
    expect(lin.code).toBe('linux-permission-denied');
    expect(lin.remedy).toContain(UDEV_INSTALL_COMMAND);
    expect(UDEV_INSTALL_COMMAND).toContain('firmware/udev/');
    expect(UDEV_RULES).toContain('ATTRS{idVendor}=="2e8a"');
    const busy = mapUsbError(dom('NetworkError', 'Unable to claim interface.'), { stage: 'claim', platform: 'mac', device: pico });
    expect(busy.code).toBe('device-busy');
    const gone = mapUsbError(dom('NotFoundError', 'The device was disconnected.'), { stage: 'transfer', platform: 'linux', device: pico, doing: 'while writing' });
    expect(gone.code).toBe('device-disconnected');
    expect(mapUsbError(new Error('weird'), { stage: 'transfer' }).code).toBe('usb-error');
  });

  it('detects the host platform from the user agent', () => {
    expect(detectPlatform('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130')).toBe('windows');
    expect(detectPlatform('Mozilla/5.0 (X11; Linux x86_64) Chrome/130')).toBe('linux');
    expect(detectPlatform('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)')).toBe('mac');
    expect(detectPlatform('Mozilla/5.0 (X11; CrOS x86_64 14541.0.0)')).toBe('chromeos');
    expect(detectPlatform('Mozilla/5.0 (Linux; Android 14)')).toBe('android');
  });
});
