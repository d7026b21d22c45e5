/**
 * A serial NOR flash chip (Winbond W25Q-like) behind the RP2040's QSPI pins, working on the
 * emulator's flash array. Commands arrive byte by byte between chip-select edges, as on the wire.
 * DOM-free and Node-free.
 *
 * Modelled: write-enable latch (06/04), status registers 1/2 (05, 35, 01, 31), READ (03), FAST READ
 * (0B), page program (02: ANDs bits into the page, address wraps inside the 256-byte page), sector /
 * block / chip erase (20, 52, D8, C7/60: only with WEL set, to 0xFF), busy (WIP) for a modelled time
 * in emulated nanoseconds during which every command but READ STATUS is ignored, JEDEC ID (9F),
 * unique ID (4B), reset (66/99), and the quad I/O continuous-read mode that boot stage 2 enters
 * (EB with mode bits 0b10xx), left by clocking 0xFF.
 */

export interface NorTiming {
  pageProgramUs: number;
  sectorEraseUs: number;
  block32EraseUs: number;
  block64EraseUs: number;
  chipEraseUs: number;
  writeStatusUs: number;
}

/** Typical figures from W25Q16JV-class datasheets (the maxima are several times longer). */
export const W25Q_TYPICAL: NorTiming = {
  pageProgramUs: 400,
  sectorEraseUs: 45_000,
  block32EraseUs: 120_000,
  block64EraseUs: 150_000,
  chipEraseUs: 5_000_000,
  writeStatusUs: 10_000,
};

export interface NorStats {
  sectorErases: number;
  blockErases: number;
  pagePrograms: number;
  /** Commands the chip ignored: while busy, without WEL, cut short, or unknown. */
  ignored: number;
  /** Transactions that started while the chip was still in continuous-read mode (not 0xFF). */
  continuousModeConfusions: number;
}

const PAGE = 256;

export class NorFlash {
  sr1 = 0;
  sr2 = 0;
  continuousRead = false;
  busyUntilNs = 0;
  readonly stats: NorStats = { sectorErases: 0, blockErases: 0, pagePrograms: 0, ignored: 0, continuousModeConfusions: 0 };
  private selected = false;
  private bytes: number[] = [];
  private ignoreTransaction = false;
  private readonly pageBuf = new Uint8Array(PAGE);
  private pageWritten = new Uint8Array(PAGE);
  private pageCount = 0;

  constructor(
    private readonly array: () => Uint8Array,
    private readonly nowNs: () => number,
    readonly timing: NorTiming = W25Q_TYPICAL,
    readonly jedecId: [number, number, number] = [0xef, 0x40, 0x18],
    readonly uniqueId: Uint8Array = Uint8Array.of(0xe6, 0x60, 0x58, 0x38, 0x83, 0x4e, 0x23, 0x2b),
  ) {}

  get busy(): boolean {
    return this.nowNs() < this.busyUntilNs;
  }

  get isSelected(): boolean {
    return this.selected;
  }

  private get status1(): number {
    return (this.sr1 & ~1) | (this.busy ? 1 : 0);
  }

  select(): void {
    if (this.selected) return;
    this.selected = true;
    this.bytes = [];
    this.ignoreTransaction = false;
    this.pageCount = 0;
    this.pageWritten.fill(0);
  }

  deselect(): void {
    if (!this.selected) return;
    this.selected = false;
    if (this.ignoreTransaction || this.bytes.length === 0) return;
    const cmd = this.bytes[0];
    const n = this.bytes.length;
    const wel = (this.sr1 & 2) !== 0;
    const addr = n >= 4 ? ((this.bytes[1] << 16) | (this.bytes[2] << 8) | this.bytes[3]) : 0;
    const mem = this.array();
    const mask = mem.length - 1;
    switch (cmd) {
      case 0x06: if (n === 1) this.sr1 |= 2; else this.stats.ignored++; return;
      case 0x04: if (n === 1) this.sr1 &= ~2; return;
      case 0x01:
      case 0x31: {
        if (!wel || n < 2) { this.stats.ignored++; return; }
        if (cmd === 0x01) {
          this.sr1 = this.bytes[1] & 0xfc;
          if (n >= 3) this.sr2 = this.bytes[2];
        } else this.sr2 = this.bytes[1];
        this.finishWrite(this.timing.writeStatusUs);
        return;
      }
      case 0x02: {
        if (!wel || n < 5) { this.stats.ignored++; return; }
        const base = addr & ~(PAGE - 1) & mask;
        for (let i = 0; i < PAGE; i++) if (this.pageWritten[i]) mem[base + i] &= this.pageBuf[i];
        this.stats.pagePrograms++;
        this.finishWrite(this.timing.pageProgramUs);
        return;
      }
      case 0x20: case 0x52: case 0xd8: {
        if (!wel || n !== 4) { this.stats.ignored++; return; }
        const size = cmd === 0x20 ? 4096 : cmd === 0x52 ? 32768 : 65536;
        const start = addr & ~(size - 1) & mask;
        mem.fill(0xff, start, start + size);
        if (cmd === 0x20) this.stats.sectorErases++; else this.stats.blockErases++;
        this.finishWrite(cmd === 0x20 ? this.timing.sectorEraseUs : cmd === 0x52 ? this.timing.block32EraseUs : this.timing.block64EraseUs);
        return;
      }
      case 0xc7: case 0x60: {
        if (!wel || n !== 1) { this.stats.ignored++; return; }
        mem.fill(0xff);
        this.finishWrite(this.timing.chipEraseUs);
        return;
      }
      case 0x66: case 0x99: case 0xff:
        return;
    }
  }

  private finishWrite(us: number): void {
    this.sr1 &= ~2;
    this.busyUntilNs = this.nowNs() + us * 1000;
  }

  /** One byte on the wire (standard SPI): `out` from the host, returns the chip's byte. */
  transfer(out: number): number {
    if (!this.selected) return 0xff;
    const i = this.bytes.length;
    this.bytes.push(out & 0xff);
    if (this.ignoreTransaction) return 0xff;
    if (i === 0) {
      if (this.continuousRead) {
        // The chip takes these clocks as quad address + mode bits; all ones ends the mode.
        if (out === 0xff) this.continuousRead = false;
        else this.stats.continuousModeConfusions++;
        this.ignoreTransaction = true;
        return 0xff;
      }
      if (this.busy && out !== 0x05 && out !== 0x35) {
        this.stats.ignored++;
        this.ignoreTransaction = true;
        return 0xff;
      }
      if (out === 0x66 || out === 0x99) this.continuousRead = false;
      return 0xff;
    }
    const cmd = this.bytes[0];
    const mem = this.array();
    const mask = mem.length - 1;
    switch (cmd) {
      case 0x05: return this.status1;
      case 0x35: return this.sr2;
      case 0x15: return 0;
      case 0x9f: return this.jedecId[(i - 1) % 3];
      case 0x4b: return i >= 5 && i < 13 ? this.uniqueId[i - 5] : 0xff;
      case 0x90: return i >= 4 ? (i % 2 === 0 ? 0xef : this.jedecId[2] - 1) : 0xff;
      case 0x03:
      case 0x0b: {
        const first = cmd === 0x03 ? 4 : 5;
        if (i < first) return 0xff;
        const a = (this.bytes[1] << 16) | (this.bytes[2] << 8) | this.bytes[3];
        return mem[(a + i - first) & mask];
      }
      case 0x02: {
        if (i >= 4) {
          const a = ((this.bytes[1] << 16) | (this.bytes[2] << 8) | this.bytes[3]) + (i - 4);
          const p = a & (PAGE - 1);
          // Later bytes to the same page offset replace earlier ones (the page buffer wraps).
          this.pageBuf[p] = out & 0xff;
          this.pageWritten[p] = 1;
          this.pageCount++;
        }
        return 0xff;
      }
      default:
        return 0xff;
    }
  }

  /**
   * A quad I/O read issued by the SSI in enhanced mode (what boot stage 2 does once): `cmd`
   * (0xEB, or -1 when the chip is already in continuous mode and no command is sent), `addrWord`
   * = address << 8 | mode bits. Returns the bytes read.
   */
  quadRead(cmd: number, addrWord: number, count: number): Uint8Array {
    const out = new Uint8Array(count);
    if (this.busy) { this.stats.ignored++; return out.fill(0xff); }
    if (cmd !== 0xeb && !(cmd < 0 && this.continuousRead)) { this.stats.ignored++; return out.fill(0xff); }
    const mode = addrWord & 0xff;
    const mem = this.array();
    const a = (addrWord >>> 8) & (mem.length - 1);
    for (let i = 0; i < count; i++) out[i] = mem[(a + i) & (mem.length - 1)];
    this.continuousRead = (mode & 0x30) === 0x20;
    return out;
  }
}
