import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { blasCoreForFlags } from '../../src/compute/blas-core.js';
import { repoRoot } from '../helpers/golden.js';

test('the OpenBLAS kernel set follows the CPU flags: AVX-512 → SkylakeX, AVX2 + FMA → Haswell, else OpenBLAS decides', () => {
  const avx2 = ['sse4_2', 'avx', 'avx2', 'fma'];
  assert.equal(blasCoreForFlags(new Set([...avx2, 'avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'])), 'SkylakeX');
  // AVX-512 F alone (no BW/VL, as the first Xeon Phi) is not SkylakeX
  assert.equal(blasCoreForFlags(new Set([...avx2, 'avx512f'])), 'Haswell');
  assert.equal(blasCoreForFlags(new Set(['sse4_2', 'avx', 'avx2'])), undefined);
  assert.equal(blasCoreForFlags(new Set()), undefined);
});

test('facet info names the kernel set, says where it came from, and respects a user\'s OPENBLAS_CORETYPE', () => {
  const info = (env: NodeJS.ProcessEnv) => {
    const r = spawnSync(process.execPath, [`${repoRoot}/bin/facet.js`, 'info', '--json'], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { kernels: string; blasCore: string; engine: Record<string, string> };
  };
  const user = { ...process.env };
  delete user.OPENBLAS_CORETYPE;
  const auto = info(user);
  assert.deepEqual(Object.keys(auto.engine).sort(), ['mlp', 'naan', 'resnet18', 'resnet50', 'small-cnn']);
  for (const e of Object.values(auto.engine)) assert.match(e, /facet's layers/);
  if (auto.kernels !== 'native') return;
  assert.match(auto.blasCore, /\((OpenBLAS detection|chosen by facet from the CPU flags \(.*\))\)$/);
  assert.match(info({ OPENBLAS_CORETYPE: 'Haswell' }).blasCore, /^Haswell \(OPENBLAS_CORETYPE set by the user\)$/);
  // the chosen core type is set only while the addon loads: a child process must not take it for the user's
  const child = spawnSync(process.execPath, ['--input-type=module', '-e',
    `const k = await import(${JSON.stringify(`${repoRoot}/dist/src/compute/index.js`)}); k.kernels(); process.stdout.write(process.env.OPENBLAS_CORETYPE ?? 'unset')`],
  { encoding: 'utf8', env: user });
  assert.equal(child.stdout, 'unset', child.stderr);
});
