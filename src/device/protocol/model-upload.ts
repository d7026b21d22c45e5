/**
 * Serial model upload (host side): MODEL_BEGIN / MODEL_DATA / MODEL_END with acknowledgements,
 * retries, timeouts and resume. DOM-free core module.
 *
 * The board answers MODEL_BEGIN with the offset to continue from: 0 for a new upload, more when the same
 * model (length, CRC, sequence, arena) was partly received before — also across a reset, because the
 * firmware keeps progress marks in flash. MODEL_DATA is idempotent (a repeated chunk is acknowledged
 * again), so a timed-out chunk is simply sent again. The board verifies the CRC over flash before it
 * writes the slot header; only then is the model active.
 */
import { StudioError, isStudioError } from '../../core/errors.ts';
import { throttleProgress, type OpOptions } from '../../core/progress.ts';
import { NackError, type DeviceClient } from './client.ts';
import { crc32 } from '../../core/crc.ts';
import { ModelState, MsgType, NackCode } from './ids.ts';
import { SLOT } from '../../core/slot-layout.ts';
import { encodeModelBegin, encodeModelData } from './messages.ts';
import type { SlotPayload } from './model-slot.ts';

export interface ModelUploadOptions extends OpOptions {
  /** Model sequence number the board reports afterwards (e.g. a deploy counter). */
  sequence: number;
  /** Tensor arena the model needs, bytes. */
  arenaSize: number;
  /** Bytes per MODEL_DATA (1..512, default 512). */
  chunkSize?: number;
  /** Attempts per message before giving up (default 5). */
  retries?: number;
  /** Wait per acknowledgement (default: the client's command timeout). */
  timeoutMs?: number;
  /** Wait for MODEL_END, which includes the flash verify (default 5000 ms). */
  endTimeoutMs?: number;
}

export interface ModelUploadResult {
  crc32: number;
  sequence: number;
  length: number;
  /** Offset the board resumed from (0 for a fresh upload). */
  resumedFrom: number;
  /** Messages that had to be sent again. */
  retries: number;
}

function cancelled(): StudioError {
  return new StudioError({ family: 'flash', code: 'cancelled', message: 'The model upload was cancelled.', remedy: 'Start the upload again; it continues where it stopped.' });
}

/**
 * Uploads a slot payload (model + impulse descriptor, src/deploy/slot-payload.ts `makeSlotPayload`):
 * what the app and every deploy flow send. The slot header's arena size comes from the payload.
 */
export function uploadModel(client: DeviceClient, payload: SlotPayload, opts: Omit<ModelUploadOptions, 'arenaSize'>): Promise<ModelUploadResult> {
  return uploadSlotBytes(client, payload.bytes, { ...opts, arenaSize: payload.arenaSize });
}

/**
 * The protocol primitive: uploads any bytes as the slot payload. Deploy code uses `uploadModel`; this
 * form is for protocol tests (resume, NACKs, hostile sizes) that need arbitrary bytes.
 */
export async function uploadSlotBytes(client: DeviceClient, model: Uint8Array, opts: ModelUploadOptions): Promise<ModelUploadResult> {
  const chunk = Math.max(1, Math.min(SLOT.MAX_CHUNK, opts.chunkSize ?? SLOT.MAX_CHUNK));
  const maxTries = Math.max(1, opts.retries ?? 5);
  const timeout = opts.timeoutMs ?? client.commandTimeoutMs;
  const progress = throttleProgress(opts.onProgress);
  const crc = crc32(model);
  const length = model.length;
  let retries = 0;
  if (length === 0) throw new StudioError({ family: 'model', code: 'empty-model', message: 'The model is empty.', remedy: 'Export the model again.' });

  const check = () => {
    if (opts.signal?.aborted) throw cancelled();
  };

  /** Sends with retries on timeout; NACKs and other errors go to the caller. */
  const send = async (type: number, payload: Uint8Array, ms = timeout): Promise<number> => {
    for (let attempt = 1; ; attempt++) {
      check();
      try {
        return (await client.command(type, payload, ms)).value;
      } catch (e) {
        if (!isStudioError(e, 'timeout') || attempt >= maxTries) throw e;
        retries++;
      }
    }
  };

  const begin = async (): Promise<number> => {
    try {
      return await send(MsgType.MODEL_BEGIN, encodeModelBegin({ length, crc32: crc, sequence: opts.sequence, arenaSize: opts.arenaSize }));
    } catch (e) {
      if (e instanceof NackError && e.nackCode === NackCode.TOO_LARGE) {
        throw new StudioError({
          family: 'flash', code: 'model-too-large', cause: e,
          message: `The model (${length} bytes, arena ${opts.arenaSize} bytes) does not fit the board (room for ${e.nackValue} bytes).`,
          remedy: 'Make the model smaller (fewer or narrower layers) or choose a board with more memory.',
        });
      }
      if (e instanceof NackError && e.nackCode === NackCode.BUSY) {
        throw new StudioError({ family: 'flash', code: 'device-busy', cause: e, message: 'The board is streaming or classifying.', remedy: 'Stop the live view, then upload again.' });
      }
      throw e;
    }
  };

  progress({ stage: 'upload', fraction: 0, detail: 'starting' });
  const resumedFrom = await begin();
  let offset = resumedFrom;
  let restarts = 0;
  for (;;) {
    while (offset < length) {
      check();
      const n = Math.min(chunk, length - offset);
      try {
        offset = await send(MsgType.MODEL_DATA, encodeModelData({ offset, data: model.subarray(offset, offset + n) }));
      } catch (e) {
        if (e instanceof NackError && e.nackCode === NackCode.OUT_OF_ORDER) {
          offset = e.nackValue;
          retries++;
        } else if (e instanceof NackError && e.nackCode === NackCode.BAD_STATE && restarts++ < 3) {
          // The board was reset under us without the link dropping: BEGIN again (it resumes).
          offset = await begin();
          retries++;
        } else {
          throw e;
        }
      }
      progress({ stage: 'upload', fraction: Math.min(0.99, offset / length), detail: `${offset} / ${length} bytes` });
    }
    check();
    try {
      const got = await send(MsgType.MODEL_END, new Uint8Array(0), opts.endTimeoutMs ?? 5000);
      if (got !== crc) throw new StudioError({ family: 'flash', code: 'model-crc', message: 'The board confirmed a different model checksum.', remedy: 'Upload the model again.' });
      break;
    } catch (e) {
      if (e instanceof NackError && e.nackCode === NackCode.INCOMPLETE) {
        offset = e.nackValue;
        retries++;
        continue;
      }
      if (e instanceof NackError && e.nackCode === NackCode.BAD_STATE) {
        // A repeated MODEL_END after a lost ACK: the first one may already have committed the model.
        let st = null;
        for (let attempt = 1; !st; attempt++) {
          try {
            st = await client.modelStatus(timeout);
          } catch (q) {
            if (!isStudioError(q, 'timeout') || attempt >= maxTries) throw q;
            retries++;
          }
        }
        if (st.state === ModelState.VALID && st.crc32 === crc && st.length === length && st.sequence === opts.sequence) break;
      }
      if (e instanceof NackError && e.nackCode === NackCode.CRC_MISMATCH) {
        throw new StudioError({
          family: 'flash', code: 'model-crc', cause: e,
          message: 'The model arrived damaged: its checksum in flash does not match, so the board kept no model.',
          remedy: 'Upload again; if it fails twice, the board\'s flash may be worn or the firmware too old.',
        });
      }
      throw e;
    }
  }
  progress({ stage: 'upload', fraction: 1, detail: 'verified' });
  return { crc32: crc, sequence: opts.sequence, length, resumedFrom, retries };
}
