/**
 * The hot TensorFlow.js kernels of the `native` backend: the cpu backend's kernels where an
 * implementation is quadratic or plain-JS matmul/conv, rewritten as linear passes or calls into
 * facet's kernels (the OpenBLAS addon, or the TypeScript fallback when it is absent).
 */
import {
  backend_util, BatchMatMul, Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, GatherV2, getKernel,
  UnsortedSegmentSum, _FusedMatMul, type KernelConfig, type KernelFunc, type TensorInfo, type NamedAttrMap,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { Kernels } from './kernel-interface.js';
import type { ConvShape } from './conv-shape.js';
import { fastOpKernels } from './tfjs-fast-ops.js';

type Args = { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: NamedAttrMap };

const values = (b: MathBackendCPU, t: TensorInfo) => b.data.get(t.dataId).values as Float32Array | Int32Array;
const size = (shape: number[]) => shape.reduce((a, d) => a * d, 1);

/** The cpu backend's own kernel: used for dtypes and layouts the fast paths do not cover. */
function cpuKernel(name: string, args: Args): TensorInfo {
  return getKernel(name, 'cpu')!.kernelFunc(args as never) as TensorInfo;
}

function float32(b: MathBackendCPU, t: TensorInfo): Float32Array | undefined {
  return t.dtype === 'float32' ? (values(b, t) as Float32Array) : undefined;
}

/** Batch dims broadcast like tf.matMul: [..batch, m, k] · [..batch, k, n]. */
function batchMatMul(kern: Kernels, args: Args): TensorInfo {
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const av = float32(args.backend, a), bv = float32(args.backend, b);
  if (!av || !bv) return cpuKernel(BatchMatMul, args);
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const k2 = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== k2) throw new Error(`matMul: inner dimensions ${k} and ${k2} of shapes [${a.shape}] and [${b.shape}] differ`);
  const batchA = size(a.shape.slice(0, -2)), batchB = size(b.shape.slice(0, -2));
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return cpuKernel(BatchMatMul, args);
  const outBatch = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const out = new Float32Array(batch * m * n);
  if (batchB === 1 && !transposeA) {
    // one B for every batch entry: a single tall sgemm is faster than `batch` small ones
    kern.sgemm(false, transposeB, batch * m, n, k, 1, av, bv, 0, out);
  } else {
    kern.sgemmBatched(transposeA, transposeB, batch, m, n, k, 1, av, batchA === 1 ? 0 : m * k, bv, batchB === 1 ? 0 : k * n, 0, out);
  }
  return args.backend.makeTensorInfo([...outBatch, m, n], 'float32', out);
}

/** matMul, then bias and activation through the cpu kernels (both linear-time). */
function fusedMatMul(kern: Kernels, args: Args): TensorInfo {
  const { a, b, bias, preluActivationWeights } = args.inputs;
  const { activation, leakyreluAlpha } = args.attrs as { activation: string; leakyreluAlpha?: number };
  const backend = args.backend;
  let out = batchMatMul(kern, { ...args, inputs: { a, b } });
  const step = (next: TensorInfo) => {
    backend.disposeIntermediateTensorInfo(out);
    out = next;
  };
  if (bias) step(cpuKernel('Add', { inputs: { a: out, b: bias }, backend, attrs: {} }));
  const act: Record<string, () => TensorInfo> = {
    relu: () => cpuKernel('Relu', { inputs: { x: out }, backend, attrs: {} }),
    relu6: () => cpuKernel('Relu6', { inputs: { x: out }, backend, attrs: {} }),
    elu: () => cpuKernel('Elu', { inputs: { x: out }, backend, attrs: {} }),
    sigmoid: () => cpuKernel('Sigmoid', { inputs: { x: out }, backend, attrs: {} }),
    leakyrelu: () => cpuKernel('LeakyRelu', { inputs: { x: out }, backend, attrs: { alpha: leakyreluAlpha ?? 0.2 } }),
    prelu: () => cpuKernel('Prelu', { inputs: { x: out, alpha: preluActivationWeights }, backend, attrs: {} }),
  };
  if (activation && activation !== 'linear') {
    if (!act[activation]) throw new Error(`fused matMul: unknown activation "${activation}"`);
    step(act[activation]());
  }
  return out;
}

function convShape(info: backend_util.Conv2DInfo): ConvShape {
  return {
    n: info.batchSize, h: info.inHeight, w: info.inWidth, c: info.inChannels,
    fh: info.filterHeight, fw: info.filterWidth, oc: info.outChannels,
    sh: info.strideHeight, sw: info.strideWidth, dh: info.dilationHeight, dw: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left, oh: info.outHeight, ow: info.outWidth,
  };
}

/** Conv geometry for NHWC float32 convolutions; undefined sends the call to the cpu kernel. */
function convInfo(args: Args, xShape: number[], filterShape: number[], dilations: number | [number, number]): ConvShape | undefined {
  const { strides, pad, dataFormat, dimRoundingMode } = args.attrs as unknown as {
    strides: [number, number]; pad: backend_util.ExplicitPadding | 'same' | 'valid'; dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  if (dataFormat === 'NCHW') return undefined;
  return convShape(backend_util.computeConv2DInfo(xShape as [number, number, number, number],
    filterShape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, 'channelsLast'));
}

function conv2D(kern: Kernels, args: Args): TensorInfo {
  const { x, filter } = args.inputs;
  const xv = float32(args.backend, x), fv = float32(args.backend, filter);
  const s = convInfo(args, x.shape, filter.shape, args.attrs.dilations as [number, number]);
  if (!xv || !fv || !s) return cpuKernel(Conv2D, args);
  const y = new Float32Array(s.n * s.oh * s.ow * s.oc);
  kern.conv2dForward(s, xv, fv, y);
  return args.backend.makeTensorInfo([s.n, s.oh, s.ow, s.oc], 'float32', y);
}

function conv2DBackpropInput(kern: Kernels, args: Args): TensorInfo {
  const { dy, filter } = args.inputs;
  const inputShape = args.attrs.inputShape as number[];
  const dv = float32(args.backend, dy), fv = float32(args.backend, filter);
  const s = convInfo(args, inputShape, filter.shape, 1);
  if (!dv || !fv || !s) return cpuKernel(Conv2DBackpropInput, args);
  const dx = new Float32Array(size(inputShape));
  kern.conv2dBackpropInput(s, dv, fv, dx);
  return args.backend.makeTensorInfo(inputShape, 'float32', dx);
}

function conv2DBackpropFilter(kern: Kernels, args: Args): TensorInfo {
  const { x, dy } = args.inputs;
  const filterShape = args.attrs.filterShape as number[];
  const xv = float32(args.backend, x), dv = float32(args.backend, dy);
  const s = convInfo(args, x.shape, filterShape, 1);
  if (!xv || !dv || !s) return cpuKernel(Conv2DBackpropFilter, args);
  const df = new Float32Array(size(filterShape));
  kern.conv2dBackpropFilter(s, xv, dv, df);
  return args.backend.makeTensorInfo(filterShape, 'float32', df);
}

/** One linear pass (the cpu kernel loops over segments: O(segments × rows)). Ids outside [0, numSegments) are dropped, as in TensorFlow. */
function unsortedSegmentSum(args: Args): TensorInfo {
  const { x, segmentIds } = args.inputs;
  const numSegments = args.attrs.numSegments as number;
  const xv = values(args.backend, x), ids = values(args.backend, segmentIds);
  const inner = ids.length === 0 ? 0 : xv.length / ids.length;
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner, dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += xv[src + j];
  }
  return args.backend.makeTensorInfo([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype, out);
}

/** Gather along one axis by copying contiguous inner blocks (batchDims 0); other cases go to the cpu kernel. */
function gatherV2(args: Args): TensorInfo {
  const { x, indices } = args.inputs;
  const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
  if ((batchDims ?? 0) !== 0 || (x.dtype !== 'float32' && x.dtype !== 'int32')) return cpuKernel(GatherV2, args);
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const xv = values(args.backend, x), idx = values(args.backend, indices);
  const outer = size(x.shape.slice(0, ax)), dim = x.shape[ax], inner = size(x.shape.slice(ax + 1));
  const out = x.dtype === 'int32' ? new Int32Array(outer * idx.length * inner) : new Float32Array(outer * idx.length * inner);
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= dim) throw new Error(`gather: index ${idx[i]} at position ${i} is outside [0, ${dim})`);
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < idx.length; i++) {
      const src = (o * dim + idx[i]) * inner;
      out.set(xv.subarray(src, src + inner), (o * idx.length + i) * inner);
    }
  }
  return args.backend.makeTensorInfo([...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)], x.dtype, out);
}

/** The kernels the `native` backend replaces, bound to facet's kernels. */
export function hotKernels(kern: Kernels, backendName: string): KernelConfig[] {
  const fns: Record<string, (args: Args) => TensorInfo> = {
    [BatchMatMul]: (a) => batchMatMul(kern, a),
    [_FusedMatMul]: (a) => fusedMatMul(kern, a),
    [Conv2D]: (a) => conv2D(kern, a),
    [Conv2DBackpropInput]: (a) => conv2DBackpropInput(kern, a),
    [Conv2DBackpropFilter]: (a) => conv2DBackpropFilter(kern, a),
    [UnsortedSegmentSum]: unsortedSegmentSum,
    [GatherV2]: gatherV2,
  };
  return [
    ...Object.entries(fns).map(([kernelName, f]) => ({ kernelName, backendName, kernelFunc: f as unknown as KernelFunc })),
    ...fastOpKernels(backendName),
  ];
}
