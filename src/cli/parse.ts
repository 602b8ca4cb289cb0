import { InvalidArgumentError } from 'commander';

/** Option parser for a positive integer, naming the flag in its error. */
export function positiveInt(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got "${v}"`);
    return n;
  };
}

/** Option parser for an integer ≥ 0, naming the flag in its error. */
export function nonNegativeInt(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a non-negative integer, got "${v}"`);
    return n;
  };
}

/** Option parser for any integer (seeds), naming the flag in its error. */
export function integer(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be an integer, got "${v}"`);
    return n;
  };
}

/** Option parser for a number in [lo, hi]. */
export function numberIn(flag: string, lo: number, hi: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < lo || n > hi) throw new InvalidArgumentError(`${flag} must be a number in [${lo}, ${hi}], got "${v}"`);
    return n;
  };
}

/** Option parser for a fraction in (0, 1] (a share of an epoch). */
export function fraction(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError(`${flag} must be a fraction in (0, 1], got "${v}"`);
    return n;
  };
}

/** Comma-separated positive integers ("1,10,100"). */
export function intList(flag: string): (v: string) => number[] {
  return (v) => {
    const xs = v.split(',').map((s) => Number(s.trim()));
    if (xs.length === 0 || xs.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new InvalidArgumentError(`${flag} must be comma-separated positive integers, got "${v}"`);
    }
    return xs;
  };
}

/** Two comma-separated non-negative numbers ("0.5,1"), the first no larger than the second when `ordered`. */
export function numberPair(flag: string, ordered: boolean): (v: string) => [number, number] {
  return (v) => {
    const xs = v.split(',').map((s) => Number(s.trim()));
    if (xs.length !== 2 || xs.some((n) => !Number.isFinite(n) || n < 0) || (ordered && xs[0] > xs[1])) {
      throw new InvalidArgumentError(`${flag} must be two non-negative numbers "a,b"${ordered ? ' with a ≤ b' : ''}, got "${v}"`);
    }
    return [xs[0], xs[1]];
  };
}

/** Comma-separated file paths ("lfw.bin,cfp_fp.bin"); a `--config` list arrives joined the same way. */
export function pathList(flag: string): (v: string) => string[] {
  return (v) => {
    const xs = v.split(',').map((s) => s.trim()).filter(Boolean);
    if (xs.length === 0) throw new InvalidArgumentError(`${flag} must name at least one file, got "${v}"`);
    return xs;
  };
}
