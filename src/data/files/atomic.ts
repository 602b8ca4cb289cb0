import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsError } from './fs-errors.js';

/** Appends bytes (or UTF-8 text) to the file being written. */
export type WriteChunk = (chunk: Uint8Array | string) => void;

/** A file being written under a temporary name: `commit` renames it into place, `abort` removes it. */
export interface AtomicFile {
  write: WriteChunk;
  /** bytes written so far (the offset the next chunk starts at) */
  readonly bytes: number;
  commit(): void;
  abort(): void;
}

/**
 * Opens `path` for writing under a temporary name in the same folder, so a reader (or a crash)
 * never sees a half-written file under the final name and an old file stays intact until
 * `commit`. For writers that produce asynchronously or several files that appear together.
 */
export function openFileAtomic(path: string): AtomicFile {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const fail = (err: unknown) => fsError('write', path, err);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
  } catch (err) {
    throw fail(err);
  }
  let bytes = 0;
  const abort = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable (not a folder, gone): there is no temporary file to remove
    }
  };
  return {
    get bytes() { return bytes; },
    write(chunk) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      try {
        let off = 0;
        while (off < data.byteLength) {
          // writeSync takes at most 2 GiB at once
          off += writeSync(fd!, data, off, Math.min(data.byteLength - off, 1 << 30));
        }
      } catch (err) {
        abort();
        throw fail(err);
      }
      bytes += data.byteLength;
    },
    commit() {
      try {
        fsyncSync(fd!);
        closeSync(fd!);
        fd = undefined;
        renameSync(tmp, path);
      } catch (err) {
        abort();
        throw fail(err);
      }
    },
    abort,
  };
}

/**
 * Streams a file under a temporary name in the same folder and renames it into place, so a reader
 * (or a crash, or an exception thrown by `produce` half-way) never sees a half-written file under the
 * final name, and an old file stays intact until the new one is complete.
 */
export function writeFileAtomicWith(path: string, produce: (write: WriteChunk) => void): void {
  const file = openFileAtomic(path);
  try {
    produce(file.write);
  } catch (err) {
    file.abort();
    if ((err as Error).message?.startsWith(`${path}: cannot write`)) throw err;
    throw fsError('write', path, err);
  }
  file.commit();
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
