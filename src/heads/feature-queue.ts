/**
 * BroadFace's memory: a FIFO of (raw embedding, label, snapshot of that label's weight row taken
 * before the step's update), trimmed from the oldest end at `capacity` rows. A ring buffer, so
 * enqueueing never copies the whole queue as the reference's torch.cat does. With sub-centres the
 * snapshot is of the row nearest the embedding, and `proxyRows` says which row of W it was.
 */
export interface QueueSnapshot {
  features: Float32Array;
  proxies: Float32Array;
  labels: Int32Array;
  /** the W row each proxy was taken from; absent in checkpoints of one row per class (it is the label) */
  proxyRows?: Int32Array;
}

export class FeatureQueue {
  readonly features: Float32Array;
  readonly proxies: Float32Array;
  readonly labels: Int32Array;
  readonly proxyRows: Int32Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number, readonly dim: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new Error(`queue size must be a non-negative integer, got ${capacity}`);
    this.features = new Float32Array(capacity * dim);
    this.proxies = new Float32Array(capacity * dim);
    this.labels = new Int32Array(capacity);
    this.proxyRows = new Int32Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends rows at the tail, then drops the oldest until at most `capacity` remain; row i's proxy is W row `proxyRows[i]`. */
  push(features: Float32Array, labels: Int32Array, weight: Float32Array, proxyRows: Int32Array = labels): void {
    const d = this.dim;
    const n = labels.length;
    if (this.capacity === 0) return;
    for (let i = Math.max(0, n - this.capacity); i < n; i++) {
      const slot = (this.head + this.count) % this.capacity;
      this.features.set(features.subarray(i * d, (i + 1) * d), slot * d);
      this.proxies.set(weight.subarray(proxyRows[i] * d, (proxyRows[i] + 1) * d), slot * d);
      this.labels[slot] = labels[i];
      this.proxyRows[slot] = proxyRows[i];
      if (this.count < this.capacity) this.count++;
      else this.head = (this.head + 1) % this.capacity;
    }
  }

  /** Row i, oldest first, as a slot index into the buffers. */
  slot(i: number): number {
    return (this.head + i) % this.capacity;
  }

  /** The queue's contents oldest first (for checkpoints and inspection). */
  snapshot(): Required<QueueSnapshot> {
    const d = this.dim;
    const features = new Float32Array(this.count * d);
    const proxies = new Float32Array(this.count * d);
    const labels = new Int32Array(this.count);
    const proxyRows = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const s = this.slot(i);
      features.set(this.features.subarray(s * d, (s + 1) * d), i * d);
      proxies.set(this.proxies.subarray(s * d, (s + 1) * d), i * d);
      labels[i] = this.labels[s];
      proxyRows[i] = this.proxyRows[s];
    }
    return { features, proxies, labels, proxyRows };
  }

  /** Restores a snapshot (resume). */
  restore(s: QueueSnapshot): void {
    const n = s.labels.length;
    if (n > this.capacity || s.features.length !== n * this.dim || s.proxies.length !== n * this.dim || (s.proxyRows && s.proxyRows.length !== n)) {
      throw new Error(`queue snapshot of ${n} rows does not fit a queue of ${this.capacity} × ${this.dim}`);
    }
    this.features.set(s.features);
    this.proxies.set(s.proxies);
    this.labels.set(s.labels);
    this.proxyRows.set(s.proxyRows ?? s.labels);
    this.head = 0;
    this.count = n;
  }
}
