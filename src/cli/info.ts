import type { Command } from 'commander';
import { addonLoadError, blasCore, convEngine, cpuCount, kernels, threads } from '../compute/index.js';
import { BACKBONES } from '../models/backbones.js';

/** What runs conv2d: oneDNN (the addon built against Debian's libdnnl) or im2col + sgemm. */
function convolutions(): string {
  const conv = convEngine();
  if (!conv) return 'im2col + TypeScript sgemm (fallback kernels)';
  return conv.name === 'onednn' ? `oneDNN ${conv.version} (Debian libdnnl; im2col + OpenBLAS sgemm on outputs ≤ 4×4)` : 'im2col + OpenBLAS sgemm';
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print the compute setup: kernels (native addon or fallback), BLAS core, convolution engine, threads, the engine of every model, versions')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const k = kernels();
      const blas = blasCore();
      const engine = `facet's layers (src/nn: hand-written backward passes) on the ${k.name} kernels`;
      const info = {
        kernels: k.name,
        nativeAddon: k.name === 'native' ? 'loaded' : `not in use (${addonLoadError()})`,
        blasCore: blas ? `${blas.core} (${blas.source})` : 'none (no addon)',
        convolutions: convolutions(),
        threads: threads(),
        cpus: cpuCount(),
        // one engine trains and runs every model: there is no TensorFlow.js backend any more
        engine: Object.fromEntries([...Object.keys(BACKBONES), 'naan'].map((m) => [m, engine])),
        node: process.version,
      };
      if (o.json) process.stdout.write(JSON.stringify(info) + '\n');
      else {
        for (const [key, v] of Object.entries(info)) {
          if (typeof v !== 'object') process.stdout.write(`${key.padEnd(12)} ${v}\n`);
          else for (const [m, e] of Object.entries(v)) process.stdout.write(`${'engine'.padEnd(12)} ${m.padEnd(10)} ${e}\n`);
        }
      }
    });
}
