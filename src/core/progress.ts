/**
 * Progress and cancellation for long operations. DOM-free core module.
 *
 * Every long operation (import, DSP over a dataset, training, quantisation, flashing) takes
 * `OpOptions`: a progress callback with a named stage and an optional 0..1 fraction, and an AbortSignal.
 */
export interface Progress {
  stage: string;
  /** 0..1 when known. */
  fraction?: number;
  detail?: string;
}

export interface OpOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** Limits how often a progress callback fires: at most once per `minStep` of fraction, always at 0 and 1. */
export function throttleProgress(cb: ((p: Progress) => void) | undefined, minStep = 0.01): (p: Progress) => void {
  let last = -1;
  let lastStage = '';
  return (p) => {
    if (!cb) return;
    const f = p.fraction;
    if (p.stage !== lastStage || f === undefined || f >= 1 || f <= 0 || f - last >= minStep) {
      last = f ?? last;
      lastStage = p.stage;
      cb(p);
    }
  };
}
