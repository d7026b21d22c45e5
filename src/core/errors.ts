/**
 * Errors the studio can show to a person. DOM-free core module.
 *
 * Every failure that reaches the UI is a `StudioError` with a family, a stable code, a message saying
 * what happened and a remedy saying what to do. The original error, if any, is kept in `cause`.
 *
 * The codes of each family are a closed set: `ERROR_CODES` below lists every one with the action the
 * app takes for it, and the compiler refuses a code that is not listed under its family. Add a code
 * here, with its action, before throwing it.
 */
export type ErrorFamily = 'device' | 'storage' | 'import' | 'dsp' | 'model' | 'flash' | 'config';

/**
 * What the app does with a failure of a given code (the UI and the CLI read it through `errorAction`):
 * - `stop-quietly`: the person or a newer request cancelled; nothing to show.
 * - `retry`: a transient failure (timeout, busy device, interrupted write); offer to try again.
 * - `reconnect`: the link or the board's mode is gone or wrong; offer to connect (or enter the bootloader) again.
 * - `grant-access`: the browser or the OS refused access; explain how to allow it.
 * - `fix-input`: a file, setting or recording is wrong; say which, keep everything else.
 * - `free-space`: storage is full; offer to export or delete, keep what was recorded.
 * - `reload`: another tab or a newer version changed the data; reload the page.
 * - `use-another-way`: this browser or board lacks the feature; offer the alternative (another
 *   browser, the simulated board, a download).
 * - `report`: a defect of the studio; show the details and keep the state.
 */
export type ErrorAction = 'stop-quietly' | 'retry' | 'reconnect' | 'grant-access' | 'fix-input' | 'free-space' | 'reload' | 'use-another-way' | 'report';

export const ERROR_CODES = {
  device: {
    'already-open': 'retry',
    'bad-baud': 'fix-input',
    'bad-rate': 'fix-input',
    'cancelled': 'stop-quietly',
    'closed': 'reconnect',
    'disconnected': 'reconnect',
    'inconsistent-values': 'fix-input',
    'mic-busy': 'retry',
    'mic-ended': 'reconnect',
    'mic-failed': 'retry',
    'mic-missing': 'use-another-way',
    'mic-permission': 'grant-access',
    'mic-rate': 'fix-input',
    'mic-unsupported': 'use-another-way',
    'nack': 'fix-input',
    'no-data': 'fix-input',
    'no-link': 'reconnect',
    'no-runtime': 'reconnect',
    'no-sensor': 'use-another-way',
    'no-webserial': 'use-another-way',
    'not-allowed': 'grant-access',
    'not-numeric': 'fix-input',
    'not-open': 'reconnect',
    'permission-denied': 'grant-access',
    'port-busy': 'retry',
    'port-open': 'retry',
    'port-request': 'grant-access',
    'protocol': 'reconnect',
    'rate-by-protocol': 'fix-input',
    'rate-unknown': 'fix-input',
    'reconnect-failed': 'reconnect',
    'stream-failed': 'reconnect',
    'timeout': 'retry',
    'unexpected': 'report',
    'unknown-activity': 'fix-input',
    'wrong-baud': 'fix-input',
  },
  storage: {
    'bad-model-record': 'fix-input',
    'cancelled': 'stop-quietly',
    'clip-failed': 'retry',
    'fs-eio': 'retry',
    'fs-emfile': 'retry',
    'fs-enospc': 'free-space',
    'no-indexeddb': 'use-another-way',
    'no-project': 'fix-input',
    'not-found': 'fix-input',
    'open-failed': 'reload',
    'quota': 'free-space',
    'stale': 'reload',
    'unexpected': 'report',
    'version': 'reload',
    'write-failed': 'retry',
  },
  import: {
    'anomaly-model': 'fix-input',
    'axes-mismatch': 'fix-input',
    'bad-cell': 'fix-input',
    'bad-config': 'fix-input',
    'bad-ei-json': 'fix-input',
    'bad-files': 'fix-input',
    'bad-header': 'fix-input',
    'bad-impulse': 'fix-input',
    'bad-info-labels': 'fix-input',
    'bad-json': 'fix-input',
    'bad-model-file': 'fix-input',
    'bad-project': 'fix-input',
    'bad-row': 'fix-input',
    'bad-sidecar': 'fix-input',
    'bad-training-data': 'fix-input',
    'bad-tuner-state': 'fix-input',
    'bad-value': 'fix-input',
    'bad-truth-labels': 'fix-input',
    'bad-wav': 'fix-input',
    'bad-window-csv': 'fix-input',
    'bad-zip': 'fix-input',
    'cancelled': 'stop-quietly',
    'cbor-unsupported': 'fix-input',
    'duplicate': 'fix-input',
    'duplicate-entry': 'fix-input',
    'empty': 'fix-input',
    'empty-dataset': 'fix-input',
    'encrypted': 'fix-input',
    'entry-read-twice': 'fix-input',
    'expired': 'retry',
    'fs-eacces': 'grant-access',
    'fs-eexist': 'fix-input',
    'fs-eisdir': 'fix-input',
    'fs-enametoolong': 'fix-input',
    'fs-enoent': 'fix-input',
    'fs-enotdir': 'fix-input',
    'fs-other': 'fix-input',
    'implausible-rate': 'fix-input',
    'json-too-deep': 'fix-input',
    'listed-twice': 'fix-input',
    'missing-file': 'fix-input',
    'model-mismatch': 'fix-input',
    'name-too-long': 'fix-input',
    'newer-project': 'fix-input',
    'no-axes': 'fix-input',
    'no-config': 'fix-input',
    'no-labels': 'fix-input',
    'no-model': 'fix-input',
    'no-rate': 'fix-input',
    'no-recordings': 'fix-input',
    'no-rows': 'fix-input',
    'no-such-folder': 'fix-input',
    'no-timestamp': 'fix-input',
    'no-training-data': 'fix-input',
    'no-training-windows': 'fix-input',
    'not-a-folder': 'fix-input',
    'not-a-project': 'fix-input',
    'over-budget': 'fix-input',
    'shape': 'fix-input',
    'time-backwards': 'fix-input',
    'too-few-labels': 'fix-input',
    'too-few-recordings': 'fix-input',
    'too-large': 'fix-input',
    'too-many-axes': 'fix-input',
    'too-many-entries': 'fix-input',
    'too-many-files': 'fix-input',
    'too-many-rows': 'fix-input',
    'unexpected': 'report',
    'unknown-label': 'fix-input',
    'unreadable': 'fix-input',
    'unsafe-path': 'fix-input',
    'zip-bomb': 'fix-input',
    'zip-method': 'fix-input',
    'zip-too-large': 'fix-input',
    'zip64': 'fix-input',
  },
  dsp: {
    'autotune-labels': 'fix-input',
    'autotune-no-data': 'fix-input',
    'autotune-window': 'fix-input',
    'bad-axes': 'fix-input',
    'bad-cut': 'fix-input',
    'bad-frequency': 'fix-input',
    'bad-labels': 'fix-input',
    'bad-matrix': 'fix-input',
    'bad-param': 'fix-input',
    'bad-recording': 'fix-input',
    'bad-segment': 'fix-input',
    'bad-window': 'fix-input',
    'bad-windowing': 'fix-input',
    'cancelled': 'stop-quietly',
    'decimation-too-high': 'fix-input',
    'empty-filter': 'fix-input',
    'export-dsp-unsupported': 'fix-input',
    'fft-length': 'fix-input',
    'filter-count': 'fix-input',
    'filter-cutoff': 'fix-input',
    'filter-design': 'fix-input',
    'filter-order': 'fix-input',
    'filter-unstable': 'fix-input',
    'frame-too-long': 'fix-input',
    'frame-too-short': 'fix-input',
    'high-frequency': 'fix-input',
    'lf-too-short': 'fix-input',
    'low-frequency': 'fix-input',
    'masked-bins': 'fix-input',
    'missing-axis': 'fix-input',
    'no-features': 'fix-input',
    'no-samples': 'fix-input',
    'no-usable-samples': 'fix-input',
    'no-windows': 'fix-input',
    'noise-floor': 'fix-input',
    'pre-shift': 'fix-input',
    'rate-mismatch': 'fix-input',
    'shape-too-many-axes': 'fix-input',
    'single-axis': 'fix-input',
    'stride-too-short': 'fix-input',
    'too-many-frames': 'fix-input',
    'unexpected': 'report',
    'unknown-block': 'fix-input',
    'win-size': 'fix-input',
    'window-too-large': 'fix-input',
  },
  model: {
    'backend-unavailable': 'use-another-way',
    'bad-anomaly-model': 'fix-input',
    'bad-descriptor': 'fix-input',
    'bad-model-file': 'fix-input',
    'cancelled': 'stop-quietly',
    'compare-rows': 'report',
    'compare-width': 'report',
    'descriptor-mismatch': 'fix-input',
    'descriptor-range': 'fix-input',
    'descriptor-unsupported-block': 'fix-input',
    'empty-descriptor': 'fix-input',
    'empty-model': 'fix-input',
    'export-bad-value': 'fix-input',
    'export-dsp-mismatch': 'fix-input',
    'export-feature-mismatch': 'fix-input',
    'export-no-quantization': 'fix-input',
    'float-model-invalid': 'report',
    'input-size': 'fix-input',
    'kws-no-audio': 'fix-input',
    'kws-not-audio': 'fix-input',
    'kws-rate-mismatch': 'fix-input',
    'live-rate-mismatch': 'fix-input',
    'model-not-found': 'fix-input',
    'no-artifacts': 'fix-input',
    'normalization-shape': 'fix-input',
    'normalization-value': 'fix-input',
    'payload-anomaly': 'fix-input',
    'payload-model-mismatch': 'fix-input',
    'payload-model-shape': 'fix-input',
    'payload-not-int8': 'fix-input',
    'payload-window-too-long': 'fix-input',
    'quantize-bad-data': 'fix-input',
    'quantize-no-data': 'fix-input',
    'quantize-params': 'fix-input',
    'tflite-invalid': 'fix-input',
    'tflite-type': 'fix-input',
    'tflite-unsupported': 'fix-input',
    'tflite-write': 'report',
    'unexpected': 'report',
    'unsupported-layer': 'fix-input',
    'worker-not-ready': 'retry',
  },
  flash: {
    'address-out-of-range': 'fix-input',
    'address-protected': 'fix-input',
    'bad-flash-plan': 'fix-input',
    'bad-runtime-image': 'fix-input',
    'cancelled': 'stop-quietly',
    'device-busy': 'retry',
    'device-disconnected': 'reconnect',
    'dfu-address': 'fix-input',
    'dfu-check_erased': 'retry',
    'dfu-erase': 'retry',
    'dfu-file': 'fix-input',
    'dfu-firmware': 'retry',
    'dfu-notdone': 'retry',
    'dfu-por': 'reconnect',
    'dfu-prog': 'retry',
    'dfu-protocol': 'fix-input',
    'dfu-stalledpkt': 'retry',
    'dfu-target': 'fix-input',
    'dfu-unknown': 'retry',
    'dfu-usbr': 'reconnect',
    'dfu-vendor': 'retry',
    'dfu-verify': 'retry',
    'dfu-write': 'retry',
    'dfuse-layout': 'fix-input',
    'esp-flash-failed': 'retry',
    'flash-range': 'fix-input',
    'linux-permission-denied': 'grant-access',
    'model-crc': 'retry',
    'model-too-large': 'fix-input',
    'runtime-too-old': 'fix-input',
    'needs-runtime-image': 'fix-input',
    'no-dfu-interface': 'reconnect',
    'no-model-slot': 'fix-input',
    'no-uf2': 'fix-input',
    'not-in-bootloader': 'reconnect',
    'not-in-bootsel': 'reconnect',
    'picoboot-bad-alignment': 'report',
    'picoboot-buffer-too-small': 'report',
    'picoboot-interleaved-write': 'retry',
    'picoboot-invalid-address': 'fix-input',
    'picoboot-invalid-arg': 'report',
    'picoboot-invalid-cmd-length': 'report',
    'picoboot-invalid-data': 'report',
    'picoboot-invalid-state': 'retry',
    'picoboot-invalid-transfer-length': 'report',
    'picoboot-modified-data': 'retry',
    'picoboot-not-found': 'fix-input',
    'picoboot-not-permitted': 'fix-input',
    'picoboot-precondition-not-met': 'report',
    'picoboot-protocol': 'fix-input',
    'picoboot-rebooting': 'reconnect',
    'picoboot-unknown-cmd': 'report',
    'picoboot-unknown-error': 'retry',
    'picoboot-unsupported-modification': 'report',
    'reconnect-needed': 'reconnect',
    'runtime-image-mismatch': 'fix-input',
    'runtime-image-missing': 'fix-input',
    'runtime-image-range': 'fix-input',
    'runtime-overlaps-slot': 'fix-input',
    'runtime-record-invalid': 'fix-input',
    'runtime-slot-layout': 'fix-input',
    'runtime-too-large': 'fix-input',
    'runtime-wrong-board': 'fix-input',
    'timeout': 'retry',
    'touch-failed': 'retry',
    'uf2-bad-address': 'fix-input',
    'uf2-bad-block': 'fix-input',
    'uf2-bad-file': 'fix-input',
    'uf2-bad-payload': 'fix-input',
    'uf2-empty': 'fix-input',
    'uf2-mixed-family': 'fix-input',
    'uf2-overlap': 'fix-input',
    'uf2-unknown-family': 'fix-input',
    'unexpected': 'report',
    'unknown-board': 'fix-input',
    'unsupported-method': 'use-another-way',
    'usb-error': 'retry',
    'verify-failed': 'retry',
    'webusb-unsupported': 'use-another-way',
    'winusb-driver-missing': 'grant-access',
  },
  config: {
    'axis-count': 'fix-input',
    'bad-address': 'fix-input',
    'bad-budget': 'fix-input',
    'bad-demo-options': 'fix-input',
    'bad-family': 'fix-input',
    'bad-impulse': 'fix-input',
    'bad-kws-config': 'fix-input',
    'bad-learn-block': 'fix-input',
    'bad-learn-param': 'fix-input',
    'bad-live-config': 'fix-input',
    'bad-model': 'fix-input',
    'bad-training-setting': 'fix-input',
    'bad-tuner-state': 'fix-input',
    'cancelled': 'stop-quietly',
    'clip-count': 'fix-input',
    'conv1d-input': 'fix-input',
    'conv1d-too-deep': 'fix-input',
    'conv2d-input': 'fix-input',
    'conv2d-too-deep': 'fix-input',
    'empty-label': 'fix-input',
    'empty-name': 'fix-input',
    'fs-eacces': 'grant-access',
    'fs-eexist': 'fix-input',
    'fs-eisdir': 'fix-input',
    'fs-enametoolong': 'fix-input',
    'fs-enoent': 'fix-input',
    'fs-enotdir': 'fix-input',
    'fs-erofs': 'fix-input',
    'fs-other': 'fix-input',
    'label': 'fix-input',
    'length': 'fix-input',
    'no-input': 'fix-input',
    'not-a-classifier': 'fix-input',
    'nothing-to-export': 'fix-input',
    'out-exists': 'fix-input',
    'out-is-file': 'fix-input',
    'out-is-folder': 'fix-input',
    'out-not-writable': 'fix-input',
    'out-under-file': 'fix-input',
    'tuner-data-changed': 'fix-input',
    'tuner-no-data': 'fix-input',
    'tuner-test-data': 'report',
    'unexpected': 'report',
    'unknown-activity': 'fix-input',
    'unknown-board': 'fix-input',
    'unknown-label': 'fix-input',
    'unsupported-format': 'fix-input',
    'usage': 'fix-input',
  },
} as const satisfies Record<ErrorFamily, Record<string, ErrorAction>>;

/** The codes of one family. */
export type ErrorCode<F extends ErrorFamily> = keyof (typeof ERROR_CODES)[F] & string;
/** Any code of any family. */
export type AnyErrorCode = { [F in ErrorFamily]: ErrorCode<F> }[ErrorFamily];

/** A family with one of its own codes, for helpers that pass both along. */
export type FamilyCode = { [F in ErrorFamily]: { family: F; code: ErrorCode<F> } }[ErrorFamily];

/** Does `code` belong to `family`'s list? (For codes built from outside values, e.g. an OS error name.) */
export function isCodeOf<F extends ErrorFamily>(family: F, code: string): code is ErrorCode<F> {
  return Object.hasOwn(ERROR_CODES[family], code);
}

/** A family with one of its own codes (a discriminated union: the code must belong to the family). */
export type StudioErrorInit = {
  [F in ErrorFamily]: { family: F; code: ErrorCode<F>; message: string; remedy?: string; cause?: unknown };
}[ErrorFamily];

export class StudioError extends Error {
  readonly family: ErrorFamily;
  readonly code: AnyErrorCode;
  readonly remedy: string;

  constructor(init: StudioErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'StudioError';
    this.family = init.family;
    this.code = init.code;
    this.remedy = init.remedy ?? '';
  }

  /** A one-paragraph text for a dialog or a CLI: what happened, then what to do. */
  describe(): string {
    return this.remedy ? `${this.message} ${this.remedy}` : this.message;
  }
}

export function isStudioError(e: unknown, code?: AnyErrorCode): e is StudioError {
  return e instanceof StudioError && (code === undefined || e.code === code);
}

/**
 * Did the person (or a newer request) cancel this? Every family uses the code `cancelled` for it, and
 * a cancel is not a failure to show: callers stop quietly. The one check for it; do not compare codes by hand.
 */
export function isCancelled(e: unknown): boolean {
  return e instanceof StudioError && e.code === 'cancelled';
}

/** What the UI shows for a failure: the message and, when known, what to do about it. */
export interface ShownError {
  message: string;
  remedy: string;
  /** What the app should offer next (see `ErrorAction`). */
  action: ErrorAction;
}

/** The one error-display helper: a StudioError's message and remedy, or any other error's text. */
export function shownError(e: unknown): ShownError {
  if (e instanceof StudioError) return { message: e.message, remedy: e.remedy, action: errorAction(e) };
  return { message: e instanceof Error ? e.message : String(e), remedy: '', action: 'report' };
}

/** Wraps anything thrown into a StudioError of the given family, keeping StudioErrors as they are. */
export function toStudioError<F extends ErrorFamily>(e: unknown, family: F, code?: ErrorCode<F>): StudioError {
  if (e instanceof StudioError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new StudioError({ family, code: code ?? 'unexpected', message, cause: e } as StudioErrorInit);
}

/** Throws a `cancelled` error of the family if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, family: ErrorFamily = 'config'): void {
  if (signal?.aborted) {
    throw new StudioError({ family, code: 'cancelled', message: 'The operation was cancelled.' });
  }
}

/** What the app should do about a failure (see `ErrorAction`); anything that is not a StudioError is a defect. */
export function errorAction(e: unknown): ErrorAction {
  if (!(e instanceof StudioError)) return 'report';
  const codes: Record<string, ErrorAction> = ERROR_CODES[e.family];
  return Object.hasOwn(codes, e.code) ? codes[e.code]! : 'report';
}
