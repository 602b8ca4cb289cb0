import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Lines in metrics.jsonl, recorded in each checkpoint. */
export function countLines(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Drops metrics written after the checkpoint, so a resumed run's metrics.jsonl has each step once. */
export function truncateLines(path: string, lines: number): void {
  const kept = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(0, lines) : [];
  writeFileSync(path, kept.map((l) => l + '\n').join(''));
}
