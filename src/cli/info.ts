import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { addonLoadError, cpuCount, kernels, threads } from '../compute/index.js';
import { setupBackend, type BackendName } from '../compute/backend.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print the compute setup: kernels (native addon or fallback), threads, TensorFlow.js backend, versions')
    .option('--backend <name>', 'TensorFlow.js backend: auto, native, tensorflow, cpu, wasm', 'auto')
    .option('--json', 'print JSON')
    .action(async (o: { backend: BackendName; json?: boolean }) => {
      const k = kernels();
      const info = {
        kernels: k.name,
        nativeAddon: k.name === 'native' ? 'loaded' : `not in use (${addonLoadError()})`,
        threads: threads(),
        cpus: cpuCount(),
        tfjsBackend: await setupBackend(o.backend),
        tfjs: tf.version_core,
        node: process.version,
      };
      if (o.json) process.stdout.write(JSON.stringify(info) + '\n');
      else for (const [key, v] of Object.entries(info)) process.stdout.write(`${key.padEnd(12)} ${v}\n`);
    });
}
