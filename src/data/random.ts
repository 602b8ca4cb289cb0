/**
 * A seeded random source (mulberry32): fast, 32-bit state that fits in a checkpoint, and the same
 * sequence on every machine. Every random choice in facet takes one, so runs are reproducible.
 */
export class Random {
  private spareNormal: number | undefined;

  constructor(private state: number) {
    this.state = state >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** standard normal (Box–Muller, the spare kept for the next call) */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const s = this.spareNormal;
      this.spareNormal = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** the whole state, for checkpoints */
  save(): { state: number; spareNormal?: number } {
    return { state: this.state, spareNormal: this.spareNormal };
  }

  static restore(s: { state: number; spareNormal?: number }): Random {
    const r = new Random(s.state);
    r.spareNormal = s.spareNormal;
    return r;
  }
}
