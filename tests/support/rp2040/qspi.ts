/**
 * The RP2040's flash path in rp2040js, made real: an SSI peripheral with receive FIFO, standard
 * SPI transfers and the enhanced (quad) EEPROM read that boot stage 2 issues, driving a `NorFlash`;
 * IO_QSPI with the chip-select output override (what the boot ROM and pico-sdk's flash_do_cmd
 * use); XIP_CTRL registers (cache flush). DOM-free and Node-free.
 *
 * Chip select: with SS's OUTOVER = 2 (low) the chip is selected, 3 (high) deselected; with 0 the
 * SSI drives it: selected from the first DR write until the FIFO has drained, which software sees
 * by polling SR (the emulated SSI shifts instantly, so the first SR read ends the transfer) or by
 * disabling the SSI.
 */
import { BasePeripheral, type RP2040 } from 'rp2040js';
import type { NorFlash } from './nor-flash.ts';

const CTRLR0 = 0x00, CTRLR1 = 0x04, SSIENR = 0x08, SER = 0x10, BAUDR = 0x14, TXFLR = 0x20, RXFLR = 0x24;
const SR = 0x28, IDR = 0x58, VERSION_ID = 0x5c, DR0 = 0x60, RX_SAMPLE_DLY = 0xf0, SPI_CTRLR0 = 0xf4;
const SR_TFNF = 0x2, SR_TFE = 0x4, SR_RFNE = 0x8;
const FIFO_DEPTH = 16;

export class EmulatedSsi extends BasePeripheral {
  private regs = new Map<number, number>();
  private rx: number[] = [];
  private autoSelected = false;
  private enhanced: number[] = [];
  /** Set by IO_QSPI: 0 SSI drives CS, 2 forced low (selected), 3 forced high. */
  csOverride = 0;
  rxOverflows = 0;

  constructor(rp2040: RP2040, private readonly nor: NorFlash) {
    super(rp2040, 'SSI');
  }

  private reg(o: number): number {
    return this.regs.get(o) ?? 0;
  }

  private get enabled(): boolean {
    return (this.reg(SSIENR) & 1) !== 0;
  }

  private endAuto(): void {
    if (this.autoSelected) {
      this.autoSelected = false;
      if (this.csOverride === 0) this.nor.deselect();
    }
    this.enhanced = [];
  }

  /** IO_QSPI changed SS's output override. */
  setCsOverride(v: number): void {
    if (v === this.csOverride) return;
    this.endAuto();
    this.csOverride = v;
    if (v === 2) this.nor.select();
    else this.nor.deselect();
  }

  private push(v: number): void {
    if (this.rx.length >= FIFO_DEPTH) {
      this.rxOverflows++;
      return;
    }
    this.rx.push(v >>> 0);
  }

  override readUint32(offset: number): number {
    switch (offset) {
      case SR:
        this.endAuto();
        return SR_TFNF | SR_TFE | (this.rx.length ? SR_RFNE : 0);
      case TXFLR: return 0;
      case RXFLR: return this.rx.length;
      case DR0: return this.rx.shift() ?? 0;
      case IDR: return 0x51535049;
      case VERSION_ID: return 0x3430312a;
      default: return this.reg(offset);
    }
  }

  override writeUint32(offset: number, value: number): void {
    switch (offset) {
      case SSIENR:
        if (!(value & 1)) {
          this.endAuto();
          this.rx = [];
        }
        this.regs.set(offset, value & 1);
        return;
      case DR0:
        if (this.enabled) this.dataWrite(value >>> 0);
        return;
      case RX_SAMPLE_DLY:
        this.regs.set(offset, value & 0xff);
        return;
      case CTRLR0: case CTRLR1: case SER: case BAUDR: case SPI_CTRLR0:
      default:
        this.regs.set(offset, value >>> 0);
    }
  }

  private dataWrite(value: number): void {
    const ctrl = this.reg(CTRLR0);
    const frf = (ctrl >>> 21) & 3;
    const tmod = (ctrl >>> 8) & 3;
    const frameBits = ((ctrl >>> 16) & 31) + 1;
    if (this.csOverride === 0 && !this.autoSelected) {
      if (!(this.reg(SER) & 1)) return;
      this.autoSelected = true;
      this.nor.select();
    }
    if (frf === 0 && tmod !== 3) {
      // Standard SPI, transmit and receive: frame shifted MSB first.
      const nBytes = Math.max(1, frameBits >> 3);
      let inWord = 0;
      for (let b = nBytes - 1; b >= 0; b--) inWord = (inWord << 8) | this.nor.transfer((value >>> (8 * b)) & 0xff);
      if (tmod !== 1) this.push(inWord);
      return;
    }
    // EEPROM read (instruction + address from the FIFO, then NDF + 1 frames in), standard or enhanced.
    const spi = this.reg(SPI_CTRLR0);
    const instBits = [0, 4, 8, 16][(spi >>> 8) & 3];
    const addrBits = ((spi >>> 2) & 0xf) * 4;
    this.enhanced.push(value);
    const need = (instBits ? 1 : 0) + (frf !== 0 && addrBits ? 1 : 0);
    if (frf === 0) {
      // Standard-mode EEPROM read: every written frame goes out as is, then data comes in.
      const nBytes = Math.max(1, frameBits >> 3);
      for (let b = nBytes - 1; b >= 0; b--) this.nor.transfer((value >>> (8 * b)) & 0xff);
      this.readFrames(frameBits, () => this.nor.transfer(0));
      this.enhanced = [];
      return;
    }
    if (this.enhanced.length < need) return;
    const cmd = instBits ? this.enhanced[0] & 0xff : -1;
    const addr = addrBits ? this.enhanced[need - 1] : 0;
    this.enhanced = [];
    const frames = (this.reg(CTRLR1) & 0xffff) + 1;
    const nBytes = Math.max(1, frameBits >> 3);
    const data = this.nor.quadRead(cmd, addr, frames * nBytes);
    let k = 0;
    this.readFrames(frameBits, () => data[k++], frames);
  }

  private readFrames(frameBits: number, next: () => number, frames = (this.reg(CTRLR1) & 0xffff) + 1): void {
    const nBytes = Math.max(1, frameBits >> 3);
    for (let f = 0; f < frames; f++) {
      let w = 0;
      for (let b = 0; b < nBytes; b++) w = (w << 8) | next();
      this.push(w);
    }
  }
}

/** IO_QSPI: six pins (SCLK, SS, SD0..SD3), STATUS at 8n, CTRL at 8n + 4. */
export class EmulatedIoQspi extends BasePeripheral {
  private ctrl = new Uint32Array(6);

  constructor(rp2040: RP2040, private readonly ssi: EmulatedSsi) {
    super(rp2040, 'IO_QSPI');
  }

  override readUint32(offset: number): number {
    if (offset < 0x30) {
      const pin = offset >> 3;
      if (offset & 4) return this.ctrl[pin];
      return 0;
    }
    return 0;
  }

  override writeUint32(offset: number, value: number): void {
    if (offset < 0x30 && offset & 4) {
      const pin = offset >> 3;
      this.ctrl[pin] = value >>> 0;
      if (pin === 1) this.ssi.setCsOverride((value >>> 8) & 3);
    }
  }
}

/** XIP_CTRL: CTRL, FLUSH, STAT (flush always done, FIFO empty), counters. */
export class EmulatedXipCtrl extends BasePeripheral {
  private ctrl = 3;
  flushes = 0;

  constructor(rp2040: RP2040) {
    super(rp2040, 'XIP_CTRL');
  }

  override readUint32(offset: number): number {
    switch (offset) {
      case 0x00: return this.ctrl;
      case 0x08: return 0x3;
      default: return 0;
    }
  }

  override writeUint32(offset: number, value: number): void {
    if (offset === 0x00) this.ctrl = value & 0xf;
    else if (offset === 0x04) this.flushes++;
  }
}
