import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file under a temporary name in the same folder and renames it into place, so a reader
 * (or a crash) never sees a half-written file under the final name, and an old file stays intact
 * until the new one is complete.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string | (Uint8Array | string)[]): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const chunks = Array.isArray(data) ? data : [data];
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    for (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let off = 0;
      while (off < bytes.byteLength) {
        // writeSync takes at most 2 GiB at once
        off += writeSync(fd, bytes, off, Math.min(bytes.byteLength - off, 1 << 30));
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new Error(`${path}: cannot write (${(err as Error).message})`);
  }
}
