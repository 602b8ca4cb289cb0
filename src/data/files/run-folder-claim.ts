import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { processAlive, removeStaleTemporaries } from './atomic.js';

/** The files that make a folder another run's: any facet command's run folder holds one of them. */
export const RUN_MARKERS = ['config.json', 'checkpoint.json', 'report.html', 'summary.json'] as const;

const LOCK = '.lock';

export interface ClaimOptions {
  /** the option that names the folder, for messages (e.g. "--out") */
  flag: string;
  /** continue the run in the folder: its files are kept */
  resume?: boolean;
  /** remove the old run's contents first */
  overwrite?: boolean;
}

export interface RunFolderClaim {
  dir: string;
  /** Drops the lock; after a failed start, removes the folder again when this claim created it and no result was written. */
  release(failed: boolean): void;
}

/** A run folder's lock: which process writes there, so that a second writer is kept out. */
interface LockInfo { pid: number; host: string; since: string }

/**
 * Takes a run folder for one command: creates it if needed, locks it (`.lock` created with O_EXCL,
 * holding pid, host and start time; a lock of a process that is gone is taken over with a warning),
 * removes stale temporaries of killed writers, and refuses a folder that holds another run unless
 * `resume` or `overwrite` is given. `overwrite` removes a run's old contents first; a folder that
 * holds no run keeps its files (nothing but a run is ever deleted).
 */
export function claimRunFolder(path: string, o: ClaimOptions): RunFolderClaim {
  const dir = resolve(path);
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK);
  takeLock(lock, path);
  let released = false;
  const release = (failed: boolean) => {
    if (released) return;
    released = true;
    process.off('exit', onExit);
    rmSync(lock, { force: true });
    if (failed && created && holdsNoResult(dir)) rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => release(false);
  process.on('exit', onExit);
  try {
    const markers = RUN_MARKERS.filter((m) => existsSync(join(dir, m)));
    if (markers.length > 0 && o.overwrite) {
      for (const name of readdirSync(dir)) if (name !== LOCK) rmSync(join(dir, name), { recursive: true, force: true });
    } else if (markers.length > 0 && !o.resume) {
      throw new Error(`${o.flag} ${path} holds another run (${markers.join(', ')}): continue it with --resume, replace it with --overwrite, or choose another folder`);
    }
    for (const p of removeStaleTemporaries(dir, Date.now())) process.stderr.write(`facet: removed ${p}, left by an interrupted write\n`);
  } catch (err) {
    release(true);
    throw err;
  }
  return { dir, release };
}

/** Runs `fn` with the run folder claimed, releasing it after (a failed start removes a folder it created empty). */
export async function withRunFolder<T>(path: string, o: ClaimOptions, fn: () => T | Promise<T>): Promise<T> {
  const claim = claimRunFolder(path, o);
  try {
    const out = await fn();
    claim.release(false);
    return out;
  } catch (err) {
    claim.release(true);
    throw err;
  }
}

/** A failed start: the folder holds its config.json and empty files at most. */
function holdsNoResult(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).every((e) => e.isFile() && (e.name === 'config.json' || statSync(join(dir, e.name)).size === 0));
}

function takeLock(lock: string, path: string): void {
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, JSON.stringify(mine) + '\n');
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(err, lock, path);
    }
    const held = readLock(lock);
    if (held && !(held.host === mine.host && !processAlive(held.pid))) {
      throw new Error(`${path} is in use by process ${held.pid}${held.host === mine.host ? '' : ` on ${held.host}`} since ${held.since} (its lock: ${lock})`);
    }
    process.stderr.write(`facet: ${lock}: taking over the lock of process ${held?.pid ?? '?'}, which is no longer running\n`);
    rmSync(lock, { force: true });
  }
}

function readLock(lock: string): LockInfo | undefined {
  try {
    const l = JSON.parse(readFileSync(lock, 'utf8')) as LockInfo;
    return typeof l.pid === 'number' ? l : undefined;
  } catch {
    return undefined;
  }
}

function lockError(err: unknown, lock: string, path: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') return new Error(`${path} is in use by another process (its lock: ${lock})`);
  return new Error(`${lock}: cannot create the run folder's lock (${(err as Error).message})`);
}

/**
 * Refuses an output that is one of the inputs (compared as real paths, so links and `./x` count),
 * which would destroy the input.
 */
export function checkOutputIsNoInput(out: { flag: string; path: string }, inputs: { flag: string; path: string | undefined }[]): void {
  const real = (p: string) => {
    const abs = resolve(p);
    if (existsSync(abs)) return realpathSync(abs);
    return existsSync(dirname(abs)) ? join(realpathSync(dirname(abs)), abs.slice(dirname(abs).length + 1)) : abs;
  };
  const target = real(out.path);
  for (const i of inputs) {
    if (i.path !== undefined && existsSync(i.path) && real(i.path) === target) {
      throw new Error(`${out.flag} ${out.path} is the input ${i.flag} ${i.path}: writing it would destroy the input; choose another ${out.flag}`);
    }
  }
}
