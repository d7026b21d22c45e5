/**
 * Test support: runs a virtual clock until a promise settles, so tests of streams and connections
 * never wait in real time.
 */
import type { VirtualClock } from '../../core/clock.ts';

/** Advances `clock` in `stepMs` steps until `p` settles (or `maxMs` of virtual time passed), then returns `p`. */
export async function drive<T>(clock: VirtualClock, p: Promise<T>, stepMs = 10, maxMs = 60_000): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let t = 0; !done && t < maxMs; t += stepMs) await clock.advance(stepMs);
  return p;
}
