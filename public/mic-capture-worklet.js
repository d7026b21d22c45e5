/**
 * AudioWorklet processor of TinyML Studio's microphone (src/device/mic/browser-mic.ts).
 * Served from the app's own origin and precached by the service worker; it makes no requests.
 *
 * It takes the first channel of its input (the microphone, mono), gathers the 128-sample render
 * quanta into chunks of `chunkSize` samples (default 2048, about 43 ms at 48 kHz) and posts each
 * chunk to the main thread as a Float32Array (its buffer transferred). Posting `'flush'` sends the
 * partial chunk; posting `'stop'` sends it and ends the processor. The output stays silent.
 */
class MicCaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const size = options && options.processorOptions && options.processorOptions.chunkSize;
    this.size = Number.isInteger(size) && size > 0 ? size : 2048;
    this.buf = new Float32Array(this.size);
    this.fill = 0;
    this.running = true;
    this.port.onmessage = (e) => {
      if (e.data === 'flush' || e.data === 'stop') this.send();
      if (e.data === 'stop') this.running = false;
    };
  }

  send() {
    if (this.fill === 0) return;
    const out = this.buf.slice(0, this.fill);
    this.port.postMessage(out, [out.buffer]);
    this.fill = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let i = 0;
      while (i < channel.length) {
        const n = Math.min(channel.length - i, this.size - this.fill);
        this.buf.set(channel.subarray(i, i + n), this.fill);
        this.fill += n;
        i += n;
        if (this.fill === this.size) this.send();
      }
    }
    return this.running;
  }
}

registerProcessor('mic-capture', MicCaptureProcessor);
