/**
 * Finds out what a freshly opened board speaks: the framed protocol of our runtime firmware, or plain
 * CSV lines from any sketch. DOM-free core module.
 *
 * Sends HELLO and watches the incoming bytes: a valid INFO frame means "framed" (immediately); readable
 * CSV lines without any valid frame mean "csv". Nothing at all: HELLO once more (boards that reset
 * on open need a moment), then "silent". The bytes read while deciding are not lost: the result carries
 * a transport that replays them and then continues the same stream.
 */
import type { StudioError } from '../core/errors.ts';
import { throwIfAborted } from '../core/errors.ts';
import { FrameDecoder, encodeFrame } from './protocol/frame.ts';
import { MsgType, PROTOCOL_VERSION } from './protocol/ids.ts';
import { decodeInfo, encodeHello, type InfoMsg } from './protocol/messages.ts';
import { CsvLineParser, diagnoseCsv, type CsvStats } from './serial/csv-line-parser.ts';
import type { SerialOpenOptions, Transport } from './transport.ts';

export interface ModeDetection {
  mode: 'framed' | 'csv' | 'silent';
  /** INFO of the runtime firmware (framed mode). */
  info?: InfoMsg;
  /** Line statistics of what arrived (csv mode / silent). */
  csvStats?: CsvStats;
  /** Wrong baud rate, text instead of numbers… (csv mode), else null. */
  diagnosis?: StudioError | null;
  /** Read from this from now on: it replays the bytes consumed during detection. */
  transport: Transport;
}

export interface DetectModeOptions {
  /** Wait for INFO after each HELLO (default 700 ms). */
  helloTimeoutMs?: number;
  /** CSV lines needed to decide "csv" (default 3). */
  minCsvLines?: number;
  signal?: AbortSignal;
}

/** Wraps a transport whose stream was partly consumed: replays `buffered`, then continues `it`. */
class ReplayTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private buffered: Uint8Array[],
    private readonly it: AsyncIterator<Uint8Array>,
    private pendingNext: Promise<IteratorResult<Uint8Array>> | null,
  ) {}
  get info() { return this.inner.info; }
  open(o: SerialOpenOptions): Promise<void> { return this.inner.open(o); }
  close(): Promise<void> { return this.inner.close(); }
  isOpen(): boolean { return this.inner.isOpen(); }
  write(d: Uint8Array): Promise<void> { return this.inner.write(d); }
  get setSignals() { return this.inner.setSignals?.bind(this.inner); }
  async *readable(): AsyncIterable<Uint8Array> {
    const b = this.buffered;
    this.buffered = [];
    for (const c of b) yield c;
    for (;;) {
      const p = this.pendingNext ?? this.it.next();
      this.pendingNext = null;
      const r = await p;
      if (r.done) return;
      yield r.value;
    }
  }
}

export async function detectMode(transport: Transport, opts: DetectModeOptions = {}): Promise<ModeDetection> {
  const helloMs = opts.helloTimeoutMs ?? 700;
  const minLines = opts.minCsvLines ?? 3;
  const it = transport.readable()[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  const frames = new FrameDecoder();
  const csv = new CsvLineParser();
  let pendingNext: Promise<IteratorResult<Uint8Array>> | null = null;
  let ended = false;
  const done = (r: Omit<ModeDetection, 'transport'>): ModeDetection => ({ ...r, transport: new ReplayTransport(transport, buffered, it, pendingNext) });

  for (let attempt = 0; attempt < 2; attempt++) {
    throwIfAborted(opts.signal, 'device');
    await transport.write(encodeFrame(MsgType.HELLO, 0xf0 + attempt, encodeHello({ protocolVersion: PROTOCOL_VERSION })));
    const deadline = Date.now() + helloMs;
    while (!ended) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      pendingNext ??= it.next();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const r = await Promise.race([pendingNext, new Promise<null>((res) => (timer = setTimeout(() => res(null), left)))]);
      clearTimeout(timer);
      if (r === null) break;
      pendingNext = null;
      if (r.done) { ended = true; break; }
      buffered.push(r.value);
      for (const f of frames.push(r.value).frames) {
        if (f.type === MsgType.INFO) {
          try {
            return done({ mode: 'framed', info: decodeInfo(f.payload) });
          } catch { /* malformed INFO: keep looking */ }
        }
      }
      csv.push(r.value, Date.now());
    }
    if (frames.stats.frames === 0 && csv.stats.lines >= minLines) {
      return done({ mode: 'csv', csvStats: { ...csv.stats }, diagnosis: diagnoseCsv(csv.stats) });
    }
    if (ended) break;
  }
  const mode = csv.stats.lines > 0 && frames.stats.frames === 0 ? 'csv' : 'silent';
  return done({ mode, csvStats: { ...csv.stats }, diagnosis: diagnoseCsv(csv.stats) });
}
