/**
 * USB vendors the serial port picker offers: the makers of the boards in the board table and the
 * USB-serial bridges some boards use. The one place for vendor IDs and their names; product IDs live
 * in the board files. A test checks that every vendor of the board table is here. DOM-free core module.
 */
/** Arduino's vendor ID: any Arduino device with a DFU interface is offered to the DFU flashers. */
export const ARDUINO_VENDOR_ID = 0x2341;

export const USB_VENDORS: readonly { vendorId: number; name: string }[] = [
  { vendorId: ARDUINO_VENDOR_ID, name: 'Arduino' },
  { vendorId: 0x2e8a, name: 'Raspberry Pi' },
  { vendorId: 0x303a, name: 'Espressif' },
  { vendorId: 0x239a, name: 'Adafruit' },
  { vendorId: 0x2886, name: 'Seeed' },
  { vendorId: 0x1a86, name: 'WCH (CH340/CH9102)' },
  { vendorId: 0x10c4, name: 'Silicon Labs (CP210x)' },
  { vendorId: 0x0403, name: 'FTDI' },
];

/**
 * USB bootloaders not tied to one board of the table (a chip's ROM bootloader many boards can enter),
 * with the USB flash method that talks to them. Board bootloaders are the board files' `bootUsb`.
 */
export const USB_BOOTLOADERS: readonly { vendorId: number; productId: number; name: string; method: 'dfuse' }[] = [
  { vendorId: 0x0483, productId: 0xdf11, name: 'STM32 system bootloader (DfuSe)', method: 'dfuse' },
];
