/**
 * Echoing input back in a message: quoted, cut to about 80 characters, control characters escaped,
 * so a hostile argument, cell or field cannot flood or forge a terminal or a dialog. DOM-free.
 */
export const ECHO_MAX = 80;

/** A string as a quoted, truncated, escaped literal: `"abc"`, `"aaaa… (10000 characters)"`. */
export function echo(s: string, max = ECHO_MAX): string {
  const chars = Array.from(s.length > max * 4 ? s.slice(0, max * 4) : s);
  const cut = chars.length > max ? chars.slice(0, max).join('') + `… (${s.length} characters)` : s;
  // JSON.stringify escapes quotes, backslashes and C0 controls; escape C1 and line separators too.
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Any value as short text for a message: strings echoed, other JSON cut to about `max` characters. */
export function echoValue(v: unknown, max = ECHO_MAX): string {
  if (typeof v === 'string') return echo(v, max);
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function' || typeof v === 'symbol') return typeof v;
  let text: string;
  try {
    // Bounded: stop serialising once the text is long enough.
    let budget = max * 4;
    text =
      JSON.stringify(v, (_k, x: unknown) => {
        if (budget < 0) return undefined;
        if (typeof x === 'string') {
          budget -= Math.min(x.length, max);
          return x.length > max ? x.slice(0, max) + '…' : x;
        }
        budget -= 8;
        return x instanceof ArrayBuffer || ArrayBuffer.isView(x) ? `<${(x as ArrayBuffer).byteLength} bytes>` : x;
      }) ?? String(v);
  } catch {
    text = Array.isArray(v) ? 'a list' : 'an object';
  }
  const chars = Array.from(text);
  const cut = chars.length > max ? chars.slice(0, max).join('') + '…' : text;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
