// Draws the app icons (PNG) without any image library: a rounded tile with a sensor trace.
// Run: node scripts/make-icons.mjs  (outputs are committed in public/icons/)
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, maskable) {
  const px = Buffer.alloc(size * size * 4);
  const r = maskable ? 0 : size * 0.18;
  const inset = maskable ? 0 : size * 0.04;
  const set = (x, y, c) => { const i = (y * size + x) * 4; px[i] = c[0]; px[i + 1] = c[1]; px[i + 2] = c[2]; px[i + 3] = c[3]; };
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const dx = Math.max(inset + r - x, x - (size - 1 - inset - r), 0);
    const dy = Math.max(inset + r - y, y - (size - 1 - inset - r), 0);
    const inside = x >= inset && y >= inset && x < size - inset && y < size - inset && dx * dx + dy * dy <= r * r;
    set(x, y, inside ? [22, 50, 79, 255] : [0, 0, 0, 0]);
  }
  const traces = [[[240, 128, 60], 0], [[90, 200, 160], 2.1], [[120, 170, 255], 4.2]];
  for (const [col, ph] of traces) {
    for (let x = Math.round(size * 0.18); x < size * 0.82; x++) {
      const t = (x / size) * Math.PI * 4 + ph;
      const yc = size / 2 + Math.sin(t) * size * 0.16 * Math.exp(-Math.abs(x / size - 0.5) * 2.5);
      const w = Math.max(1, size / 64);
      for (let y = Math.round(yc - w); y <= Math.round(yc + w); y++) set(x, y, [...col, 255]);
    }
  }
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) { raw[y * (size * 4 + 1)] = 0; px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); }
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', png(192, false));
writeFileSync('public/icons/icon-512.png', png(512, false));
writeFileSync('public/icons/icon-512-maskable.png', png(512, true));
writeFileSync('public/favicon.png', png(64, false));
