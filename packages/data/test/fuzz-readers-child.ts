/**
 * The fuzzing run of `fuzz-readers.test.ts`, in a child process so that a native crash of Polars is
 * reported (with the input that caused it) instead of killing the test runner. Each reader gets
 * seeded mutants of a few small valid files, written one at a time to their own path, read and
 * deleted: after a crash, the file left in the directory is the one that crashed it.
 *
 * argv[2] is a JSON `FuzzConfig`; one JSON `FuzzResult` line per reader is printed to stdout.
 */
import fs from "node:fs";
import path from "node:path";
import { pl, readCsv, readIpc, readJson, readParquet } from "@dendrite/data";
import { mutate, rng } from "./fuzz-mutate.js";

export interface FuzzConfig {
  dir: string;
  seed: number;
  /** Mutants per reader. */
  runs: Record<string, number>;
  /** Time cap per reader, in ms: it stops early (and says so) on a slow machine. */
  budgetMs: number;
}

export interface FuzzResult {
  reader: string;
  runs: number;
  read: number;
  refused: number;
  /** Errors that are not an Error naming the reader and the file, or that carry panic text. */
  unclean: string[];
  /** Frames that read but whose schema cannot be looked at. */
  unusable: string[];
  /** Own keys that Object.prototype or Array.prototype gained. */
  prototypeKeys: string[];
}

/** Texts that mean a Rust panic, or a JavaScript slip, reached the user. */
const UNCLEAN =
  /panicked|unwrap\(\)|expect\(\)|assertion|not yet implemented|out of range for slice|index out of bounds|with overflow|RUST_BACKTRACE|Cannot read properties|is not a function|is not iterable/;

function seedsText(): Record<string, Buffer[]> {
  const b = (s: string) => Buffer.from(s, "utf8");
  return {
    csv: [
      b('a,b,s,t\n1,1.5,x,true\n2,,"y,z",false\n,3.25,"q""uote",\n4,-1e10,,true\n'),
      b('id,name,score\r\n1,"multi\r\nline",0.5\r\n2,plain,7\r\n'),
      b("a,b\r1,2\r3,4\r5,6\r"),
      b("x;y\n1;2\n"),
      b("only,a,header\n"),
    ],
    json: [
      b(
        '[{"a":1,"b":1.5,"s":"x","l":[1,2]},{"a":2,"b":null,"s":"y\\"z","o":{"k":true}},{"a":null,"b":3.25,"s":"\\u00e9"}]',
      ),
      b('[{"n":9223372036854775807,"m":-9223372036854775808},{"n":0,"m":1e300}]'),
      b('[{"deep":[[[[1]]]],"t":"[{\\"not\\":\\"nested\\"}]"}]'),
    ],
    ndjson: [
      b(
        '{"a":1,"b":1.5,"s":"x","l":[1,2]}\n{"a":2,"b":null,"s":"y\\"z","o":{"k":true}}\n{"a":null,"b":3.25,"s":"\\u00e9"}\n',
      ),
      b('{"x":"a\\nb"}\r\n{"x":"[[["}\r\n\r\n{"x":null}\r\n'),
    ],
  };
}

function seedsBinary(dir: string): Record<string, Buffer[]> {
  const frames = [
    pl.DataFrame({
      a: [1, 2, null, 4],
      b: [1.5, null, 3.25, -1e10],
      s: ["x", "y,z", 'q"uote', null],
      c: pl.Series(["u", "v", "u", "w"]).cast(pl.Categorical),
      t: [true, false, null, true],
    }),
    pl.DataFrame({ l: [[1, 2], [3], [], null], d: [0.5, 1, 2, 4] }),
  ];
  const out: Record<string, Buffer[]> = { parquet: [], ipc: [] };
  frames.forEach((df, i) => {
    const p = path.join(dir, `seed-${i}.parquet`);
    df.writeParquet(p);
    out.parquet!.push(fs.readFileSync(p));
    out.ipc!.push(Buffer.from(df.writeIPC()));
    fs.rmSync(p);
  });
  return out;
}

/** Each reader with the file extensions it is given (alternating: one Polars reads by path, one as bytes). */
const READERS: Record<string, { read: (p: string) => pl.DataFrame; ext: string[] }> = {
  csv: { read: (p) => readCsv(p), ext: [".csv", ".data"] },
  json: { read: (p) => readJson(p), ext: [".json", ".txt"] },
  ndjson: { read: (p) => readJson(p), ext: [".ndjson", ".jsonl"] },
  parquet: { read: (p) => readParquet(p), ext: [".parquet", ".pq"] },
  ipc: { read: (p) => readIpc(p), ext: [".ipc", ".arrow"] },
};

const OP: Record<string, string> = {
  csv: "readCsv",
  json: "readJson",
  ndjson: "readJson",
  parquet: "readParquet",
  ipc: "readIpc",
};

function prototypeKeys(): string[] {
  return [
    ...Object.getOwnPropertyNames(Object.prototype).map((k) => `Object.prototype.${k}`),
    ...Object.getOwnPropertyNames(Array.prototype).map((k) => `Array.prototype.${k}`),
  ];
}

function fuzzOne(reader: string, seeds: Buffer[], config: FuzzConfig): FuzzResult {
  const { read, ext } = READERS[reader]!;
  const op = OP[reader]!;
  const next = rng(config.seed ^ (reader.length * 0x45d9f3b));
  const before = new Set(prototypeKeys());
  const result: FuzzResult = {
    reader,
    runs: 0,
    read: 0,
    refused: 0,
    unclean: [],
    unusable: [],
    prototypeKeys: [],
  };
  const start = Date.now();
  const total = config.runs[reader] ?? 0;
  for (let i = 0; i < total && Date.now() - start < config.budgetMs; i++) {
    const input = mutate(seeds[i % seeds.length]!, next);
    const file = path.join(config.dir, `${reader}-${i}${ext[i % ext.length]}`);
    fs.writeFileSync(file, input);
    result.runs++;
    try {
      const df = read(file);
      result.read++;
      try {
        void df.dtypes.map(String);
        void df.height;
      } catch (err) {
        if (result.unusable.length < 5) result.unusable.push(`${file}: ${String(err)}`);
      }
    } catch (err) {
      result.refused++;
      const text = err instanceof Error ? err.message : `(not an Error) ${String(err)}`;
      const clean =
        err instanceof Error &&
        text.startsWith(`${op}: `) &&
        text.includes(file) &&
        !UNCLEAN.test(text);
      if (!clean && result.unclean.length < 5) {
        fs.copyFileSync(file, `${file}.unclean`);
        result.unclean.push(`${file}: ${text.slice(0, 300)}`);
      }
    }
    fs.rmSync(file);
  }
  result.prototypeKeys = prototypeKeys().filter((k) => !before.has(k));
  return result;
}

function main(): void {
  const config = JSON.parse(process.argv[2]!) as FuzzConfig;
  const seeds = { ...seedsText(), ...seedsBinary(config.dir) };
  for (const reader of Object.keys(config.runs)) {
    const out = fuzzOne(reader, seeds[reader]!, config);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

main();
