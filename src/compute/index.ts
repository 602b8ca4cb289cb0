import type { Kernels } from './kernels.js';
import { fallbackKernels } from './fallback.js';

export type { Kernels, TopK, TopKOptions } from './kernels.js';

/** The kernels in use: the native addon when it loads (and FACET_NATIVE is not 0), else the fallback. */
export function kernels(): Kernels {
  return fallbackKernels;
}
