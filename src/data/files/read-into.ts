import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fsError } from './fs-errors.js';

/** Opens a file for reading; a missing or unreadable file, or a folder, is an error naming it (`expected`: what it should be). */
export function openForReading(path: string, expected = 'a file'): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw fsError('open', path, err);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new Error(`${path}: is a directory, expected ${expected}`);
  }
  return fd;
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
