#!/usr/bin/env node
// Builds the optional OpenBLAS addon. A machine that cannot build it still gets a working facet:
// every kernel has a TypeScript fallback, so a failed build only warns.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (process.env.FACET_NATIVE === '0' || !existsSync('binding.gyp')) process.exit(0);
const gyp = process.env.npm_config_node_gyp;
const res = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild'], { stdio: 'inherit' })
  : spawnSync('npx', ['--no-install', 'node-gyp', 'rebuild'], { stdio: 'inherit' });
if (res.status !== 0) {
  console.warn('facet: native addon not built (is libopenblas-dev installed?); using the TypeScript fallback kernels');
}
