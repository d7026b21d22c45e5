/**
 * A fixed-size ring of recent frames for live plots and live classification. DOM-free core module.
 * Holds the last `capacity` frames of `axes` values each, plus each frame's time in ms.
 */
export class FrameRing {
  readonly values: Float32Array;
  readonly times: Float64Array;
  private head = 0;
  private filled = 0;
  /** Total frames ever pushed (monotonic), for consumers that track what they have seen. */
  total = 0;

  constructor(
    readonly axes: number,
    readonly capacity: number,
  ) {
    this.values = new Float32Array(axes * capacity);
    this.times = new Float64Array(capacity);
  }

  get size(): number {
    return this.filled;
  }

  /** Pushes interleaved frames; `t0` is the time of the first, `dt` the interval, both ms. */
  push(frames: Float32Array, t0: number, dt: number): void {
    const n = Math.floor(frames.length / this.axes);
    for (let i = 0; i < n; i++) {
      this.values.set(frames.subarray(i * this.axes, (i + 1) * this.axes), this.head * this.axes);
      this.times[this.head] = t0 + i * dt;
      this.head = (this.head + 1) % this.capacity;
    }
    this.filled = Math.min(this.capacity, this.filled + n);
    this.total += n;
  }

  clear(): void {
    this.head = 0;
    this.filled = 0;
  }

  /** Copies the newest `count` frames (oldest first) into per-axis arrays plus times (seconds). */
  series(count = this.filled): { t: Float64Array; axes: Float32Array[] } {
    const n = Math.min(count, this.filled);
    const t = new Float64Array(n);
    const axes = Array.from({ length: this.axes }, () => new Float32Array(n));
    let idx = (this.head - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) {
      t[i] = this.times[idx] / 1000;
      for (let a = 0; a < this.axes; a++) axes[a][i] = this.values[idx * this.axes + a];
      idx = (idx + 1) % this.capacity;
    }
    return { t, axes };
  }

  /** The newest `count` frames interleaved, oldest first (for windowed inference). */
  latest(count: number): Float32Array {
    const n = Math.min(count, this.filled);
    const out = new Float32Array(n * this.axes);
    let idx = (this.head - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) {
      out.set(this.values.subarray(idx * this.axes, (idx + 1) * this.axes), i * this.axes);
      idx = (idx + 1) % this.capacity;
    }
    return out;
  }
}
