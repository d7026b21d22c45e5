/**
 * A motion source driven by a test: readings handed to `emit` before `start` are delivered on start
 * (as a real sensor's first events arrive right after it starts). DOM-free test support.
 */
import type { MotionApi, MotionReading, MotionSource } from './motion.ts';

export class ScriptedMotionSource implements MotionSource {
  private onReading: ((r: MotionReading) => void) | null = null;
  private onError: ((e: Error) => void) | null = null;
  private backlog: MotionReading[] = [];
  started = 0;
  stopped = 0;

  constructor(readonly api: MotionApi = 'devicemotion') {}

  async start(onReading: (r: MotionReading) => void, onError: (e: Error) => void): Promise<void> {
    this.started++;
    this.onReading = onReading;
    this.onError = onError;
    const b = this.backlog;
    this.backlog = [];
    for (const r of b) onReading(r);
  }

  stop(): void {
    this.stopped++;
    this.onReading = null;
  }

  emit(r: MotionReading): void {
    if (this.onReading) this.onReading(r);
    else this.backlog.push(r);
  }

  error(e: Error): void {
    this.onError?.(e);
  }
}
