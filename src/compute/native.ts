import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernels, TopK, TopKOptions } from './kernels.js';

interface Addon {
  sgemm(ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void;
  topkInnerProduct(q: Float32Array, nq: number, b: Float32Array, nb: number, dim: number, k: number, self: number, idx: Int32Array, scores: Float32Array): void;
  setThreads(n: number): void;
  getThreads(): number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

let loaded: Addon | null | undefined;
let loadError = '';

/** The compiled addon (build/Release/facet_native.node), or null when FACET_NATIVE=0 or it cannot load. */
export function loadAddon(): Addon | null {
  if (loaded !== undefined) return loaded;
  if (process.env.FACET_NATIVE === '0') {
    loadError = 'disabled by FACET_NATIVE=0';
    return (loaded = null);
  }
  try {
    loaded = createRequire(import.meta.url)(join(root, 'build/Release/facet_native.node')) as Addon;
  } catch (err) {
    loadError = (err as Error).message.split('\n')[0];
    loaded = null;
  }
  return loaded;
}

/** Why the addon is not in use ('' when it is). */
export function addonLoadError(): string {
  loadAddon();
  return loadError;
}

export function nativeKernels(addon: Addon): Kernels {
  return {
    name: 'native',
    sgemm: (ta, tb, m, n, k, alpha, a, b, beta, c) => addon.sgemm(ta, tb, m, n, k, alpha, a, b, beta, c),
    topkInnerProduct(queries, nq, base, nb, dim, k, options: TopKOptions = {}): TopK {
      const indices = new Int32Array(nq * k);
      const scores = new Float32Array(nq * k);
      addon.topkInnerProduct(queries, nq, base, nb, dim, k, options.selfOffset ?? -1, indices, scores);
      return { indices, scores };
    },
  };
}
