import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

/** Repository root (tests run from dist/test/…). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The public golden cases, vendored from the project's shared fixtures (README and provenance kept beside them). */
export const fixturesDir = resolve(repoRoot, 'test/fixtures/golden');

export interface GoldenCase {
  id: string;
  kind: string;
  inputs: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  outputs: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  path: string;
}

/** Every public case of a kind; fails loudly when the fixtures are missing. */
export function goldenCases(kind: string): GoldenCase[] {
  const dir = join(fixturesDir, kind);
  assert.ok(existsSync(dir), `golden fixtures not found at ${dir}`);
  return readdirSync(dir)
    .filter((f) => /^case-\d+\.json$/.test(f))
    .sort()
    .map((f) => ({ ...JSON.parse(readFileSync(join(dir, f), 'utf8')), path: join(dir, f) }));
}

/**
 * Deep comparison in the fixtures' convention: floats |got−exp| ≤ atol + rtol·|exp|, integers,
 * booleans and strings exact, null expected = NaN expected. Only the expected object's keys count.
 */
export function assertGolden(got: unknown, exp: unknown, rtol = 1e-4, atol = 1e-5, path = 'outputs'): void {
  if (exp === null) {
    assert.ok(got === null || (typeof got === 'number' && Number.isNaN(got)), `${path}: expected NaN, got ${got}`);
    return;
  }
  if (Array.isArray(exp)) {
    const arr = ArrayBuffer.isView(got) ? Array.from(got as unknown as ArrayLike<number>) : got;
    assert.ok(Array.isArray(arr), `${path}: expected an array`);
    assert.equal(arr.length, exp.length, `${path}: length`);
    exp.forEach((e, i) => assertGolden(arr[i], e, rtol, atol, `${path}[${i}]`));
    return;
  }
  if (typeof exp === 'object') {
    assert.ok(got !== null && typeof got === 'object', `${path}: expected an object`);
    for (const key of Object.keys(exp as object)) {
      assert.ok(key in (got as object), `${path}.${key}: missing`);
      assertGolden((got as Record<string, unknown>)[key], (exp as Record<string, unknown>)[key], rtol, atol, `${path}.${key}`);
    }
    return;
  }
  if (typeof exp === 'number' && !Number.isInteger(exp)) {
    assert.equal(typeof got, 'number', `${path}: expected a number`);
    const g = got as number;
    assert.ok(Math.abs(g - exp) <= atol + rtol * Math.abs(exp), `${path}: expected ${exp}, got ${g}`);
    return;
  }
  if (typeof exp === 'number' && typeof got === 'number' && !Number.isInteger(got)) {
    // an integer-valued float in the fixture (e.g. 1.0 printed as 1) compares as a float
    assert.ok(Math.abs(got - exp) <= atol + rtol * Math.abs(exp), `${path}: expected ${exp}, got ${got}`);
    return;
  }
  assert.equal(got, exp, `${path}`);
}
