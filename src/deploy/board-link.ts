/**
 * The Deploy step's connection to a board that runs the runtime firmware: opens the transport, does
 * the HELLO → INFO handshake with the framed protocol client, and notices when the link ends
 * (unplug, reboot after flashing). Also makes the simulated board that runs the runtime firmware
 * (framed protocol, model slot in memory; it runs what the slot holds). DOM-free module.
 */
import { StudioError, isStudioError } from '../core/errors.ts';
import { withReadable, type Transport } from '../device/transport.ts';
import { DeviceClient } from '../device/protocol/client.ts';
import type { InfoMsg } from '../device/protocol/messages.ts';
import { MemoryFlash } from '../device/protocol/model-slot.ts';
import { createSimulatedBoard, type SimulatedBoard } from '../device/sim-setup.ts';

export interface BoardLink {
  name: string;
  simulated: boolean;
  transport: Transport;
  client: DeviceClient;
  info: InfoMsg;
  sim?: SimulatedBoard;
  close(): Promise<void>;
}

/** Wraps a transport so `onEnd` runs once when its byte stream ends or fails. */
function watched(t: Transport, onEnd: (reason: 'closed' | 'unplugged') => void): Transport {
  let ended = false;
  const end = (r: 'closed' | 'unplugged') => {
    if (!ended) {
      ended = true;
      onEnd(r);
    }
  };
  return withReadable(t, () =>
    (async function* () {
      try {
        for await (const chunk of t.readable()) yield chunk;
        end('closed');
      } catch (e) {
        end('unplugged');
        throw e;
      }
    })(),
  );
}

export const NO_RUNTIME_REMEDY =
  'Build and upload the runtime firmware (firmware/ in the project) once with the Arduino IDE — see "Runtime firmware" below — then connect again. A plain data-forwarder sketch cannot receive models.';

/** Opens `transport` (115200 baud) and asks for INFO; throws `no-runtime` when the board does not answer. */
export async function openBoardLink(
  transport: Transport,
  opts: { name?: string; simulated?: boolean; sim?: SimulatedBoard; onEnd?: (reason: 'closed' | 'unplugged') => void },
): Promise<BoardLink> {
  const t = watched(transport, (r) => opts.onEnd?.(r));
  if (!t.isOpen()) await t.open({ baudRate: 115200 });
  const client = new DeviceClient(t, { helloTimeoutMs: 1500, commandTimeoutMs: 2000 });
  let info: InfoMsg;
  try {
    info = await client.connect();
  } catch (e) {
    await t.close().catch(() => undefined);
    if (isStudioError(e, 'timeout')) {
      throw new StudioError({ family: 'device', code: 'no-runtime', message: `${transport.info.name} does not answer the TinyML runtime protocol.`, remedy: NO_RUNTIME_REMEDY, cause: e });
    }
    throw e;
  }
  return {
    name: info.board || opts.name || transport.info.name,
    simulated: opts.simulated ?? false,
    transport: t,
    client,
    info,
    sim: opts.sim,
    close: async () => {
      await client.setInference(false).catch(() => undefined);
      await t.close().catch(() => undefined);
    },
  };
}

/** A simulated board running the runtime firmware with a model slot of `slotSize` bytes (it runs what the slot holds). */
export function createRuntimeSimBoard(slotSize = 0x80000, seed = 11): SimulatedBoard {
  return createSimulatedBoard({ mode: 'framed', flash: new MemoryFlash(slotSize), name: 'Simulated board (runtime firmware)', seed });
}
