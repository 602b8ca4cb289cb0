import type { Batch, Dataset } from '../datasets/types.js';

/**
 * Loads batches ahead of the consumer: up to `ahead` batches are decoding while the trainer works
 * on the current one. Decoding runs in sharp's (libuv) worker threads, so the trainer only waits
 * when decoding is the bottleneck. Batches come out in order.
 */
export class Prefetcher implements AsyncIterable<Batch> {
  constructor(
    private readonly dataset: Dataset,
    private readonly batches: ArrayLike<number>[],
    private readonly opts: { train: boolean; epoch?: number; ahead?: number },
  ) {
    if (!((opts.ahead ?? 2) >= 1)) throw new Error(`Prefetcher: ahead must be ≥ 1, got ${opts.ahead}`);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const ahead = this.opts.ahead ?? 2;
    const inFlight: Promise<Batch>[] = [];
    let next = 0;
    const fill = () => {
      while (inFlight.length < ahead && next < this.batches.length) {
        const p = this.dataset.load(this.batches[next++], this.opts);
        p.catch(() => undefined); // surfaced when awaited below, not as an unhandled rejection
        inFlight.push(p);
      }
    };
    fill();
    while (inFlight.length > 0) {
      const batch = await inFlight.shift()!;
      fill();
      yield batch;
    }
  }
}
