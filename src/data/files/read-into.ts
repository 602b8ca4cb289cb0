import { openSync, readSync } from 'node:fs';

/** Opens a file for reading; a missing or unreadable file is an error naming it. */
export function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new Error(`${path}: cannot open (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/** Fills `target` with the bytes at `position` of an open file (in ≤1 GiB calls): disk → final buffer, no copy. */
export function readInto(fd: number, target: Uint8Array, position: number, name: string): void {
  let off = 0;
  while (off < target.length) {
    const got = readSync(fd, target, off, Math.min(target.length - off, 1 << 30), position + off);
    if (got === 0) throw new Error(`${name}: truncated (expected ${target.length} bytes, got ${off})`);
    off += got;
  }
}

/**
 * An uninitialised buffer for a file's contents, starting at offset 0 of its own ArrayBuffer (so any
 * typed array fits it): skipping the zero-fill matters for 600 MB files that are overwritten at once.
 */
export function allocForRead(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}
