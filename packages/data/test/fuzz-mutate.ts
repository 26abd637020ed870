/**
 * Seeded, deterministic mutation of small files for fuzzing the readers: the same seed gives the
 * same sequence of mutants on every machine.
 */

/** A generator of uniform integers in [0, n), from a 32-bit seed (xorshift32). */
export function rng(seed: number): (n: number) => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return (n) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return Math.floor((state / 0x1_0000_0000) * n);
  };
}

/** Byte strings worth inserting: structure, line ends, quoting, extremes and prototype keys. */
const TOKENS = [
  "\n",
  "\r",
  "\r\n",
  ",",
  ";",
  "\t",
  '"',
  '""',
  "'",
  "{",
  "}",
  "[",
  "]",
  ":",
  "\\",
  "\\u",
  "\\ud800",
  "\\u0000",
  "-",
  ".",
  "e",
  "1e999",
  "-0",
  "NaN",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551616",
  "340282366920938463463374607431768211456",
  "null",
  "true",
  "",
  '"__proto__"',
  '"constructor"',
  '{"__proto__": {"polluted": 1}}',
  "__proto__",
  "prototype",
  "\u00e9",
  "\u{1F600}",
].map((t) => Buffer.from(t, "utf8"));

/** Raw bytes that are not valid UTF-8 or are control characters. */
const RAW = [
  Buffer.from([0xff]),
  Buffer.from([0xc3]),
  Buffer.from([0x00]),
  Buffer.from([0xed, 0xa0, 0x80]),
];

/** One mutant of `input`: 1–4 random edits (bytes flipped, set, inserted, deleted, repeated, cut). */
export function mutate(input: Buffer, next: (n: number) => number): Buffer {
  let b = Buffer.from(input);
  const edits = 1 + next(4);
  for (let k = 0; k < edits; k++) {
    const at = next(b.length + 1);
    switch (next(9)) {
      case 0:
        if (b.length > 0) b[next(b.length)] = next(256);
        break;
      case 1:
        if (b.length > 0) {
          const i = next(b.length);
          b[i] = b[i]! ^ (1 << next(8));
        }
        break;
      case 2:
      case 3:
        b = Buffer.concat([b.subarray(0, at), TOKENS[next(TOKENS.length)]!, b.subarray(at)]);
        break;
      case 4:
        b = Buffer.concat([b.subarray(0, at), RAW[next(RAW.length)]!, b.subarray(at)]);
        break;
      case 5:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + next(16)))]);
        break;
      case 6: {
        const end = Math.min(b.length, at + 1 + next(24));
        b = Buffer.concat([b.subarray(0, end), b.subarray(at, end), b.subarray(end)]);
        break;
      }
      case 7: {
        // A run of one opening bracket: nesting from a few levels to past any limit.
        const open = next(2) === 0 ? "[" : '{"k":';
        const run = Buffer.from(open.repeat(1 + next(next(2) === 0 ? 8 : 400)));
        b = Buffer.concat([b.subarray(0, at), run, b.subarray(at)]);
        break;
      }
      default:
        b = b.subarray(0, at);
    }
  }
  return b;
}
