/**
 * Reading untrusted zip files without trusting them, and writing zips. DOM-free core module.
 *
 * `SafeZip` reads the central directory itself, refuses encrypted, ZIP64 and path-traversal entries,
 * limits the entry count and the declared sizes, then inflates an entry only when asked, in small
 * chunks with a running byte count: an entry that inflates beyond its declared size or the limits (a
 * zip bomb) is refused as soon as it does, without allocating its full size. CRCs are checked.
 * Entries of 1 MB or more that claim to unpack to more than `maxCompressionRatio` times their compressed
 * size are refused from the directory alone, before anything is inflated, and each entry is inflated at
 * most once (a second read of the same entry is refused rather than paid for again).
 */
import { Inflate, zipSync, type Zippable } from 'fflate';
import type { ImportLimits } from './limits.ts';
import { decodeText, fmtBytes, importError, withLimits } from './limits.ts';
import { echo } from '../../core/echo.ts';

export interface ZipEntry {
  /** Normalised path inside the zip ('/' separators). */
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  /** Declared decompressed size. */
  size: number;
  localOffset: number;
}

let crcTable: Int32Array | undefined;
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Throws unless a zip entry name is a plain relative path (no absolute paths, drive letters, `..`, NUL). */
export function checkEntryName(zipName: string, raw: string): string {
  const name = raw.replace(/\\/g, '/');
  const bad =
    name.length === 0 ||
    name.length > 1024 ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\0') ||
    name.split('/').some((p) => p === '..');
  if (bad) {
    throw importError('unsafe-path', zipName, `contains an entry with an unsafe path (${echo(raw)}).`, {
      remedy: 'This archive tries to write outside its folder; it was refused. Only import archives from sources you trust.',
    });
  }
  return name.replace(/^(\.\/)+/, '');
}

export class SafeZip {
  readonly entries: ZipEntry[] = [];
  private readonly data: Uint8Array;
  private readonly dv: DataView;
  private readonly limits: ImportLimits;
  private inflated = 0;
  private readonly done = new Set<ZipEntry>();

  constructor(
    data: Uint8Array,
    readonly fileName: string,
    limits?: Partial<ImportLimits>,
  ) {
    this.data = data;
    this.limits = withLimits(limits);
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (data.length > this.limits.maxZipBytes) {
      throw importError('too-large', fileName, `the zip is ${fmtBytes(data.length)}, more than the limit of ${fmtBytes(this.limits.maxZipBytes)}.`);
    }
    this.readDirectory();
  }

  private corrupt(what: string): never {
    throw importError('bad-zip', this.fileName, `is not a readable zip file (${what}).`, {
      remedy: 'The file may be truncated or damaged; export or download it again.',
    });
  }

  private readDirectory(): void {
    const d = this.data;
    const dv = this.dv;
    let eocd = -1;
    for (let i = d.length - 22; i >= Math.max(0, d.length - 22 - 65535); i--) {
      if (dv.getUint32(i, true) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) this.corrupt('no end-of-directory record');
    const count = dv.getUint16(eocd + 10, true);
    const cdSize = dv.getUint32(eocd + 12, true);
    const cdOff = dv.getUint32(eocd + 16, true);
    if (count === 0xffff || cdOff === 0xffffffff || cdSize === 0xffffffff) {
      throw importError('zip64', this.fileName, 'is a ZIP64 archive, which is not supported.', {
        remedy: 'Zip fewer or smaller files (under 4 GB and 65,535 entries).',
      });
    }
    if (count > this.limits.maxZipEntries) {
      throw importError('too-many-entries', this.fileName, `has ${count} entries, more than the limit of ${this.limits.maxZipEntries}.`);
    }
    if (cdOff + cdSize > eocd) this.corrupt('directory outside the file');
    let p = cdOff;
    let declared = 0;
    const seen = new Set<string>();
    const dec = new TextDecoder('utf-8', { fatal: false });
    for (let i = 0; i < count; i++) {
      if (p + 46 > eocd || dv.getUint32(p, true) !== 0x02014b50) this.corrupt('bad directory entry');
      const flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true);
      const crc = dv.getUint32(p + 16, true);
      const compressedSize = dv.getUint32(p + 20, true);
      const size = dv.getUint32(p + 24, true);
      const nLen = dv.getUint16(p + 28, true);
      const eLen = dv.getUint16(p + 30, true);
      const cLen = dv.getUint16(p + 32, true);
      const localOffset = dv.getUint32(p + 42, true);
      if (p + 46 + nLen > eocd) this.corrupt('entry name outside the directory');
      const raw = dec.decode(d.subarray(p + 46, p + 46 + nLen));
      p += 46 + nLen + eLen + cLen;
      if (raw.endsWith('/') || raw.endsWith('\\')) {
        checkEntryName(this.fileName, raw.slice(0, -1) || 'x');
        continue; // folder
      }
      const name = checkEntryName(this.fileName, raw);
      if (flags & 1) {
        throw importError('encrypted', this.fileName, `entry ${echo(name)} is encrypted.`, { remedy: 'Export the archive again without a password.' });
      }
      if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
        throw importError('zip64', this.fileName, `entry ${echo(name)} uses ZIP64 sizes, which are not supported.`);
      }
      if (seen.has(name)) throw importError('duplicate-entry', this.fileName, `has two entries named ${echo(name)}.`);
      if (method !== 0 && size >= 1024 * 1024 && size > this.limits.maxCompressionRatio * compressedSize) {
        throw importError('zip-bomb', this.fileName, `entry ${echo(name)} claims to unpack ${fmtBytes(compressedSize)} to ${fmtBytes(size)}, more than ${this.limits.maxCompressionRatio} times its size; the archive was refused unread.`, {
          remedy: 'This looks like a zip bomb (an archive built to exhaust memory). Nothing from it was imported; if the data is genuine, zip it without such extreme compression or import the files unzipped.',
        });
      }
      seen.add(name);
      declared += size;
      this.entries.push({ name, method, crc, compressedSize, size, localOffset });
    }
    if (declared > this.limits.maxTotalBytes) {
      throw importError('zip-too-large', this.fileName, `would unpack to ${fmtBytes(declared)}, more than the limit of ${fmtBytes(this.limits.maxTotalBytes)}.`, {
        remedy: 'This may be a zip bomb; it was refused. Split the archive if it is genuine.',
      });
    }
  }

  /** The entry with this path, if any. */
  find(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /**
   * Decompresses one entry, enforcing the per-entry and running total limits while inflating. Each
   * entry is inflated once: the caller keeps the bytes only as long as it needs them.
   */
  read(e: ZipEntry): Uint8Array {
    if (this.done.has(e)) {
      throw importError('entry-read-twice', this.fileName, `entry ${echo(e.name)} is used more than once; it is read only once.`, {
        remedy: 'Each file of an archive can be imported once; list it once.',
      });
    }
    this.done.add(e);
    const lim = Math.min(this.limits.maxEntryBytes, this.limits.maxTotalBytes - this.inflated);
    if (e.size > this.limits.maxEntryBytes) {
      throw importError('zip-too-large', this.fileName, `entry ${echo(e.name)} would unpack to ${fmtBytes(e.size)}, more than the limit of ${fmtBytes(this.limits.maxEntryBytes)}.`, {
        remedy: 'This may be a zip bomb; it was refused.',
      });
    }
    if (e.size > lim) {
      throw importError('zip-too-large', this.fileName, `unpacks to more than the limit of ${fmtBytes(this.limits.maxTotalBytes)} in all.`, {
        remedy: 'This may be a zip bomb; it was refused.',
      });
    }
    const dv = this.dv;
    const lo = e.localOffset;
    if (lo + 30 > this.data.length || dv.getUint32(lo, true) !== 0x04034b50) this.corrupt(`bad local header for ${echo(e.name)}`);
    const start = lo + 30 + dv.getUint16(lo + 26, true) + dv.getUint16(lo + 28, true);
    const end = start + e.compressedSize;
    if (end > this.data.length) this.corrupt(`entry ${echo(e.name)} is truncated`);
    const src = this.data.subarray(start, end);
    let out: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) this.corrupt(`stored entry ${echo(e.name)} has inconsistent sizes`);
      out = src.slice();
    } else if (e.method === 8) {
      out = new Uint8Array(e.size);
      let n = 0;
      const tooBig = (): never => {
        throw importError('zip-bomb', this.fileName, `entry ${echo(e.name)} unpacks to more than its declared ${fmtBytes(e.size)}; refused.`, {
          remedy: 'The archive is damaged or built to exhaust memory (a zip bomb). Nothing from it was imported.',
        });
      };
      const inf = new Inflate((chunk) => {
        if (n + chunk.length > e.size) tooBig();
        out.set(chunk, n);
        n += chunk.length;
      });
      const CH = 4096; // at most ~4 MB of output per push, even for a zip bomb
      try {
        for (let i = 0; i < src.length; i += CH) inf.push(src.subarray(i, Math.min(src.length, i + CH)), i + CH >= src.length);
        if (src.length === 0) inf.push(new Uint8Array(0), true);
      } catch (err) {
        if (err instanceof Error && err.name === 'StudioError') throw err;
        this.corrupt(`entry ${echo(e.name)} does not inflate: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (n !== e.size) this.corrupt(`entry ${echo(e.name)} unpacks to ${n} bytes, not the declared ${e.size}`);
    } else {
      throw importError('zip-method', this.fileName, `entry ${echo(e.name)} uses compression method ${e.method}; only stored and deflate are supported.`);
    }
    if (crc32(out) !== e.crc) this.corrupt(`checksum mismatch in ${echo(e.name)}`);
    this.inflated += out.length;
    return out;
  }

  /** An entry's text (UTF-8, or UTF-16 with a BOM); the inflated bytes are dropped once decoded. */
  readText(e: ZipEntry): string {
    return decodeText(this.read(e));
  }
}

export function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5) && (data[3] === 4 || data[3] === 6);
}

/** Writes a zip (deflate; binary files listed in `store` are stored uncompressed). */
export function writeZip(files: { name: string; data: Uint8Array }[], opts: { level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9; store?: (name: string) => boolean } = {}): Uint8Array {
  const z: Zippable = {};
  for (const f of files) {
    checkEntryName('output', f.name);
    z[f.name] = opts.store?.(f.name) ? [f.data, { level: 0 }] : f.data;
  }
  return zipSync(z, { level: opts.level ?? 6, mtime: new Date('2020-01-01T00:00:00Z') });
}
