/**
 * The one way a `tinyml` subcommand is defined and run. A command is an option spec plus a run
 * function (`defineCommand`); `runCommand` is the guard every command goes through:
 *
 *   argv → `parseFlags` (unknown / valueless / repeated flags, stray arguments: usage error, exit 2)
 *        → --help → required flags → the command's output path checked and created (`prepareOutput`,
 *          before any work) → run → exit code.
 *
 * Anything thrown becomes one line on stderr and an exit code (`exitCodeOf`, src/cli/exit-codes.ts):
 * StudioErrors print their message and remedy, Node file-system errors become StudioErrors with a
 * remedy (`fsError`), anything else is an unexpected failure (exit 1). The stack is printed only with
 * `--debug` (accepted by every command). Node-only.
 */
import { StudioError } from '../core/errors.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { fsError } from './fs-errors.ts';
import { type OutputTarget, type PreparedOutput, prepareOutput } from './out-path.ts';
import { echo } from '../core/echo.ts';

export interface StringOption {
  type: 'string';
  multiple?: boolean;
  short?: string;
}
export interface BooleanOption {
  type: 'boolean';
  short?: string;
}
export type OptionSpec = Record<string, StringOption | BooleanOption>;

/** The parsed flags: strings, string lists for `multiple`, booleans. Absent flags are absent. */
export type FlagValues<O extends OptionSpec> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
};

export interface CommandContext {
  /** The output prepared before `run` (absolute path), when the command declares one. */
  out?: string;
  debug: boolean;
}

export interface Command<O extends OptionSpec> {
  name: string;
  help: string;
  options: O;
  /** Flags that must be given (a usage error names all missing ones). */
  required?: readonly (keyof O & string)[];
  /** Where the command writes, checked and created before `run` (undefined: nothing to prepare). */
  output?(values: FlagValues<O>): OutputTarget | undefined;
  run(values: FlagValues<O>, ctx: CommandContext): Promise<number>;
}

/** Typing helper: `export const command = defineCommand({ … })`. */
export function defineCommand<const O extends OptionSpec>(c: Command<O>): Command<O> {
  return c;
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const satisfies OptionSpec;

export function usageError(message: string, remedy: string): StudioError {
  return new StudioError({ family: 'config', code: 'usage', message, remedy });
}

function closest(name: string, names: string[]): string | undefined {
  if (name.length > 40) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    const m = name.length;
    const k = n.length;
    if (Math.abs(m - k) >= bestD) continue;
    let prev = Array.from({ length: k + 1 }, (_, j) => j);
    for (let i = 1; i <= m; i++) {
      const cur = [i];
      for (let j = 1; j <= k; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (name[i - 1] === n[j - 1] ? 0 : 1));
      prev = cur;
    }
    if (prev[k] < bestD) {
      bestD = prev[k];
      best = n;
    }
  }
  return best;
}

/**
 * Parses `argv` against `options` (plus --help/-h and --debug). Accepts `--name value`, `--name=value`,
 * boolean `--flag`, the declared short flags, and repeats only for `multiple` options. Everything
 * else — an unknown flag, a missing value, a value given to a boolean, a repeated flag, any positional
 * argument (also after `--`) — is a usage error (StudioError family 'config', exit 2) whose message
 * echoes the offending argument truncated and escaped. Never throws anything else.
 */
export function parseFlags<O extends OptionSpec>(command: string, options: O, argv: readonly string[]): FlagValues<O & typeof COMMON_OPTIONS> {
  const spec = new Map<string, StringOption | BooleanOption>();
  for (const [k, v] of Object.entries({ ...options, ...COMMON_OPTIONS })) spec.set(k, v);
  const shorts = new Map<string, string>();
  for (const [k, v] of spec) if (v.short) shorts.set(v.short, k);
  const remedy = `Run \`tinyml ${command} --help\` for its options.`;
  const values = Object.create(null) as Record<string, string | string[] | boolean>;
  for (let i = 0; i < argv.length; i++) {
    const arg = String(argv[i]);
    if (arg === '--') {
      if (i + 1 < argv.length) throw usageError(`unexpected argument ${echo(String(argv[i + 1]))}: tinyml ${command} takes only --flags.`, remedy);
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (arg.length === 2 && arg[0] === '-' && shorts.has(arg[1])) {
      name = shorts.get(arg[1])!;
    } else if (arg.startsWith('-') && arg.length > 1) {
      throw usageError(`unknown option ${echo(arg)}.`, remedy);
    } else {
      throw usageError(`unexpected argument ${echo(arg)}: tinyml ${command} takes only --flags.`, remedy);
    }
    const opt = spec.get(name);
    if (!opt) {
      const guess = closest(name, [...spec.keys()]);
      throw usageError(`unknown option ${echo(`--${name}`)}${guess ? ` (did you mean --${guess}?)` : ''}.`, remedy);
    }
    if (opt.type === 'boolean') {
      if (inline !== undefined) throw usageError(`--${name} takes no value (got ${echo(inline)}).`, remedy);
      if (values[name] !== undefined) throw usageError(`--${name} is given twice.`, remedy);
      values[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined) throw usageError(`--${name} needs a value.`, remedy);
      if (String(next).startsWith('--')) throw usageError(`--${name} needs a value (found the option ${echo(String(next))} instead).`, `Give one, or write --${name}=VALUE when the value itself starts with --.`);
      value = String(next);
      i++;
    }
    if (opt.multiple) {
      const prev = values[name];
      values[name] = [...(Array.isArray(prev) ? prev : []), value];
    } else {
      if (values[name] !== undefined) throw usageError(`--${name} is given twice.`, 'Give each option once.');
      values[name] = value;
    }
  }
  return values as FlagValues<O & typeof COMMON_OPTIONS>;
}

/** True when argv asks for the stack trace (looked up without parsing, so it works for every failure). */
function wantsDebug(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--debug') || process.env.TINYML_DEBUG === '1';
}

/** One line for stderr: control characters escaped, so a hostile message cannot forge lines. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\n' ? ' ' : c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** What the guard prints for a failure (without the `tinyml <cmd>:` prefix). */
export function describeFailure(e: unknown): string {
  if (e instanceof StudioError) return oneLine(e.describe());
  const msg = e instanceof Error ? e.message : String(e);
  return oneLine(`unexpected error: ${msg.length > 300 ? msg.slice(0, 300) + '…' : msg} Run again with --debug for the stack trace, and report it.`);
}

/** The guard: parse, check, prepare the output, run; every failure becomes one line and an exit code. */
export async function runCommand<O extends OptionSpec>(cmd: Command<O>, argv: readonly string[]): Promise<number> {
  const debug = wantsDebug(argv);
  let prepared: PreparedOutput | undefined;
  try {
    const values = parseFlags(cmd.name, cmd.options, argv);
    if (values.help) {
      console.log(cmd.help);
      return EXIT.ok;
    }
    const missing = (cmd.required ?? []).filter((k) => values[k] === undefined || values[k] === '');
    if (missing.length) throw usageError(`${missing.map((k) => `--${k}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} required.`, `Run \`tinyml ${cmd.name} --help\` for its options.`);
    const target = cmd.output?.(values as FlagValues<O>);
    prepared = target ? prepareOutput(target) : undefined;
    const code = await cmd.run(values as FlagValues<O>, { debug, ...(prepared ? { out: prepared.path } : {}) });
    if (code !== EXIT.ok && code !== EXIT.failure) prepared?.cleanup();
    return code;
  } catch (raw) {
    prepared?.cleanup();
    const e = raw instanceof StudioError ? raw : (fsError(raw) ?? raw);
    console.error(`tinyml ${cmd.name}: ${describeFailure(e)}`);
    if (debug && raw instanceof Error && raw.stack) console.error(raw.stack);
    return exitCodeOf(e);
  }
}
