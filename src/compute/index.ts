import { cpus } from 'node:os';
import type { Kernels } from './kernel-interface.js';
import { fallbackKernels } from './fallback.js';
import { loadAddon, nativeKernels, addonLoadError, blasCore, convEngine } from './native.js';

export type { ConvShape, Kernels, LayerKernels, TopK, TopKOptions } from './kernel-interface.js';
export { fallbackKernels } from './fallback.js';
export { addonLoadError, blasCore, convEngine };

let chosen: Kernels | undefined;

/** The kernels in use: the native addon when it loads (and FACET_NATIVE is not 0), else the TypeScript fallback. */
export function kernels(): Kernels {
  if (!chosen) {
    const addon = loadAddon();
    chosen = addon ? nativeKernels(addon) : fallbackKernels;
  }
  return chosen;
}

/** Threads the native kernels use (all cores by default); the fallback is single-threaded. */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--threads must be a positive integer, got ${n}`);
  loadAddon()?.setThreads(n);
}

export function threads(): number {
  return loadAddon()?.getThreads() ?? 1;
}

export function cpuCount(): number {
  return cpus().length;
}
