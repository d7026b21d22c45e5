/**
 * The browser's microphone as an `AudioInput`: getUserMedia (mono, no echo cancellation, noise
 * suppression or automatic gain, so recordings keep their real level) → MediaStreamAudioSourceNode →
 * the `mic-capture` AudioWorklet (public/mic-capture-worklet.js, served from the app's origin) which
 * posts Float32 chunks at the AudioContext's rate. Thin adapter: everything else (resampling, int16
 * units, level, recording) is in the DOM-free mic-stream.ts.
 *
 * Errors become StudioErrors: `mic-permission` (the user or the browser said no), `mic-missing` (no
 * input device), `mic-busy` (another app holds it), `mic-unsupported` (no getUserMedia/AudioWorklet,
 * or not a secure context), `mic-ended` (the track ended while in use).
 */
import { StudioError, type ErrorCode } from '../../core/errors.ts';
import type { AudioInput, AudioInputSink } from './audio-input.ts';

export interface BrowserMicOptions {
  /** A specific input (MediaDeviceInfo.deviceId). */
  deviceId?: string;
  /** Samples per posted chunk. Default 2048. */
  chunkSize?: number;
  /** Worklet module URL. Default `${BASE_URL}mic-capture-worklet.js`. */
  workletUrl?: string;
}

function micError(code: ErrorCode<'device'>, message: string, remedy: string, cause?: unknown): StudioError {
  return new StudioError({ family: 'device', code, message, remedy, cause });
}

/** Maps getUserMedia's DOMException names to a message and a remedy. */
export function microphoneError(e: unknown): StudioError {
  const name = (e as { name?: string } | null)?.name ?? '';
  const detail = e instanceof Error ? e.message : String(e);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return micError('mic-permission', 'The browser did not allow the microphone.', 'Allow the microphone for this site (the icon in the address bar), then try again.', e);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return micError('mic-missing', 'No microphone was found.', 'Plug in or enable a microphone, then try again.', e);
    case 'NotReadableError':
    case 'AbortError':
      return micError('mic-busy', `The microphone could not be opened (${detail}).`, 'Close other apps or tabs that use the microphone, then try again.', e);
    default:
      return micError('mic-failed', `The microphone could not start: ${detail}`, 'Reload the page and try again.', e);
  }
}

export async function openBrowserMicrophone(opts: BrowserMicOptions = {}): Promise<AudioInput> {
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!md?.getUserMedia || typeof AudioWorkletNode === 'undefined') {
    throw micError('mic-unsupported', 'This browser cannot record from a microphone here (no getUserMedia or AudioWorklet).', 'Use a current Chrome, Edge or Firefox over https or on localhost.');
  }
  let media: MediaStream;
  try {
    media = await md.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false, ...(opts.deviceId ? { deviceId: { exact: opts.deviceId } } : {}) },
      video: false,
    });
  } catch (e) {
    throw microphoneError(e);
  }
  const track = media.getAudioTracks()[0];
  const ctx = new AudioContext();
  const stopAll = async (): Promise<void> => {
    for (const t of media.getTracks()) t.stop();
    if (ctx.state !== 'closed') await ctx.close().catch(() => undefined);
  };
  try {
    await ctx.audioWorklet.addModule(opts.workletUrl ?? `${import.meta.env.BASE_URL}mic-capture-worklet.js`);
  } catch (e) {
    await stopAll();
    throw micError('mic-failed', `The audio capture worklet did not load: ${e instanceof Error ? e.message : String(e)}`, 'Reload the page (the app may be updating) and try again.', e);
  }
  let node: AudioWorkletNode | null = null;
  let source: MediaStreamAudioSourceNode | null = null;
  return {
    name: track?.label || 'Microphone',
    sampleRate: ctx.sampleRate,
    async start(sink: AudioInputSink) {
      source = ctx.createMediaStreamSource(media);
      node = new AudioWorkletNode(ctx, 'mic-capture', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], processorOptions: { chunkSize: opts.chunkSize ?? 2048 } });
      node.port.onmessage = (e: MessageEvent<Float32Array>) => sink.chunk(e.data);
      source.connect(node);
      node.connect(ctx.destination); // silent output; keeps the graph pulling in every browser
      if (track) track.onended = () => sink.end(micError('mic-ended', 'The microphone stopped (unplugged or permission withdrawn).', 'Check the microphone and start it again.'));
      await ctx.resume();
    },
    async stop() {
      node?.port.postMessage('stop');
      source?.disconnect();
      node?.disconnect();
      await stopAll();
    },
  };
}
