/**
 * The TypeScript device core under a failing flash, as the C++ core (firmware/host/fuzz_main.cpp
 * scenario begin-flash-fault): a MODEL_BEGIN whose erase or program fails is refused with
 * NACK(FLASH_ERROR), and the slot no longer claims VALID once its records' sector may be erased.
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../core/crc.ts';
import { StudioError } from '../../core/errors.ts';
import { FrameDecoder, encodeFrame } from './frame.ts';
import { ModelState, MsgType, NackCode } from './ids.ts';
import { decodeModelStatus, decodeNack, encodeModelBegin, encodeModelData } from './messages.ts';
import { MemoryFlash, readSlot } from './model-slot.ts';
import { createTwinCore } from './test-support/host-twin.ts';
import { concat, prng, randomBytes } from './test-support/prng.ts';

/** A NOR flash whose next erase or program fails (a StudioError of family 'flash', like a board's driver). */
class FaultyFlash extends MemoryFlash {
  failErase = false;
  failProgram = false;
  override erase(addr: number, length: number): void {
    if (this.failErase) throw new StudioError({ family: 'flash', code: 'usb-error', message: 'erase failed' });
    super.erase(addr, length);
  }
  override program(addr: number, data: Uint8Array): void {
    if (this.failProgram) throw new StudioError({ family: 'flash', code: 'usb-error', message: 'program failed' });
    super.program(addr, data);
  }
}

function commit(flash: MemoryFlash, model: Uint8Array): void {
  const frames = [encodeFrame(MsgType.MODEL_BEGIN, 1, encodeModelBegin({ length: model.length, crc32: crc32(model), sequence: 4, arenaSize: 100 }))];
  for (let o = 0, i = 2; o < model.length; o += 512, i++) frames.push(encodeFrame(MsgType.MODEL_DATA, i, encodeModelData({ offset: o, data: model.subarray(o, o + 512) })));
  frames.push(encodeFrame(MsgType.MODEL_END, 99));
  createTwinCore(flash, () => undefined).receive(concat(frames));
  expect(readSlot(flash).valid).toBe(true);
}

describe('device core with a failing flash', () => {
  for (const fault of ['erase', 'program'] as const) {
    it(`a MODEL_BEGIN whose ${fault} fails is NACKed FLASH_ERROR and leaves the slot not VALID`, () => {
      const flash = new FaultyFlash(64 * 1024, 4096, 256);
      commit(flash, randomBytes(prng(3), 2000));
      const out: Uint8Array[] = [];
      const core = createTwinCore(flash, (b) => out.push(b)); // power-up: the committed model is VALID
      expect(core.state.modelState).toBe(ModelState.VALID);
      if (fault === 'erase') flash.failErase = true;
      else flash.failProgram = true;
      core.receive(encodeFrame(MsgType.MODEL_BEGIN, 7, encodeModelBegin({ length: 3000, crc32: 0x12345678, sequence: 5, arenaSize: 100 })));
      flash.failErase = flash.failProgram = false;
      core.receive(encodeFrame(MsgType.MODEL_QUERY, 8));
      const frames = new FrameDecoder().push(concat(out)).frames;
      const log = frames.filter((f) => f.type !== MsgType.LOG);
      expect(log.map((f) => f.type)).toEqual([MsgType.NACK, MsgType.MODEL_STATUS]);
      expect(decodeNack(log[0].payload)).toMatchObject({ ackType: MsgType.MODEL_BEGIN, ackSeq: 7, code: NackCode.FLASH_ERROR });
      expect(decodeModelStatus(log[1].payload).state).toBe(ModelState.EMPTY);
      expect(core.state.modelState).toBe(ModelState.EMPTY);
    });
  }
});
