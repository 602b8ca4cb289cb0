#!/usr/bin/env node
// Builds the optional OpenBLAS addon. A machine that cannot build it still gets a working facet:
// every kernel has a TypeScript fallback, so a failed build only warns.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

if (process.env.FACET_NATIVE === '0' || !existsSync('binding.gyp')) process.exit(0);

// Debian's nodejs ships its headers: use them rather than downloading them (there may be no network).
const prefix = join(dirname(process.execPath), '..');
const args = ['rebuild'];
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);
// npm sets npm_config_node_gyp during `npm install`; run by hand, use the node-gyp that npm bundles.
const bundled = join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const gyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);
const res = gyp
  ? spawnSync(process.execPath, [gyp, ...args], { stdio: 'inherit' })
  : spawnSync('npx', ['--no-install', 'node-gyp', ...args], { stdio: 'inherit' });
if (res.status !== 0) {
  console.warn('facet: native addon not built (is libopenblas-dev installed?); using the TypeScript fallback kernels');
}
