import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { kernels } from './index.js';
import { hotKernels } from './tfjs-native-overrides.js';
import { registerAllGradients } from './tfjs-gradients.js';

export type BackendName = 'auto' | 'native' | 'tensorflow' | 'cpu' | 'wasm';

export const backendNames: BackendName[] = ['auto', 'native', 'tensorflow', 'cpu', 'wasm'];

let nativeRegistered = false;

/**
 * Registers tfjs backend `native`: every cpu kernel, with the hot ones (matMul, conv2d and its
 * gradients, gather and its gradient) replaced by facet's kernels. With the addon they run on
 * OpenBLAS; without it (FACET_NATIVE=0) on the TypeScript fallback, still linear-time.
 */
export function registerNativeBackend(): void {
  if (nativeRegistered) return;
  nativeRegistered = true;
  tf.registerBackend('native', () => {
    const b = new MathBackendCPU();
    // its first-use banner recommends tfjs-node, which this backend replaces
    (b as unknown as { firstUse: boolean }).firstUse = false;
    return b;
  }, 0);
  const hot = hotKernels(kernels(), 'native');
  const replaced = new Set(hot.map((k) => k.kernelName));
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (!replaced.has(k.kernelName)) tf.registerKernel({ ...k, backendName: 'native' });
  }
  for (const k of hot) tf.registerKernel(k);
}

/** The kernels the `native` backend runs through facet's kernels (for `facet info`). */
export function nativeKernelNames(): string[] {
  return hotKernels(kernels(), 'native').map((k) => k.kernelName);
}

function tfjsNodeInstalled(): string | undefined {
  const req = createRequire(import.meta.url);
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      req.resolve(pkg);
      return pkg;
    } catch {
      // not installed: try the next
    }
  }
  return undefined;
}

/**
 * Selects the TensorFlow.js backend for autodiff models and returns the name in use. `auto` takes
 * native TensorFlow when @tensorflow/tfjs-node(-gpu) is installed, else `native` when the addon
 * loads, else `cpu`.
 */
export async function setupBackend(name: BackendName = 'auto'): Promise<string> {
  if (!backendNames.includes(name)) throw new Error(`--backend must be one of ${backendNames.join(', ')}, got "${name}"`);
  const tfNode = tfjsNodeInstalled();
  let wanted: string = name;
  if (name === 'auto') wanted = tfNode ? 'tensorflow' : kernels().name === 'native' ? 'native' : 'cpu';
  if (wanted === 'tensorflow') {
    if (!tfNode) throw new Error('backend "tensorflow" needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu installed');
    await import(tfNode);
  }
  if (wanted === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  registerNativeBackend();
  await registerAllGradients();
  if (!(await tf.setBackend(wanted))) throw new Error(`backend "${name}" is not available`);
  // the cpu backend's first-use banner recommends tfjs-node, which cannot install from the npm registry alone
  if (wanted === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  await tf.ready();
  return tf.getBackend();
}
