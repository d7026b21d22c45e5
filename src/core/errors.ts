/**
 * Errors the studio can show to a person. DOM-free core module.
 *
 * Every failure that reaches the UI is a `StudioError` with a family, a stable code the UI maps to a
 * dialog, a message saying what happened and a remedy saying what to do. The original error, if any,
 * is kept in `cause`.
 */
export type ErrorFamily = 'device' | 'storage' | 'import' | 'dsp' | 'model' | 'flash' | 'config';

export interface StudioErrorInit {
  family: ErrorFamily;
  code: string;
  message: string;
  remedy?: string;
  cause?: unknown;
}

export class StudioError extends Error {
  readonly family: ErrorFamily;
  readonly code: string;
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

export function isStudioError(e: unknown, code?: string): e is StudioError {
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
}

/** The one error-display helper: a StudioError's message and remedy, or any other error's text. */
export function shownError(e: unknown): ShownError {
  if (e instanceof StudioError) return { message: e.message, remedy: e.remedy };
  return { message: e instanceof Error ? e.message : String(e), remedy: '' };
}

/** Wraps anything thrown into a StudioError of the given family, keeping StudioErrors as they are. */
export function toStudioError(e: unknown, family: ErrorFamily, code = 'unexpected'): StudioError {
  if (e instanceof StudioError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new StudioError({ family, code, message, cause: e });
}

/** Throws a `cancelled` error of the family if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, family: ErrorFamily = 'config'): void {
  if (signal?.aborted) {
    throw new StudioError({ family, code: 'cancelled', message: 'The operation was cancelled.' });
  }
}
