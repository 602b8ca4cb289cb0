import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** What an fs error means for the user, in words ("permission denied"), falling back to its code. */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EISDIR': return 'is a directory, expected a file';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the disk';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'EMFILE': case 'ENFILE': return 'too many open files';
    case 'ENAMETOOLONG': return 'file name too long';
    default: return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/** "PATH: cannot write (permission denied)" — one sentence for a failed fs call on `path`. */
export function fsError(verb: 'read' | 'write' | 'open' | 'create', path: string, err: unknown): Error {
  return new Error(`${path}: cannot ${verb} (${fsReason(err)})`);
}

/** mkdir -p whose failure names the folder in words ("runs/x: cannot create (permission denied)"). */
export function makeDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw fsError('create', path, err);
  }
}

/** Refuses, before any work, an output file whose folder does not exist or is no folder (`flag`: the user's option). */
export function checkOutputFolder(path: string, flag: string): void {
  const dir = dirname(path);
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new Error(`${flag} ${path}: the folder ${dir} does not exist`);
  if (!st.isDirectory()) throw new Error(`${flag} ${path}: ${dir} is not a folder`);
}
