/**
 * Seeded mutations of safetensors files for the loader fuzz tests: bit flips, byte changes,
 * truncations, header length edits, header JSON edits (with keys such as `__proto__` and
 * `constructor`, huge numbers, wrong types) and metadata JSON edits.
 */

/** A seeded PRNG (mulberry32): `next()` in [0, 1). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** The header JSON text and the data section of a safetensors file. */
export function splitFile(bytes: Uint8Array): { header: string; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return {
    header: new TextDecoder().decode(bytes.subarray(8, 8 + n)),
    data: bytes.subarray(8 + n),
  };
}

/** A safetensors file from header text and data, written as is (no checksum is recomputed). */
export function joinFile(header: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Values that stress a JSON reader: wrong types, huge and fractional numbers, odd keys. */
export const ODD_JSON: readonly string[] = [
  "null",
  "true",
  "0",
  "-1",
  "0.5",
  "1e12",
  "1e308",
  "-1e308",
  "9007199254740993",
  '""',
  '"x"',
  '"__proto__"',
  '"constructor"',
  "[]",
  "[1e12]",
  "[-1]",
  '["a"]',
  "{}",
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"prototype":{"polluted":1}}',
  '{"$tensor":"step"}',
  "[".repeat(40) + "]".repeat(40),
  "[".repeat(400) + "]".repeat(400),
  '{"a":'.repeat(300) + "0" + "}".repeat(300),
];

/** Names that must never become object keys along a path. */
export const ODD_NAMES: readonly string[] = [
  "__proto__",
  "__proto__.polluted",
  "constructor.prototype.polluted",
  "x.constructor",
  "x.prototype",
  "prototype.x",
  "",
  ".",
  "x.",
  ".x",
  "x",
  "__metadata__.x",
];

/**
 * Replaces one value inside `json` (chosen at random, by its text position) with an odd one, or
 * adds an odd key to an object. Works on the text, so keys like `__proto__` survive.
 */
export function mutateJsonText(json: string, rng: Rng): string {
  const value = rng.pick(ODD_JSON);
  const r = rng.int(4);
  if (r === 0) {
    // add a key to some object
    const opens = [...json.matchAll(/\{/g)].map((m) => m.index!);
    if (opens.length === 0) return value;
    const at = rng.pick(opens) + 1;
    const key = JSON.stringify(rng.pick(ODD_NAMES));
    const rest = json.slice(at).trimStart();
    return `${json.slice(0, at)}${key}:${value}${rest.startsWith("}") ? "" : ","}${json.slice(at)}`;
  }
  // replace a scalar value (a number, a string, true/false/null; not a key)
  const spots = [
    ...json.matchAll(/(?<=[:,[])(-?\d[\d.eE+-]*|"(?:[^"\\]|\\.)*"|true|false|null)(?!\s*:)/g),
  ];
  if (spots.length === 0) return value;
  const m = rng.pick(spots);
  return json.slice(0, m.index!) + value + json.slice(m.index! + m[0].length);
}

/** One raw mutation of a file's bytes (the checksum is not recomputed). */
export function mutateBytes(bytes: Uint8Array, rng: Rng): Uint8Array {
  const out = bytes.slice();
  switch (rng.int(6)) {
    case 0: {
      const i = rng.int(out.length);
      out[i]! ^= 1 << rng.int(8);
      return out;
    }
    case 1: {
      out[rng.int(out.length)] = rng.int(256);
      return out;
    }
    case 2:
      return out.subarray(0, rng.int(out.length));
    case 3: {
      const more = new Uint8Array(out.length + 1 + rng.int(16));
      more.set(out);
      for (let i = out.length; i < more.length; i++) more[i] = rng.int(256);
      return more;
    }
    case 4: {
      const view = new DataView(out.buffer);
      const n = view.getBigUint64(0, true);
      const choices = [0n, 1n, n - 1n, n + 1n, n + 8n, 1n << 40n, (1n << 64n) - 1n];
      view.setBigUint64(0, BigInt.asUintN(64, rng.pick(choices)), true);
      return out;
    }
    default: {
      const { header, data } = splitFile(out);
      return joinFile(mutateJsonText(header, rng), data);
    }
  }
}
