/**
 * What each step of the deploy flow tables does (src/deploy/flows/tables.ts): the effects, written
 * against `DeployEnv`, the view store and the board connection. DOM-free core module.
 */
import { checkRuntimeFirmware } from './firmware-compat.ts';
import { sleep } from '../core/clock.ts';
import { StudioError, isCancelled } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import { crc32 } from '../core/crc.ts';
import { uploadModel } from '../device/protocol/model-upload.ts';
import { describePort, requestSerialPort, type PortChoice } from '../device/webserial/port-picker.ts';
import { WebSerialTransport } from '../device/webserial/webserial-transport.ts';
import { serialVendors, type BoardConnection } from './board-connection.ts';
import { deployFile } from './deploy-file.ts';
import { confirmModel, hex32, type DeployEnv, type DeployModel, type OpKind, type ViewStore } from './deploy-view.ts';
import { flashDfu } from './dfu/dfu-flasher.ts';
import { createEsptoolBackend, espWriteList, flashEsp32 } from './esp32.ts';
import { boardInfo, planFlash, planToUf2, type FlashBoardId, type FlashMethod } from './flash-plan.ts';
import type { Effect, FlowEvent } from './flows/flow.ts';
import type { DeployAction, DeployFlowId } from './flows/tables.ts';
import { flashPico } from './picoboot/pico-flasher.ts';
import { RUNTIME_IMAGE_NAME, loadRuntimeImage, type RuntimeImage } from './runtime-image.ts';
import { makeSlotPayload, type SlotPayload } from './slot-payload.ts';
import { requestUsbBoard, type UsbFlashMethod } from './usb/webusb.ts';
import type { UsbDevice } from './usb/usb-device.ts';

export const FLOW_OP: Record<DeployFlowId, OpKind> = { picoboot: 'usb', dfu: 'usb', uf2: 'usb', esp32: 'esp32', serial: 'serial', 'install-runtime': 'install' };

export interface StartInput {
  model: DeployModel;
  boardId: FlashBoardId;
  /** A full runtime firmware image the person picked (.bin), written with the model when needed. */
  runtime?: Uint8Array;
  /** install-runtime: over WebUSB (PICOBOOT) or as a .uf2 download. */
  route?: 'usb' | 'download';
}

export interface FlowCtx extends StartInput {
  flow: DeployFlowId;
  payload?: SlotPayload;
  sequence?: number;
  device?: UsbDevice;
  port?: PortChoice;
  file?: { name: string; bytes: Uint8Array };
  image?: RuntimeImage;
  result?: string;
}

/** The effects of every deploy flow step. */
export function deployEffects(env: DeployEnv, store: ViewStore, conn: BoardConnection): Record<DeployAction, Effect<FlowCtx>> {
  const set = store.set.bind(store);
  const progress = (kind: OpKind) => (p: Progress) => set({ op: { kind, stage: p.stage, fraction: p.fraction ?? store.view.op?.fraction, detail: p.detail } });

  /** The slot payload and the next deployment number; remembers what the board should report. */
  const prepareModel = async (ctx: FlowCtx): Promise<SlotPayload> => {
    const payload = (ctx.payload ??= makeSlotPayload({ int8Tflite: ctx.model.int8Tflite, impulse: ctx.model.impulse, normalization: ctx.model.impulse.normalization ?? null }));
    ctx.sequence = await env.nextSequence(store.view.linkInfo?.model.sequence ?? 0);
    set({ expected: { sequence: ctx.sequence, crc32: crc32(payload.bytes), length: payload.bytes.length }, confirmation: null });
    return payload;
  };

  /** After DFU DETACH the bootloader is a new USB device: an already granted one, else ask. */
  const findUsbAgain = async (method: UsbFlashMethod, signal: AbortSignal): Promise<UsbDevice> => {
    const u = env.usb();
    for (let i = 0; i < 20 && !signal.aborted; i++) {
      const d = ((await u?.getDevices()) ?? []).find((x) => !x.opened);
      if (d) return d;
      await sleep(env.clock, 250);
    }
    const d = await requestUsbBoard(u, { methods: [method], platform: env.platform() });
    if (!d) throw new StudioError({ family: 'flash', code: 'cancelled', message: 'No bootloader device was chosen.' });
    return d;
  };

  const ok: FlowEvent = { type: 'ok' };
  const usbMethodOf = (ctx: FlowCtx): UsbFlashMethod => {
    if (ctx.flow === 'install-runtime') return 'picoboot';
    const m = boardInfo(ctx.boardId).methods.find((x: FlashMethod) => x === 'picoboot' || x === 'dfu' || x === 'dfuse');
    if (!m) throw new StudioError({ family: 'flash', code: 'unsupported-method', message: `${boardInfo(ctx.boardId).name} cannot be flashed over USB.`, remedy: 'Use the serial upload.' });
    return m as UsbFlashMethod;
  };
  return {
    requestUsb: async (ctx) => {
      // The board restarts into its bootloader and again after flashing: if the manager still holds
      // its serial port, that end is a reset, not an unplug.
      const holdsBoard = !!env.connection.currentTransport && !env.connection.sim;
      if (holdsBoard) env.connection.expectReset();
      const d = await requestUsbBoard(env.usb(), { methods: [usbMethodOf(ctx)], platform: env.platform() }).catch((e: unknown) => {
        if (holdsBoard) env.connection.expectReset(false);
        throw e;
      });
      if (!d) {
        if (holdsBoard) env.connection.expectReset(false);
        return { type: 'none' };
      }
      ctx.device = d;
      return ok;
    },
    flashPicoboot: async (ctx, signal) => {
      const payload = await prepareModel(ctx);
      const plan = planFlash({ board: ctx.boardId, method: 'picoboot', model: { payload, sequence: ctx.sequence! }, runtime: ctx.runtime });
      const res = await flashPico(ctx.device!, { regions: plan.slotRegions, runtime: plan.runtime }, { onProgress: progress('usb'), signal, platform: env.platform(), clock: env.clock });
      set({ done: `Flashed ${res.bytesWritten.toLocaleString()} bytes (${res.wroteRuntime ? 'runtime firmware and model' : 'model slot only'}) into the ${res.chip.toUpperCase()}, verified, rebooted. Model sequence ${ctx.sequence}.` });
      return ok;
    },
    flashDfu: async (ctx, signal) => {
      const method = usbMethodOf(ctx);
      const payload = await prepareModel(ctx);
      const plan = planFlash({ board: ctx.boardId, method, model: { payload, sequence: ctx.sequence! }, runtime: ctx.runtime });
      const res = await flashDfu(ctx.device!, { regions: plan.regions }, { onProgress: progress('usb'), signal, platform: env.platform(), clock: env.clock, reconnect: () => findUsbAgain(method, signal) });
      set({ done: `Flashed ${res.bytesWritten.toLocaleString()} bytes over ${res.dfuse ? 'DfuSe' : 'DFU'}${res.verified ? ', verified' : ''}. Model sequence ${ctx.sequence}.` });
      return ok;
    },
    requestEspPort: async (ctx) => {
      // esptool needs the port to itself: the manager releases it; the board's own port is used as is.
      const released = await conn.releasePort();
      const vendors = serialVendors(ctx.boardId);
      if (released instanceof WebSerialTransport && (!vendors || vendors.has(released.info.usbVendorId ?? -1))) {
        ctx.port = describePort(released.port);
        return ok;
      }
      try {
        ctx.port = await requestSerialPort(env.serial(), { anyPort: true });
      } catch (e) {
        if (isCancelled(e)) return { type: 'none' };
        throw e;
      }
      return ok;
    },
    flashEsp: async (ctx, signal) => {
      const payload = await prepareModel(ctx);
      const plan = planFlash({ board: ctx.boardId, method: 'esptool', model: { payload, sequence: ctx.sequence! }, runtime: ctx.runtime, firmwarePresent: !ctx.runtime });
      const backend = await createEsptoolBackend(ctx.port!.port);
      const res = await flashEsp32(backend, espWriteList(plan), { signal, onProgress: progress('esp32') });
      set({ done: `Wrote ${res.bytesWritten.toLocaleString()} bytes to ${res.chip || 'the ESP32'}. Model sequence ${ctx.sequence}.` });
      return ok;
    },
    buildUf2: async (ctx) => {
      const payload = await prepareModel(ctx);
      const model = { payload, sequence: ctx.sequence! };
      ctx.file = ctx.runtime
        ? { name: `model-${ctx.boardId}.uf2`, bytes: planToUf2(planFlash({ board: ctx.boardId, method: 'uf2', model, runtime: ctx.runtime })) }
        : deployFile(ctx.boardId, payload, ctx.sequence!, 'uf2');
      return ok;
    },
    saveFile: async (ctx) => {
      env.save(ctx.file!.name, ctx.file!.bytes);
      return ok;
    },
    waitForBoard: async (ctx, signal) => ((await conn.waitForBoard(ctx.boardId, signal)) ? ok : { type: 'not-found' }),
    prepareUpload: async () => {
      // Nothing connected, or a CSV sketch: the manager says which (`no-runtime`, with the remedy).
      if (!store.view.link) await conn.client();
      if (store.view.inferring) await (await conn.client()).setInference(false);
      set({ inferring: false });
      return ok;
    },
    upload: async (ctx, signal) => {
      if (!store.view.link) throw new StudioError({ family: 'device', code: 'no-link', message: 'The board is not connected.', remedy: 'Connect the board (serial) and upload again.' });
      if (store.view.inferring) await (await conn.client()).setInference(false).catch(() => undefined);
      set({ inferring: false });
      const payload = await prepareModel(ctx);
      const kind = FLOW_OP[ctx.flow];
      // The board refuses uploads while it streams: the manager pauses the Device step's stream meanwhile.
      const res = await env.connection.withStreamPaused(async (client) => {
        // A runtime older than the impulse's DSP would keep the model unloaded: say so before sending it.
        checkRuntimeFirmware(ctx.model.impulse, (await client.getInfo()).firmwareVersion);
        return uploadModel(client, payload, { sequence: ctx.sequence!, signal, onProgress: progress(kind) });
      });
      const before = store.view.done && ctx.flow === 'install-runtime' ? `${store.view.done} ` : '';
      set({
        done: `${before}Uploaded ${res.length.toLocaleString()} bytes over serial${res.resumedFrom ? ` (resumed at ${res.resumedFrom})` : ''}${res.retries ? `, ${res.retries} retries` : ''}; the board verified CRC ${hex32(res.crc32)}. Model sequence ${ctx.sequence}.`,
      });
      return ok;
    },
    confirm: async () => {
      if (!store.view.link) return { type: 'mismatch' };
      const info = await (await conn.client()).getInfo();
      const confirmation = confirmModel(store.view.expected, info);
      set({ linkInfo: info, confirmation });
      return { type: confirmation?.ok ? 'ok' : 'mismatch' };
    },
    startInference: async () => {
      if (conn.labels.length) await conn.setInference(true);
      return ok;
    },
    fetchRuntime: async (ctx) => {
      const img = await loadRuntimeImage((p) => env.fetchBytes(p), boardInfo(ctx.boardId));
      ctx.image = img;
      set({ runtimeImage: { version: img.record.firmwareVersion, bytes: img.bytes } });
      return { type: ctx.route ?? 'usb' };
    },
    flashRuntime: async (ctx, signal) => {
      const res = await flashPico(ctx.device!, { regions: ctx.image!.regions }, { onProgress: progress('install'), signal, platform: env.platform(), clock: env.clock });
      set({ done: `Installed the runtime firmware ${ctx.image!.record.firmwareVersion} (${res.bytesWritten.toLocaleString()} bytes, verified) into the ${res.chip.toUpperCase()}.` });
      return ok;
    },
    saveRuntime: async (ctx) => {
      env.save(RUNTIME_IMAGE_NAME, ctx.image!.uf2);
      return ok;
    },
  };
}
