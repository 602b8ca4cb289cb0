/**
 * The statistics of a comparison over seeds: mean, sample standard deviation, and the paired
 * difference of two variants with its Student t interval. Pure functions; `null` where a quantity is
 * undefined (no values; a standard deviation or an interval from one value), never a made-up zero.
 */

export interface Summary {
  n: number;
  mean: number | null;
  /** sample standard deviation (n − 1 in the denominator); null below two values */
  sd: number | null;
}

export interface PairedDifference extends Summary {
  /** the seeds both variants have, in the order given */
  seeds: number[];
  /** the per-seed differences (variant − reference) */
  differences: number[];
  /** the `level` t interval of the mean difference over the seeds; null below two seeds */
  interval: [number, number] | null;
  level: number;
}

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1); null for fewer than two values. Two passes, so a large common offset does not cancel. */
export function sampleSd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (xs.length - 1));
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, mean: mean(xs), sd: sampleSd(xs) };
}

/**
 * variant − reference over the seeds both have a value for, with the two-sided `level` interval
 * mean ± t_{(1+level)/2}(n − 1) · sd / √n (the paired t interval: the seeds pair the runs, so the
 * spread between seeds that both variants share drops out).
 */
export function pairedDifference(variant: ReadonlyMap<number, number>, reference: ReadonlyMap<number, number>, level = 0.95): PairedDifference {
  const seeds = [...variant.keys()].filter((s) => reference.has(s));
  const differences = seeds.map((s) => variant.get(s)! - reference.get(s)!);
  const { n, mean: m, sd } = summarize(differences);
  const interval = n >= 2 && m !== null && sd !== null
    ? ((h: number): [number, number] => [m - h, m + h])(studentTQuantile((1 + level) / 2, n - 1) * sd / Math.sqrt(n))
    : null;
  return { n, mean: m, sd, seeds, differences, interval, level };
}

/**
 * The p-quantile of Student's t with `df` degrees of freedom (df > 0, not necessarily an integer):
 * the CDF from the regularised incomplete beta function, P(T ≤ t) = 1 − I_{df/(df+t²)}(df/2, 1/2) / 2
 * for t ≥ 0, inverted by bisection to full double precision (no table, no normal approximation).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`t quantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0) || !Number.isFinite(df)) throw new Error(`t quantile: degrees of freedom must be positive, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) { lo = hi; hi *= 2; }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** I_x(a, b), by the continued fraction of Numerical Recipes (betacf), on the side where it converges fast. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? front * betaContinuedFraction(x, a, b) / a : 1 - front * betaContinuedFraction(1 - x, b, a) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    // the even step, then the odd step of the continued fraction
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
