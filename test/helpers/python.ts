import { spawnSync } from 'node:child_process';

/** Debian's python3 (numpy from apt); the pyenv python3 earlier on PATH has no numpy. */
export const debianPython = '/usr/bin/python3';

export function haveNumpy(): boolean {
  return spawnSync(debianPython, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
}

/** Runs a python snippet (sys.argv[1:] = args) and returns its stdout; throws with stderr on failure. */
export function python(code: string, args: string[] = []): string {
  const res = spawnSync(debianPython, ['-c', code, ...args], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
  return res.stdout;
}
