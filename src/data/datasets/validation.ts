import { Random } from '../random.js';
import type { RawItem } from './types.js';

/**
 * Carves a validation split from the training classes: a seeded `fraction` of the classes (at
 * least one), class-disjoint from what is left. Returns both parts, items in their original order.
 */
export function carveValidation(items: RawItem[], fraction: number, seed: number): { fit: RawItem[]; val: RawItem[] } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`validation fraction must be in (0, 1), got ${fraction}`);
  const classes = [...new Set(items.map((it) => it.classId))];
  if (classes.length < 2) throw new Error(`cannot carve a class-disjoint validation split from ${classes.length} class(es)`);
  new Random(seed).shuffle(classes);
  const nVal = Math.min(classes.length - 1, Math.max(1, Math.round(classes.length * fraction)));
  const val = new Set(classes.slice(0, nVal));
  return { fit: items.filter((it) => !val.has(it.classId)), val: items.filter((it) => val.has(it.classId)) };
}
