import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Appends bytes (or UTF-8 text) to the file being written. */
export type WriteChunk = (chunk: Uint8Array | string) => void;

/**
 * Streams a file under a temporary name in the same folder and renames it into place, so a reader
 * (or a crash, or an exception thrown by `produce` half-way) never sees a half-written file under the
 * final name, and an old file stays intact until the new one is complete.
 */
export function writeFileAtomicWith(path: string, produce: (write: WriteChunk) => void): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  let fd: number | undefined;
  try {
    const out = openSync(tmp, 'w');
    fd = out;
    produce((chunk) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let off = 0;
      while (off < bytes.byteLength) {
        // writeSync takes at most 2 GiB at once
        off += writeSync(out, bytes, off, Math.min(bytes.byteLength - off, 1 << 30));
      }
    });
    fsyncSync(out);
    closeSync(out);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new Error(`${path}: cannot write (${(err as Error).message})`);
  }
}

/** Writes bytes, text, or a list of them (written in turn, never concatenated) atomically. */
export function writeFileAtomic(path: string, data: Uint8Array | string | (Uint8Array | string)[]): void {
  writeFileAtomicWith(path, (write) => {
    for (const chunk of Array.isArray(data) ? data : [data]) write(chunk);
  });
}

const TEMP_NAME = /^\..+\.tmp-(\d+)-[a-z0-9]*$/;

/** Whether a process with this id runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporaries writeFileAtomicWith left under `dir` (and its sub-folders) when a writer was
 * killed mid-write: those of a process that is gone, or older than `since` (a recycled pid). Returns
 * the paths removed.
 */
export function removeStaleTemporaries(dir: string, since: number): string[] {
  const removed: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) removed.push(...removeStaleTemporaries(p, since));
    const m = TEMP_NAME.exec(e.name);
    if (m && e.isFile() && (!processAlive(Number(m[1])) || statSync(p).mtimeMs < since)) {
      rmSync(p, { force: true });
      removed.push(p);
    }
  }
  return removed;
}
