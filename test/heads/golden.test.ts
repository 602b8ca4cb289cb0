import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { goldenCases, assertGolden, repoRoot } from '../helpers/golden.js';
import { goldenArcFace, goldenBroadFace } from '../../src/heads/golden.js';

// float32 implementation: the fixtures README's float32 band
for (const c of goldenCases('arcface')) {
  test(`golden ${c.id}: ArcFace loss and gradients`, () => assertGolden(goldenArcFace(c.inputs), c.outputs, 1e-4, 1e-5));
}
for (const c of goldenCases('broadface')) {
  test(`golden ${c.id}: BroadFace 4-step trajectory (queue, compensation, SGD)`, () =>
    assertGolden(goldenBroadFace(c.inputs), c.outputs, 1e-4, 1e-5));
}

test('the TypeScript fallback kernels reproduce the golden case too (facet golden, FACET_NATIVE=0)', () => {
  const c = goldenCases('broadface')[0];
  const res = spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'golden', 'broadface', c.path], {
    encoding: 'utf8', env: { ...process.env, FACET_NATIVE: '0' },
  });
  assert.equal(res.status, 0, res.stderr);
  assertGolden(JSON.parse(res.stdout), c.outputs, 1e-4, 1e-5);
});
