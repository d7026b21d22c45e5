/**
 * The "1200-baud touch": opening a board's USB serial port at 1200 baud and dropping DTR makes
 * Arduino-style runtimes (RP2040/RP2350 cores, Portenta/Nicla/Opta/GIGA, Nano ESP32) restart into
 * their bootloader (BOOTSEL / DFU). DOM-free core module over the `Transport` interface.
 */
import { StudioError, toStudioError } from '../core/errors.ts';
import type { Transport } from '../device/transport.ts';
import type { Clock } from '../core/clock.ts';
import { realClock, sleep } from '../core/clock.ts';

export async function touch1200(transport: Transport, options: { clock?: Clock; settleMs?: number } = {}): Promise<void> {
  const clock = options.clock ?? realClock;
  try {
    if (transport.isOpen()) await transport.close();
    await transport.open({ baudRate: 1200 });
    if (transport.setSignals) await transport.setSignals({ dataTerminalReady: false, requestToSend: false });
    await transport.close();
  } catch (e) {
    // The board may already be resetting and gone: that is the intended outcome.
    const err = toStudioError(e, 'device');
    if (err.code !== 'disconnected') {
      throw new StudioError({
        family: 'flash',
        code: 'touch-failed',
        message: `Could not ask the board to start its bootloader: ${err.message}`,
        remedy: 'Start the bootloader by hand: hold BOOTSEL while plugging in a Pico, or double-tap reset on Arduino boards.',
        cause: e,
      });
    }
  }
  // The board needs a moment to re-enumerate as its bootloader.
  await sleep(clock, options.settleMs ?? 1500);
}
