import { existsSync } from 'node:fs';

/** How many problems an error message lists before it gives only the count. */
const SHOWN = 5;

/** One clear error for all the problems a dataset has: the first few and the count. */
export function problemsError(name: string, root: string, problems: string[]): Error {
  const shown = problems.slice(0, SHOWN).map((p) => `  - ${p}`).join('\n');
  const more = problems.length > SHOWN ? `\n  … and ${problems.length - SHOWN} more` : '';
  return new Error(`${name} at ${root}: ${problems.length} problem(s):\n${shown}${more}`);
}

/** Records every listed image that is not on disk, as one problem per file. */
export function missingImages(paths: Iterable<string>, problems: string[]): void {
  for (const p of paths) if (!existsSync(p)) problems.push(`image listed but absent: ${p}`);
}

/** A required file: records it as missing and returns false when absent. */
export function requireFile(path: string, problems: string[]): boolean {
  if (existsSync(path)) return true;
  problems.push(`missing file: ${path}`);
  return false;
}
