/**
 * An InvenSense MPU6050 on an emulated I²C bus, fed with a recording. DOM-free and Node-free.
 *
 * Register model: WHO_AM_I (0x75) = 0x68, PWR_MGMT_1 (0x6B, sleeps after reset), SMPLRT_DIV (0x19),
 * CONFIG (0x1A, DLPF_CFG 0/7 → 8 kHz gyro output rate, else 1 kHz), GYRO_CONFIG (0x1B, ±250..2000
 * dps), ACCEL_CONFIG (0x1C, ±2..16 g), data registers 0x3B..0x48 (accel XYZ, temperature, gyro XYZ,
 * big-endian int16), register pointer with auto-increment. The output registers hold the sample of
 * the latest sample instant k / ODR (ODR = gyro output rate / (1 + SMPLRT_DIV)); the sample is the
 * recording's frame at that instant (zero-order hold), quantised by the full-scale setting
 * (round to nearest, saturating) as the chip's ADC would. Not modelled: noise, bias, the DLPF's
 * smoothing and delay, the FIFO, interrupts.
 */
import { I2CMode, type RPI2C } from 'rp2040js';

export const STANDARD_GRAVITY = 9.80665;

export interface ImuRecording {
  /** Frame-major: accX, accY, accZ (m/s²), gyrX, gyrY, gyrZ (deg/s). */
  frames: Float32Array;
  rateHz: number;
  /** Axes per frame (6). */
  axes?: number;
  /** Loop the recording (default true). */
  loop?: boolean;
}

export const MPU6050_ADDR = 0x68;

/** LSB per g for AFS_SEL 0..3 and LSB per deg/s for FS_SEL 0..3 (datasheet). */
export const ACCEL_LSB_PER_G = [16384, 8192, 4096, 2048];
export const GYRO_LSB_PER_DPS = [131, 65.5, 32.8, 16.4];

function sat16(v: number): number {
  return Math.max(-32768, Math.min(32767, v));
}

/** The chip's raw output for a physical value (what the registers will hold). */
export function quantiseAccel(ms2: number, afsSel: number): number {
  return sat16(Math.round((ms2 / STANDARD_GRAVITY) * ACCEL_LSB_PER_G[afsSel]));
}
export function quantiseGyro(dps: number, fsSel: number): number {
  return sat16(Math.round(dps * GYRO_LSB_PER_DPS[fsSel]));
}

export class Mpu6050 {
  readonly regs = new Uint8Array(128);
  private ptr = 0;
  private firstWrite = false;
  private latched: Int16Array = new Int16Array(7);
  /** Emulated time (ns) when the chip left sleep; sample instants count from there. */
  private wakeNs = 0;
  reads = 0;

  constructor(private readonly nowNs: () => number, public recording: ImuRecording | null) {
    this.reset();
  }

  reset(): void {
    this.regs.fill(0);
    this.regs[0x6b] = 0x40;
    this.regs[0x75] = 0x68;
    this.ptr = 0;
  }

  get odrHz(): number {
    const dlpf = this.regs[0x1a] & 7;
    const gyroRate = dlpf === 0 || dlpf === 7 ? 8000 : 1000;
    return gyroRate / (1 + this.regs[0x19]);
  }

  get asleep(): boolean {
    return (this.regs[0x6b] & 0x40) !== 0;
  }

  /** Index of the latest sample instant at emulated time `ns`. */
  sampleIndexAt(ns: number): number {
    return Math.floor(((ns - this.wakeNs) * this.odrHz) / 1e9);
  }

  /** Emulated time (ns) of sample instant k. */
  sampleTimeNs(k: number): number {
    return this.wakeNs + (k * 1e9) / this.odrHz;
  }

  /** The recording frame shown at emulated time `ns` (seconds since wake-up × rate). */
  frameAt(ns: number): number {
    const rec = this.recording;
    if (!rec) return -1;
    const axes = rec.axes ?? 6;
    const n = rec.frames.length / axes;
    const t = this.sampleTimeNs(this.sampleIndexAt(ns)) - this.wakeNs;
    let i = Math.floor((t * rec.rateHz) / 1e9 + 1e-9);
    if (rec.loop === false) i = Math.min(i, n - 1);
    return ((i % n) + n) % n;
  }

  /** Raw register values (accX, accY, accZ, temp, gyrX, gyrY, gyrZ) for recording frame `i`. */
  rawForFrame(i: number): Int16Array {
    const out = new Int16Array(7);
    const rec = this.recording;
    const afs = (this.regs[0x1c] >> 3) & 3;
    const fs = (this.regs[0x1b] >> 3) & 3;
    out[3] = Math.round((25 - 36.53) * 340); // 25 °C
    if (!rec || i < 0) return out;
    const axes = rec.axes ?? 6;
    for (let a = 0; a < 3; a++) out[a] = quantiseAccel(rec.frames[i * axes + a], afs);
    for (let a = 0; a < 3; a++) out[4 + a] = axes > 3 ? quantiseGyro(rec.frames[i * axes + 3 + a], fs) : 0;
    return out;
  }

  private latch(): void {
    if (this.asleep) {
      this.latched.fill(0);
    } else {
      this.latched = this.rawForFrame(this.frameAt(this.nowNs()));
    }
    for (let k = 0; k < 7; k++) {
      this.regs[0x3b + 2 * k] = (this.latched[k] >> 8) & 0xff;
      this.regs[0x3c + 2 * k] = this.latched[k] & 0xff;
    }
  }

  startWrite(): void {
    this.firstWrite = true;
  }

  write(v: number): void {
    if (this.firstWrite) {
      this.ptr = v & 0x7f;
      this.firstWrite = false;
      return;
    }
    const r = this.ptr;
    if (r === 0x75 || (r >= 0x3b && r <= 0x48)) {
      // read-only
    } else if (r === 0x6b) {
      const wasAsleep = this.asleep;
      if (v & 0x80) {
        this.reset();
        return;
      }
      this.regs[r] = v & 0x7f;
      if (wasAsleep && !this.asleep) this.wakeNs = this.nowNs();
    } else {
      const oldRate = this.odrHz;
      this.regs[r] = v;
      if (this.odrHz !== oldRate) this.wakeNs = this.nowNs();
    }
    this.ptr = (this.ptr + 1) & 0x7f;
  }

  startRead(): void {
    this.reads++;
    this.latch();
  }

  read(): number {
    const v = this.regs[this.ptr];
    this.ptr = (this.ptr + 1) & 0x7f;
    return v;
  }
}

/** Connects devices (by 7-bit address) to an rp2040js I²C controller. */
export function attachI2cDevices(bus: RPI2C, devices: Map<number, Mpu6050>): void {
  let current: Mpu6050 | null = null;
  bus.onStart = () => bus.completeStart();
  bus.onConnect = (address: number, mode: I2CMode) => {
    current = devices.get(address) ?? null;
    if (current) {
      if (mode === I2CMode.Write) current.startWrite();
      else current.startRead();
    }
    bus.completeConnect(current !== null);
  };
  bus.onWriteByte = (value: number) => {
    current?.write(value);
    bus.completeWrite(current !== null);
  };
  bus.onReadByte = () => {
    bus.completeRead(current ? current.read() : 0xff);
  };
  bus.onStop = () => {
    current = null;
    bus.completeStop();
  };
}
