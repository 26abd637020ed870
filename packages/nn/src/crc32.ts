/**
 * CRC-32 (the IEEE 802.3 polynomial of zip, PNG and gzip), table-driven. Pure JavaScript, so it
 * runs wherever the safetensors code does. It detects every single-bit error and every burst of
 * up to 32 bits, which is what it is for here: noticing corrupted files, not tampering.
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

/**
 * Continues a CRC-32 over `bytes`: start with `crc32(first)`, then `crc32(next, previous)`.
 * Returns the unsigned 32-bit checksum.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The checksum as 8 lowercase hex digits. */
export function crc32Hex(value: number): string {
  return value.toString(16).padStart(8, "0");
}
