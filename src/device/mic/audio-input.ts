/**
 * The hardware edge of the microphone: anything that delivers mono audio chunks at its own rate.
 * DOM-free interface. The browser implements it with getUserMedia + an AudioWorklet
 * (browser-mic.ts); tests implement it with generated signals.
 */
import type { StudioError } from '../../core/errors.ts';

export interface AudioInputSink {
  /** A chunk of mono samples in full-scale units (−1 … 1) at `sampleRate`. */
  chunk(samples: Float32Array): void;
  /** The input stopped by itself (track ended, permission revoked); `error` says why when it failed. */
  end(error?: StudioError): void;
}

export interface AudioInput {
  /** Human-readable name, e.g. "MacBook Pro Microphone". */
  readonly name: string;
  /** Rate of the delivered chunks, Hz (the device's, often 44100 or 48000). */
  readonly sampleRate: number;
  /** Starts delivering chunks to `sink` until `stop()`. */
  start(sink: AudioInputSink): Promise<void>;
  stop(): Promise<void>;
}
