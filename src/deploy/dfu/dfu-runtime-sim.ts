/**
 * A simulated board in USB DFU runtime mode (a running sketch with a DFU runtime interface): answers
 * DETACH, GETSTATUS and GETSTATE, then leaves the bus after a USB reset (or by itself when it
 * advertises bitWillDetach) so its bootloader can enumerate. DOM-free core module.
 */
import { SimUsbDevice } from '../usb/sim-usb-device.ts';
import type { SimIn, SimOut } from '../usb/sim-usb-device.ts';
import type { UsbControlTransferParameters } from '../usb/usb-device.ts';
import type { Clock } from '../../core/clock.ts';
import { unoR4Minima } from '../../device/boards/arduino-dfu.ts';
import { DFU_CLASS, DFU_PROTOCOL_RUNTIME, DFU_SUBCLASS, DfuRequest, DfuState, encodeFunctionalDescriptor, encodeStatusReport } from './dfu-protocol.ts';

export interface DfuRuntimeSimOptions {
  clock?: Clock;
  vendorId?: number;
  productId?: number;
  willDetach?: boolean;
  /** The board has detached: the test plugs in the bootloader device. */
  onDetach: () => void;
}

/** A running sketch exposing the DFU runtime interface (DETACH, GETSTATUS, GETSTATE). */
export class DfuRuntimeSim extends SimUsbDevice {
  private state: number = DfuState.appIDLE;
  private readonly willDetach: boolean;
  private readonly onDetach: () => void;

  constructor(options: DfuRuntimeSimOptions) {
    const willDetach = options.willDetach ?? false;
    super(
      {
        vendorId: options.vendorId ?? unoR4Minima.usb[0].vendorId,
        productId: options.productId ?? unoR4Minima.usb[0].productId,
        manufacturerName: 'Arduino',
        productName: 'UNO R4 Minima',
        serialNumber: '0123456789AB',
        interfaces: [
          {
            number: 0,
            alternates: [{
              setting: 0, interfaceClass: DFU_CLASS, interfaceSubclass: DFU_SUBCLASS, interfaceProtocol: DFU_PROTOCOL_RUNTIME, name: 'DFU-RT Port', endpoints: [],
              extra: encodeFunctionalDescriptor({ canDownload: true, canUpload: true, manifestationTolerant: false, willDetach, detachTimeoutMs: 500, transferSize: 1024, dfuVersion: 0x0110 }),
            }],
          },
        ],
      },
      options.clock,
    );
    this.willDetach = willDetach;
    this.onDetach = options.onDetach;
  }

  protected controlOut(setup: UsbControlTransferParameters): SimOut {
    if (setup.requestType === 'class' && setup.recipient === 'interface' && setup.request === DfuRequest.DETACH && this.state === DfuState.appIDLE) {
      this.state = DfuState.appDETACH;
      if (this.willDetach) queueMicrotask(() => this.leave());
      return 'ok';
    }
    return 'stall';
  }

  protected controlIn(setup: UsbControlTransferParameters): SimIn {
    if (setup.requestType !== 'class' || setup.recipient !== 'interface') return 'stall';
    if (setup.request === DfuRequest.GETSTATUS) return encodeStatusReport({ status: 0, pollTimeoutMs: 0, state: this.state, iString: 0 });
    if (setup.request === DfuRequest.GETSTATE) return Uint8Array.of(this.state);
    return 'stall';
  }

  protected bulkIn(): SimIn {
    return 'stall';
  }

  protected bulkOut(): SimOut {
    return 'stall';
  }

  protected override onBusReset(): void {
    if (this.state === DfuState.appDETACH) queueMicrotask(() => this.leave());
  }

  private leave(): void {
    if (this.disconnected) return;
    this.unplug();
    this.onDetach();
  }
}
