/**
 * Runs a worker module inside the test's own process and reaches it through comlink, as the page
 * reaches the real worker: the module's global `addEventListener` / `removeEventListener` /
 * `postMessage` become one end of a MessageChannel, the returned proxy holds the other.
 *
 * The globals are stubbed, so a test file that calls `workerInProcess` must run isolated: the check in
 * vitest.config.ts (`needsIsolation`) looks for this function's name.
 */
import * as Comlink from 'comlink';
import { vi } from 'vitest';

export interface InProcessWorker<T> {
  api: Comlink.Remote<T>;
  /** Closes both ends and puts the globals back. */
  close(): void;
}

export async function workerInProcess<T>(load: () => Promise<unknown>): Promise<InProcessWorker<T>> {
  const { port1, port2 } = new MessageChannel();
  vi.stubGlobal('addEventListener', port1.addEventListener.bind(port1));
  vi.stubGlobal('removeEventListener', port1.removeEventListener.bind(port1));
  vi.stubGlobal('postMessage', port1.postMessage.bind(port1));
  port1.start();
  await load();
  return {
    api: Comlink.wrap<T>(port2 as unknown as Comlink.Endpoint),
    close() {
      port1.close();
      port2.close();
      vi.unstubAllGlobals();
    },
  };
}
