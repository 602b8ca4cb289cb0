import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { addonLoadError, cpuCount, kernels, threads } from '../compute/index.js';
import { nativeKernelNames, setupBackend, type BackendName } from '../compute/backend.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print the compute setup: kernels (native addon or fallback), threads, TensorFlow.js backend, versions')
    .option('--backend <name>', 'TensorFlow.js backend: auto, native, tensorflow, cpu, wasm', 'auto')
    .option('--json', 'print JSON')
    .action(async (o: { backend: BackendName; json?: boolean }) => {
      const k = kernels();
      const backend = await setupBackend(o.backend);
      const info = {
        kernels: k.name,
        nativeAddon: k.name === 'native' ? 'loaded' : `not in use (${addonLoadError()})`,
        threads: threads(),
        cpus: cpuCount(),
        tfjsBackend: backend,
        // which tfjs kernels run through facet's kernels (the rest are the cpu backend's)
        tfjsKernels: backend === 'native' ? `cpu kernel set; through facet ${k.name} kernels: ${nativeKernelNames().join(', ')}` : `${backend} backend's own`,
        // the small CNN trains on facet's own layers; the MLP, ResNets and NAAN through tfjs autodiff
        engine: `small-cnn: facet layers (conv, BN+ReLU, max-pool, linear) on ${k.name} kernels; mlp, resnet18/50, NAAN: TensorFlow.js ${backend}`,
        tfjs: tf.version_core,
        node: process.version,
      };
      if (o.json) process.stdout.write(JSON.stringify(info) + '\n');
      else for (const [key, v] of Object.entries(info)) process.stdout.write(`${key.padEnd(13)} ${v}\n`);
    });
}
