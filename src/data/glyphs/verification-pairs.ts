import type { Random } from '../random.js';

/** Pairs of images as an insightface verification set lists them: pair p is (a[p], b[p]), same[p] their sameness. */
export interface ImagePairs {
  a: Int32Array;
  b: Int32Array;
  same: boolean[];
}

/**
 * LFW-style pairs among the images whose class is ≥ `firstClass` (the held-out classes), where
 * `labels` is sorted by class: same and different pairs alternate, so every contiguous fold of
 * the 10-fold protocol is balanced; a same pair is two different images of one class, a
 * different pair one image each of two classes. Seeded by `rng`.
 */
export function heldOutPairs(labels: Int32Array, firstClass: number, count: number, rng: Random): ImagePairs {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < firstClass) continue;
    if (i === 0 || labels[i] !== labels[i - 1]) { starts.push(i); ends.push(i); }
    ends[ends.length - 1] = i + 1;
  }
  if (starts.length < 2) throw new Error(`verification pairs need at least 2 held-out classes, found ${starts.length}`);
  const pick = (c: number) => starts[c] + rng.int(ends[c] - starts[c]);
  const a = new Int32Array(count), b = new Int32Array(count);
  const same: boolean[] = [];
  for (let p = 0; p < count; p++) {
    const c = rng.int(starts.length);
    a[p] = pick(c);
    if (p % 2 === 0) {
      // classes hold ≥ 2 images (the benchmark's minimum is far above): draw another one
      do b[p] = pick(c); while (b[p] === a[p] && ends[c] - starts[c] > 1);
    } else {
      let d = rng.int(starts.length - 1);
      if (d >= c) d++;
      b[p] = pick(d);
    }
    same.push(p % 2 === 0);
  }
  return { a, b, same };
}
