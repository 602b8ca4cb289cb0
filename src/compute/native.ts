import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernels, TopK, TopKOptions } from './kernel-interface.js';
import { batchedSgemm } from './batched.js';
import { type ConvShape, convShapeArray } from './conv-shape.js';
import { checkedLayerKernels, type LayerKernels } from './layer-kernel-interface.js';
import { type AttentionKernels, checkedAttentionKernels } from './attention-kernel-interface.js';
import { checkedOptimizerKernels } from './optimizer-kernel-interface.js';
import { checkedSoftmaxKernels, type SoftmaxKernels } from './softmax-kernel-interface.js';
import { chooseBlasCore } from './blas-core.js';

interface Addon extends LayerKernels, AttentionKernels, SoftmaxKernels {
  adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, size: number, stepSize: number, beta1: number, beta2: number,
    eps: number, bc2: number, weightDecay: number, shrink: number, decoupled: boolean): void;
  sgemm(ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void;
  topkInnerProduct(q: Float32Array, nq: number, b: Float32Array, nb: number, dim: number, k: number, self: number, idx: Int32Array, scores: Float32Array): void;
  conv2dForward(shape: number[], x: Float32Array, filter: Float32Array, y: Float32Array, cols?: Float32Array): void;
  conv2dBackpropInput(shape: number[], dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  conv2dBackpropFilter(shape: number[], x: Float32Array, dy: Float32Array, dfilter: Float32Array): void;
  conv2dBackpropFilterColumns(shape: number[], cols: Float32Array, dy: Float32Array, dfilter: Float32Array): void;
  setThreads(n: number): void;
  getThreads(): number;
  /** OpenBLAS's kernel set (openblas_get_corename) */
  blasCore(): string;
  /** what runs conv2d: oneDNN (built when libdnnl-dev is installed) or im2col + OpenBLAS sgemm; absent in addons built before it */
  convEngine?(): ConvEngine;
}

export interface ConvEngine {
  name: 'onednn' | 'im2col';
  /** oneDNN's version, e.g. '2.6.3' */
  version?: string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

let loaded: Addon | null | undefined;
let loadError = '';
let coreSource = '';

/** The compiled addon (build/Release/facet_native.node), or null when FACET_NATIVE=0 or it cannot load. */
export function loadAddon(): Addon | null {
  if (loaded !== undefined) return loaded;
  if (process.env.FACET_NATIVE === '0') {
    loadError = 'disabled by FACET_NATIVE=0';
    return (loaded = null);
  }
  const blas = chooseBlasCore();
  coreSource = blas.source;
  // Set only while the addon loads: OpenBLAS and libgomp read them once, then, and child processes must not
  // inherit them (a child facet would take the core type for the user's). oneDNN's OpenMP threads otherwise
  // spin after each convolution, taking the cores from the addon's other kernels and from other processes
  // (measured: a 3×3 conv then BatchNorm 2× slower on a busy 2-core machine).
  const loadEnv: Record<string, string> = {};
  if (blas.coreType) loadEnv.OPENBLAS_CORETYPE = blas.coreType;
  if (process.env.OMP_WAIT_POLICY === undefined) loadEnv.OMP_WAIT_POLICY = 'PASSIVE';
  Object.assign(process.env, loadEnv);
  try {
    loaded = createRequire(import.meta.url)(join(root, 'build/Release/facet_native.node')) as Addon;
  } catch (err) {
    loadError = (err as Error).message.split('\n')[0];
    loaded = null;
  } finally {
    for (const k of Object.keys(loadEnv)) delete process.env[k];
  }
  return loaded;
}

/** Why the addon is not in use ('' when it is). */
export function addonLoadError(): string {
  loadAddon();
  return loadError;
}

export function nativeKernels(addon: Addon): Kernels {
  const sgemm: Kernels['sgemm'] = (ta, tb, m, n, k, alpha, a, b, beta, c) => addon.sgemm(ta, tb, m, n, k, alpha, a, b, beta, c);
  return {
    name: 'native',
    convColumns: addonConvEngine(addon).name === 'im2col',
    sgemm,
    sgemmBatched: batchedSgemm(sgemm),
    conv2dForward: (s: ConvShape, x, f, y, cols) => addon.conv2dForward(convShapeArray(s), x, f, y, cols),
    conv2dBackpropInput: (s: ConvShape, dy, f, dx) => addon.conv2dBackpropInput(convShapeArray(s), dy, f, dx),
    conv2dBackpropFilter: (s: ConvShape, x, dy, df) => addon.conv2dBackpropFilter(convShapeArray(s), x, dy, df),
    conv2dBackpropFilterColumns: (s: ConvShape, cols, dy, df) => addon.conv2dBackpropFilterColumns(convShapeArray(s), cols, dy, df),
    ...checkedLayerKernels(addon),
    ...checkedAttentionKernels(addon),
    ...checkedSoftmaxKernels(addon),
    ...checkedOptimizerKernels({
      adamUpdate: (p, g, m, v, size, a) => addon.adamUpdate(p, g, m, v, size, a.stepSize, a.beta1, a.beta2, a.eps, a.bc2, a.weightDecay, a.shrink, a.decoupled),
    }),
    topkInnerProduct(queries, nq, base, nb, dim, k, options: TopKOptions = {}): TopK {
      const indices = new Int32Array(nq * k);
      const scores = new Float32Array(nq * k);
      addon.topkInnerProduct(queries, nq, base, nb, dim, k, options.selfOffset ?? -1, indices, scores);
      return { indices, scores };
    },
  };
}

/** OpenBLAS's kernel set and where the choice came from (undefined without the addon). */
export function blasCore(): { core: string; source: string } | undefined {
  const addon = loadAddon();
  return addon ? { core: addon.blasCore(), source: coreSource } : undefined;
}

const addonConvEngine = (addon: Addon): ConvEngine => addon.convEngine?.() ?? { name: 'im2col' };

/** The addon's convolution engine (undefined without the addon). */
export function convEngine(): ConvEngine | undefined {
  const addon = loadAddon();
  return addon ? addonConvEngine(addon) : undefined;
}
