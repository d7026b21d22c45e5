/**
 * The DSP block contract: a parameter schema the UI renders as a form, feature names, output shape
 * and a `run` that turns one window into features. DOM-free core module.
 *
 * A window is interleaved frame-major (`window[frame * axesCount + axis]`), already cut to the
 * impulse's axes and length (see windowing.ts). Every block also offers `createRunner(ctx)`, which
 * validates once and preallocates scratch buffers so that running many windows allocates little;
 * `run(window, ctx)` is the one-shot convenience.
 */
import type { DspBlockId, ParamValue } from '../core/impulse.ts';
import { StudioError, type ErrorCode } from '../core/errors.ts';

export type ParamType = 'number' | 'select' | 'boolean';

export interface ParamOption {
  value: ParamValue;
  label: string;
}

export interface ParamSchema {
  /** kebab-case key in `DspConfig.params`, e.g. `fft-length`. */
  name: string;
  label: string;
  type: ParamType;
  default: ParamValue;
  min?: number;
  max?: number;
  step?: number;
  /** Numbers only: must be a whole number. */
  integer?: boolean;
  /** Selects only. */
  options?: ParamOption[];
  help: string;
  /** Show the field only when another parameter has (or has not) a value. */
  showIf?: { param: string; equals?: ParamValue; notEquals?: ParamValue };
}

export interface DspContext {
  axesCount: number;
  axisNames: string[];
  /** Sample rate of the window, Hz. */
  frequencyHz: number;
  /** Frames per window. */
  windowFrames: number;
  params: Record<string, ParamValue>;
}

export interface DspRunner {
  /** Number of features per window. */
  readonly dim: number;
  /** Features of one window; writes into `out` when given (length ≥ dim), else a new array. */
  run(window: Float32Array, out?: Float32Array): Float32Array;
}

export interface DspBlock {
  id: DspBlockId;
  title: string;
  description: string;
  params: ParamSchema[];
  featureNames(ctx: DspContext): string[];
  /** e.g. [n] for flat features, [frames, bins] or [time, channels] for 2-D outputs. */
  outputShape(ctx: DspContext): number[];
  /** Throws a StudioError (family 'dsp') when the parameters cannot work with this input. */
  validate(ctx: DspContext): void;
  run(window: Float32Array, ctx: DspContext): Float32Array;
  createRunner(ctx: DspContext): DspRunner;
}

export function dspError(code: ErrorCode<'dsp'>, message: string, remedy?: string): StudioError {
  return new StudioError({ family: 'dsp', code, message, remedy });
}

function coerce(p: ParamSchema, v: ParamValue): ParamValue {
  if (p.type === 'boolean') {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 1 || v === '1') return true;
    if (v === 'false' || v === 0 || v === '0') return false;
    throw dspError('bad-param', `Parameter "${p.label}" must be on or off, got ${JSON.stringify(v)}.`, 'Reset it to its default.');
  }
  if (p.type === 'number') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) {
      throw dspError('bad-param', `Parameter "${p.label}" must be a number, got ${JSON.stringify(v)}.`, 'Enter a number.');
    }
    if (p.integer && !Number.isInteger(n)) {
      throw dspError('bad-param', `Parameter "${p.label}" must be a whole number, got ${n}.`, 'Enter a whole number.');
    }
    if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
      throw dspError(
        'bad-param',
        `Parameter "${p.label}" is ${n}, outside ${p.min ?? '−∞'}…${p.max ?? '∞'}.`,
        `Choose a value from ${p.min ?? '−∞'} to ${p.max ?? '∞'}.`,
      );
    }
    return n;
  }
  const opts = p.options ?? [];
  const hit = opts.find((o) => o.value === v || String(o.value) === String(v));
  if (!hit) {
    throw dspError(
      'bad-param',
      `Parameter "${p.label}" cannot be ${JSON.stringify(v)}.`,
      `Choose one of: ${opts.map((o) => o.label).join(', ')}.`,
    );
  }
  return hit.value;
}

/** Fills defaults, coerces strings ("16", "true") and checks ranges/options. Unknown keys are ignored. */
export function resolveParams(schema: ParamSchema[], params: Record<string, ParamValue> | undefined): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of schema) {
    const v = params?.[p.name];
    out[p.name] = v === undefined || v === null ? p.default : coerce(p, v);
  }
  return out;
}

export function defaultParams(schema: ParamSchema[]): Record<string, ParamValue> {
  return Object.fromEntries(schema.map((p) => [p.name, p.default]));
}

/** Checks the context fields every block relies on. */
export function checkContext(ctx: DspContext): void {
  if (!Number.isInteger(ctx.axesCount) || ctx.axesCount < 1 || ctx.axisNames.length !== ctx.axesCount) {
    throw dspError('bad-axes', `The impulse has ${ctx.axisNames.length} axis names for ${ctx.axesCount} axes.`, 'Pick at least one axis in the impulse.');
  }
  if (!(ctx.frequencyHz > 0) || !Number.isFinite(ctx.frequencyHz)) {
    throw dspError('bad-frequency', `Sample rate ${ctx.frequencyHz} Hz is not a positive number.`, 'Set the impulse sample rate.');
  }
  if (!Number.isInteger(ctx.windowFrames) || ctx.windowFrames < 1) {
    throw dspError('bad-window', `A window of ${ctx.windowFrames} frames is empty or fractional.`, 'Increase the window size.');
  }
}

export function checkWindow(window: Float32Array, ctx: DspContext): void {
  const want = ctx.windowFrames * ctx.axesCount;
  if (window.length !== want) {
    throw dspError(
      'bad-window',
      `A window has ${window.length} values but the impulse expects ${want} (${ctx.windowFrames} frames × ${ctx.axesCount} axes).`,
      'Cut windows with the impulse windowing settings.',
    );
  }
}

/**
 * `str(round(f, 2))` for a numpy float64 `f`, used for Edge Impulse style band labels: numpy rounds
 * as rint(f·100)/100 (half to even on the scaled value), then prints the shortest repr ("3.0" for 3).
 */
export function pyRound2(x: number): string {
  const y = x * 100;
  const fl = Math.floor(y);
  const d = y - fl;
  const r = d > 0.5 ? fl + 1 : d < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
  const v = r / 100;
  if (Object.is(v, -0) || (v === 0 && x < 0)) return '-0.0';
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
