/**
 * Recording names, safe file names and spreadsheet-safe CSV cells. DOM-free core module.
 *
 * Recordings are named `<label>.<id>` (the common CSV layout). Labels and ids come from untrusted
 * files, so anything written back as a file name is reduced to a safe character set, and any text cell
 * that a spreadsheet would run as a formula (= + - @ tab CR) is prefixed with a quote.
 */

/** Splits `<label>.<id>` (or a file name with an extension already removed) into label and id. */
export function splitName(stem: string): { label: string; id: string } {
  const dot = stem.indexOf('.');
  if (dot <= 0 || dot === stem.length - 1) return { label: stem, id: stem };
  return { label: stem.slice(0, dot), id: stem.slice(dot + 1) };
}

/** The id part of a recording name (`circle.6600enq7` → `6600enq7`). */
export function idFromName(name: string): string {
  return splitName(name).id;
}

/** Last path component of a path with / or \ separators. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** Lower-case extension without the dot ('' when none). */
export function extension(path: string): string {
  const b = baseName(path);
  const i = b.lastIndexOf('.');
  return i > 0 ? b.slice(i + 1).toLowerCase() : '';
}

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * A file-name-safe version of one name part: letters, digits, `_` and `-` only (dots are the
 * label/id separator), at most 80 characters, never empty, never a reserved device name.
 */
export function safePart(s: string, allowDots = false): string {
  let out = s.normalize('NFC').replace(allowDots ? /[^A-Za-z0-9_\-.]/g : /[^A-Za-z0-9_-]/g, '_');
  out = out.replace(/\.{2,}/g, '_').replace(/^[.]+|[.]+$/g, '_').slice(0, 80);
  if (!out) out = '_';
  if (RESERVED.test(out)) out = `_${out}`;
  return out;
}

/**
 * Safe, unique `<label>.<id>` file stems for a list of recordings. `used` collects stems already taken
 * (compared case-insensitively, for case-insensitive file systems).
 */
export function safeStem(label: string, id: string, used: Set<string>): string {
  const base = `${safePart(label)}.${safePart(id, true)}`;
  let stem = base;
  for (let n = 2; used.has(stem.toLowerCase()); n++) stem = `${base}_${n}`;
  used.add(stem.toLowerCase());
  return stem;
}

const DANGEROUS_FIRST = new Set(['=', '+', '-', '@', '\t', '\r', "'"]);

/**
 * One CSV text cell, safe for spreadsheets: cells starting with = + - @ tab CR (or a quote, so the
 * escaping can be undone) get a leading `'`; cells with commas, quotes or newlines are quoted.
 */
export function csvTextCell(s: string): string {
  let v = s.length > 0 && DANGEROUS_FIRST.has(s[0]) ? `'${s}` : s;
  if (/[",\n\r]/.test(v)) v = `"${v.replace(/"/g, '""')}"`;
  return v;
}

/** Undoes the formula-escaping of `csvTextCell` (after CSV unquoting). */
export function unescapeTextCell(s: string): string {
  return s.startsWith("'") ? s.slice(1) : s;
}

/** Splits one CSV line into cells, honouring double-quoted cells ("" inside quotes is a quote). */
export function splitCsvLine(line: string): string[] {
  if (line.indexOf('"') < 0) return line.split(',');
  const cells: string[] = [];
  let cur = '';
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQ) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQ = false;
      } else cur += c;
    } else if (c === '"') inQ = true;
    else if (c === ',') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  return cells;
}

/** The id part to put after the label in a file name: the name without its `<label>.` prefix. */
export function idPart(label: string, name: string): string {
  if (name.startsWith(`${label}.`) && name.length > label.length + 1) return name.slice(label.length + 1);
  return name;
}
