/**
 * Recording the microphone into the store: the same `Recorder` (0.5 s chunks into IndexedDB) the
 * board streams use, fed from a `MicStream`. DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import { Recorder, type RecorderOptions } from '../../data/recorder.ts';
import type { SampleMeta } from '../../data/sample.ts';
import type { RecordingStart, StudioStore } from '../../data/store/studio-store.ts';
import type { MicStream } from './mic-stream.ts';

export type AudioRecordingStart = Omit<RecordingStart, 'axes' | 'intervalMs' | 'deviceName'> & { deviceName?: string };

export interface AudioRecording {
  recorder: Recorder;
  /** The final sample; undefined when discarded. If the microphone stops early, what was captured is kept. */
  done: Promise<SampleMeta | undefined>;
  /** Stops early and keeps what was captured. */
  stop(): Promise<SampleMeta | undefined>;
}

export async function recordAudio(store: StudioStore, mic: MicStream, start: AudioRecordingStart, opts: RecorderOptions): Promise<AudioRecording> {
  if (mic.ended) {
    throw new StudioError({ family: 'device', code: 'mic-ended', message: 'The microphone stream has ended.', remedy: 'Start the microphone again, then record.' });
  }
  const recorder = await Recorder.start(
    store,
    { ...start, axes: mic.info.axes, intervalMs: 1000 / mic.info.rateHz, deviceName: start.deviceName ?? mic.info.deviceName, deviceType: 'microphone' },
    opts,
  );
  const offBatch = mic.onBatch((b) => recorder.push(b.frames));
  let early: Promise<SampleMeta | undefined> | null = null;
  const stop = (): Promise<SampleMeta | undefined> => {
    offBatch();
    if (recorder.state !== 'recording') return recorder.done;
    early ??= recorder.keep();
    return early;
  };
  const offEnd = mic.onEnd(() => void stop());
  const done = recorder.done.finally(() => {
    offBatch();
    offEnd();
  });
  return { recorder, done, stop };
}
