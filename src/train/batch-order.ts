import type { Random } from '../data/random.js';
import type { SampleSource } from './samples.js';

/** A source's sample order and how far the current pass has got. */
export interface Cursor { order: Int32Array; pos: number }

/** The next `count` indices of a source, reshuffling (from `rng`) whenever its pass is used up. */
export function drawBatch(s: SampleSource, cur: Cursor, count: number, rng: Random): Int32Array {
  const out = new Int32Array(count);
  for (let filled = 0; filled < count; ) {
    if (cur.pos >= cur.order.length) {
      cur.order = rng.shuffle(Int32Array.from({ length: s.n }, (_, i) => i));
      cur.pos = 0;
    }
    const n = Math.min(count - filled, cur.order.length - cur.pos);
    out.set(cur.order.subarray(cur.pos, cur.pos + n), filled);
    cur.pos += n;
    filled += n;
  }
  return out;
}
