import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../data/files/index.js';

/** Lines in metrics.jsonl, recorded in each checkpoint. */
export function countLines(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Drops metrics written after the checkpoint, so a resumed run's metrics.jsonl has each step once. */
export function truncateLines(path: string, lines: number): void {
  const kept = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(0, lines) : [];
  writeFileAtomic(path, kept.map((l) => l + '\n').join(''));
}
