/**
 * CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, init 0xFFFFFFFF, final XOR 0xFFFFFFFF).
 * DOM-free core module.
 *
 * One CRC for everything: it protects every protocol frame and identifies an uploaded model
 * (MODEL_BEGIN / the slot header). CRC-32 rather than CRC-16 for frames because a fuzzed or noisy
 * link must practically never let a corrupted frame through (1 in 4·10⁹ per corrupted frame instead of
 * 1 in 65 536). Check value: crc32("123456789") = 0xCBF43926.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continues a CRC over more bytes: pass the previous result as `crc` (start with 0). */
export function crc32Update(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32/IEEE of `data[start..end)`. */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  return crc32Update(0, data, start, end);
}
