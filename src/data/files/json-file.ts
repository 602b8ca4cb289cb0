import { readFileSync } from 'node:fs';
import { fsError } from './fs-errors.js';

/**
 * Reads a JSON file facet wrote (checkpoint.json, config.json, split.json, …): a missing, unreadable
 * or damaged file is an error naming it and what is wrong, never JSON.parse's bare "position 100000".
 */
export function readJsonFile<T = unknown>(path: string, reviver?: (key: string, value: unknown) => unknown): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fsError('read', path, err);
  }
  if (text.trim() === '') throw new Error(`${path}: empty file (expected JSON)`);
  try {
    return JSON.parse(text, reviver) as T;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw new Error(`${path}: damaged contents (${(err as Error).message})`);
    const truncated = /Unexpected end|Unterminated/.test(err.message) ? ' (truncated?)' : '';
    throw new Error(`${path}: not valid JSON${truncated}: ${err.message}`);
  }
}
