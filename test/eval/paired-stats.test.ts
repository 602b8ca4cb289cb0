import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logGamma, mean, pairedDifference, regularizedIncompleteBeta, sampleSd, studentTCdf, studentTQuantile, summarize } from '../../src/eval/paired-stats.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('mean and sample sd (n − 1) on known values; undefined ones are null, not zero', () => {
  assert.equal(mean([2, 4, 4, 4, 5, 5, 7, 9]), 5);
  // Σ(x − 5)² = 32, / 7
  close(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])!, Math.sqrt(32 / 7), 1e-15, 'sd');
  // a large common offset does not cancel the spread
  close(sampleSd([1e9 + 1, 1e9 + 2, 1e9 + 3])!, 1, 1e-9, 'offset sd');
  assert.equal(mean([]), null);
  assert.equal(sampleSd([3]), null);
  assert.deepEqual(summarize([7]), { n: 1, mean: 7, sd: null });
});

test('Student t quantiles match the tables (t.975: 12.706, 4.303, 2.776, 2.262, 2.045) and scipy.stats.t.ppf to 1e-9', () => {
  const table: [number, number][] = [[1, 12.706], [2, 4.303], [4, 2.776], [9, 2.262], [29, 2.045]];
  for (const [df, t] of table) close(studentTQuantile(0.975, df), t, 5e-4, `t.975(${df})`);
  // scipy 1.17.1 t.ppf(p, df)
  const scipy: [number, number, number][] = [
    [0.975, 1, 12.706204736174694], [0.975, 2, 4.302652729749462], [0.975, 4, 2.7764451051977934], [0.975, 9, 2.262157162798205],
    [0.975, 29, 2.045229642132703], [0.975, 1000, 1.9623390808264083], [0.975, 0.5, 164.55767348048818], [0.975, 3.5, 2.9400886379827282],
    [0.95, 10, 1.8124611228116756], [0.999999, 1, 318309.88617359026],
  ];
  for (const [p, df, t] of scipy) close(studentTQuantile(p, df), t, 1e-9 * t, `t.ppf(${p}, ${df})`);
  // symmetric, and the median is 0
  close(studentTQuantile(0.025, 9), -2.262157162798205, 1e-9, 't.025(9)');
  assert.equal(studentTQuantile(0.5, 3), 0);
  // the CDF it inverts: df = 1 is Cauchy, 1/2 + atan(t)/π
  close(studentTCdf(1, 1), 0.75, 1e-14, 'Cauchy CDF');
  close(studentTCdf(-2, 1), 0.5 + Math.atan(-2) / Math.PI, 1e-14, 'Cauchy CDF at −2');
  assert.throws(() => studentTQuantile(1, 3), /p must be in \(0, 1\)/);
  assert.throws(() => studentTQuantile(0.9, 0), /degrees of freedom must be positive/);
});

test('the special functions behind it: ln Γ and I_x(a, b) on closed forms', () => {
  close(logGamma(5), Math.log(24), 1e-13, 'lnΓ(5)');
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13, 'lnΓ(1/2)');
  // I_x(1, b) = 1 − (1 − x)^b; I_x(a, 1) = x^a
  close(regularizedIncompleteBeta(0.3, 1, 4), 1 - 0.7 ** 4, 1e-14, 'I_0.3(1, 4)');
  close(regularizedIncompleteBeta(0.8, 3, 1), 0.8 ** 3, 1e-14, 'I_0.8(3, 1)');
});

test('paired difference over the seeds both variants have, with the 95 % t interval computed by hand', () => {
  const reference = new Map([[0, 70], [1, 72], [2, 71], [7, 50]]);
  const variant = new Map([[0, 72], [1, 75], [2, 72.5], [3, 99]]);
  const d = pairedDifference(variant, reference);
  // seeds 0, 1, 2: differences 2, 3, 1.5; mean 13/6, sd √(7/12); half-width t.975(2) · sd / √3
  assert.deepEqual(d.seeds, [0, 1, 2]);
  assert.deepEqual(d.differences, [2, 3, 1.5]);
  assert.equal(d.n, 3);
  close(d.mean!, 13 / 6, 1e-14, 'mean difference');
  close(d.sd!, Math.sqrt(7 / 12), 1e-14, 'sd of the differences');
  const half = 4.302652729749462 * Math.sqrt(7 / 12) / Math.sqrt(3);
  close(half, 1.8972915168697326, 1e-9, 'hand half-width');
  close(d.interval![0], 13 / 6 - half, 1e-9, 'lower');
  close(d.interval![1], 13 / 6 + half, 1e-9, 'upper');
  assert.equal(d.level, 0.95);
  // one common seed: a difference, but no spread and no interval
  const one = pairedDifference(new Map([[0, 3]]), new Map([[0, 1], [1, 2]]));
  assert.deepEqual([one.n, one.mean, one.sd, one.interval], [1, 2, null, null]);
  // none in common
  const none = pairedDifference(new Map([[5, 3]]), new Map([[0, 1]]));
  assert.deepEqual([none.n, none.mean, none.interval], [0, null, null]);
});
