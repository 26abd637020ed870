/**
 * Atomic file writes: the bytes go to a temporary file in the same folder
 * (`.<name>.<pid>.<random>.tmp`), which is synced and renamed over the target, and the folder is
 * synced so that the rename itself survives a crash. Temporary files of that name left by killed
 * writers (whose process is gone) are removed afterwards.
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { randomBytes } from "node:crypto";

/** Temporary files this process is writing now (never removed as orphans). */
const inFlight = new Set<string>();

/** The temporary file name of a write to `file`. */
function tmpName(file: string): string {
  const base = path.basename(file);
  return path.join(
    path.dirname(file),
    `.${base}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
}

/** The pattern of our temporary files for `base`, capturing the writer's pid. */
function tmpPattern(base: string): RegExp {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

/** True when the process `pid` may still be running (so its temporary file may be in use). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The temporary files for `file` that no running writer owns. */
function orphans(file: string, names: readonly string[]): string[] {
  const pattern = tmpPattern(path.basename(file));
  const dir = path.dirname(file);
  return names
    .map((name) => [name, pattern.exec(name)?.[1]] as const)
    .filter(([name, pid]) => {
      if (pid === undefined) return false;
      const full = path.join(dir, name);
      return Number(pid) === process.pid ? !inFlight.has(full) : !alive(Number(pid));
    })
    .map(([name]) => path.join(dir, name));
}

/** Errors of syncing a folder on platforms that cannot (Windows opens no folders). */
const NO_DIR_SYNC = new Set(["EISDIR", "EPERM", "EACCES", "EINVAL", "ENOTSUP", "EBADF"]);

async function syncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, "r");
    await handle.sync();
  } catch (err) {
    if (!NO_DIR_SYNC.has((err as NodeJS.ErrnoException).code ?? "")) throw err;
  } finally {
    await handle?.close();
  }
}

function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch (err) {
    if (!NO_DIR_SYNC.has((err as NodeJS.ErrnoException).code ?? "")) throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes `bytes` to `file` atomically: a temporary file in the same folder, synced, then renamed
 * over `file`, then the folder synced. Removes temporary files of `file` that earlier, killed
 * writes left behind.
 */
export async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = tmpName(file);
  inFlight.add(tmp);
  try {
    const handle = await fsp.open(tmp, "wx");
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  } finally {
    inFlight.delete(tmp);
  }
  await syncDir(dir);
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  await Promise.all(orphans(file, names).map((f) => fsp.rm(f, { force: true }).catch(() => {})));
}

/** The synchronous `writeAtomic`. */
export function writeAtomicSync(file: string, bytes: Uint8Array): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = tmpName(file);
  inFlight.add(tmp);
  try {
    const fd = fs.openSync(tmp, "wx");
    try {
      fs.writeFileSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  } finally {
    inFlight.delete(tmp);
  }
  syncDirSync(dir);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    // cleaning up is best effort
  }
  for (const f of orphans(file, names)) {
    try {
      fs.rmSync(f, { force: true });
    } catch {
      // best effort, as above
    }
  }
}
