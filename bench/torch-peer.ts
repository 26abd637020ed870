// The PyTorch peer of W3, W5 and M1: Debian's /usr/bin/python3 with python3-torch running
// bench/torch_peer.py as one long-lived child process that answers JSON requests line by line,
// so each benchmark can interleave its rounds with Dendrite's. Tensors reach it as raw f32 / i32
// files in a temporary folder, which Dendrite reads back too: both start from the same bytes.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const PYTHON = "/usr/bin/python3";
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "torch_peer.py");

/** What the peer says about itself. */
export interface TorchInfo {
  torch: string;
  numpy: string;
  /** The BLAS library torch loaded (Debian: OpenBLAS through the libblas.so.3 alternative). */
  blas: string | null;
  /** Whether the peer can set OpenBLAS' thread count (torch.set_num_threads does not). */
  openblas: boolean;
  /** torch.get_num_threads() before any request. */
  threads: number;
  /** OMP_WAIT_POLICY as the peer sees it (unset: libgomp's default, which spins). */
  omp_wait_policy: string | null;
}

/** A running peer process. */
export class TorchPeer {
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = "";
  /** Set by `start` from the peer's answer to "hello". */
  info!: TorchInfo;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: child.stdout }).on("line", (line) => this.pending.shift()?.(line));
    child.on("exit", (code) => {
      const why = JSON.stringify({
        error: `the peer exited (${code}): ${this.stderr.slice(-400)}`,
      });
      for (const reply of this.pending.splice(0)) reply(why);
    });
  }

  /**
   * Starts the peer, or returns why it cannot run (no /usr/bin/python3, or no torch in it: the
   * benchmark then reports Dendrite alone).
   */
  static async start(): Promise<TorchPeer | { error: string }> {
    const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
    if (probe.status !== 0) {
      const why = (probe.stderr || String(probe.error)).trim().split("\n").at(-1);
      return {
        error: `${PYTHON} -c "import torch" failed (apt-get install python3-torch): ${why}`,
      };
    }
    const peer = new TorchPeer(spawn(PYTHON, [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] }));
    peer.info = await peer.request<TorchInfo>({ op: "hello" });
    return peer;
  }

  /** Sends one request and resolves to its answer (rejects with the peer's error). */
  request<T>(req: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push((line) => {
        const answer = JSON.parse(line) as { ok?: T; error?: string };
        if (answer.error !== undefined)
          reject(new Error(`torch peer, ${String(req.op)}: ${answer.error}`));
        else resolve(answer.ok as T);
      });
      this.child.stdin.write(JSON.stringify(req) + "\n");
    });
  }

  /** Has the peer read the file at `path` (see {@link writeTensorFile}) as the tensor `name`. */
  async load(name: string, path: string, dtype: "f32" | "i32", shape: number[]): Promise<void> {
    await this.request({ op: "load", name, path, dtype, shape });
  }

  /** "PyTorch 1.13.0a0, NumPy 1.24.2, BLAS /usr/lib/…, OMP_WAIT_POLICY unset" for headers. */
  describe(): string {
    const blas = this.info.blas ? `, BLAS ${this.info.blas}` : "";
    const wait = `OMP_WAIT_POLICY ${this.info.omp_wait_policy ?? "unset"}`;
    return `PyTorch ${this.info.torch}, NumPy ${this.info.numpy}${blas}, ${wait}`;
  }

  /** Ends the process (closing its stdin ends its request loop). */
  close(): void {
    this.child.stdin.end();
  }
}

/** A new temporary folder for one benchmark's tensor files, and a function that removes it. */
export function tensorFolder(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "dendrite-bench-torch-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a typed array as raw little-endian bytes to `dir/name.bin`; returns the path. */
export function writeTensorFile(dir: string, name: string, data: Float32Array | Int32Array) {
  const path = join(dir, `${name}.bin`);
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return path;
}

/** Reads back an f32 file written by {@link writeTensorFile} (Dendrite loads what torch loads). */
export function readF32File(dir: string, name: string): Float32Array {
  const bytes = readFileSync(join(dir, `${name}.bin`));
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
