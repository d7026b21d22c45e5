/**
 * Echoing input back in a message: quoted, cut to about 80 characters, control characters escaped,
 * so a hostile argument, cell or field cannot flood or forge a terminal or a dialog. DOM-free.
 */
export const ECHO_MAX = 80;

/**
 * Text from input made safe to show, unquoted: control characters (C0, DEL, C1, bidi overrides, line
 * and paragraph separators, BOM) escaped as `\n`, `\u0000`…, and cut to `max` characters with an
 * ellipsis and the full length. Every message that shows a cell, name, argument or path uses it.
 */
export function escapeText(s: string, max = ECHO_MAX): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  // eslint-disable-next-line no-control-regex -- matching control characters is this function's purpose
  let out = cut.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  // Never end on half of a surrogate pair.
  if (s.length > max) {
    const last = out.charCodeAt(out.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
    out += `… (${s.length.toLocaleString('en-US')} characters)`;
  }
  return out;
}

/** `escapeText` in double quotes (quotes and backslashes inside escaped), for a value inside a sentence. */
export function echo(s: string, max = ECHO_MAX): string {
  const head = s.length > max ? s.slice(0, max) : s;
  let body = escapeText(head.replace(/[\\"]/g, '\\$&'), Infinity);
  if (s.length > max) {
    const last = body.charCodeAt(body.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) body = body.slice(0, -1);
    body += `… (${s.length.toLocaleString('en-US')} characters)`;
  }
  return `"${body}"`;
}

/** A file path from input made safe to show: escaped, and long paths keep their start and end. */
export function shownPath(p: string): string {
  if (p.length <= 160) return escapeText(p, 160);
  return `${escapeText(p.slice(0, 60), 60)}…${escapeText(p.slice(-90), 90)}`;
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
