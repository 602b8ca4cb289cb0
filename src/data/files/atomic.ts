import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsError } from './fs-errors.js';

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
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable (not a folder, gone): there is no temporary file to remove
    }
    throw fsError('write', path, err);
  }
}

/** Writes bytes, text, or a list of them (written in turn, never concatenated) atomically. */
export function writeFileAtomic(path: string, data: Uint8Array | string | (Uint8Array | string)[]): void {
  writeFileAtomicWith(path, (write) => {
    for (const chunk of Array.isArray(data) ? data : [data]) write(chunk);
  });
}
