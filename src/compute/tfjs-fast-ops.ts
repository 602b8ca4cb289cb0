/**
 * Linear-time replacements for cpu kernels that a CNN/GAT training profile showed to dominate:
 * broadcasting binary ops (the cpu backend maps every element through index arithmetic), sums and
 * means over leading or trailing axes (it transposes first), and max-pool's gradient. Cases outside
 * these fast paths run the cpu kernel unchanged.
 */
import {
  Add, backend_util, getKernel, MaxPoolGrad, Mean, Multiply, RealDiv, Sub, Sum, type KernelConfig,
  type KernelFunc, type NamedAttrMap, type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

type Args = { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: NamedAttrMap };
const cpu = (name: string, args: Args) => getKernel(name, 'cpu')!.kernelFunc(args as never) as TensorInfo;
const f32 = (b: MathBackendCPU, t: TensorInfo) => b.data.get(t.dataId).values as Float32Array;
const size = (shape: number[]) => shape.reduce((a, d) => a * d, 1);

/**
 * How `small` broadcasts against the output: 'same' (equal sizes), 'inner' (its shape is the
 * output's trailing dims: index i % n) or 'outer' (the output's leading dims then 1s: index ⌊i / r⌋).
 */
function broadcastKind(shape: number[], out: number[]): { kind: 'same' | 'inner' | 'outer'; r: number } | undefined {
  const padded = [...Array(out.length - shape.length).fill(1), ...shape];
  if (padded.every((d, i) => d === out[i])) return { kind: 'same', r: 1 };
  const firstReal = padded.findIndex((d) => d !== 1);
  if (firstReal < 0 || padded.slice(firstReal).every((d, i) => d === out[firstReal + i])) return { kind: 'inner', r: 1 };
  let lastReal = padded.length - 1;
  while (lastReal >= 0 && padded[lastReal] === 1) lastReal--;
  if (padded.slice(0, lastReal + 1).every((d, i) => d === out[i])) return { kind: 'outer', r: size(out.slice(lastReal + 1)) };
  return undefined;
}

function binary(name: string, op: (x: number, y: number) => number): KernelFunc {
  return ((args: Args) => {
    const { a, b } = args.inputs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return cpu(name, args);
    const out = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const ka = broadcastKind(a.shape, out), kb = broadcastKind(b.shape, out);
    if (!ka || !kb) return cpu(name, args);
    const av = f32(args.backend, a), bv = f32(args.backend, b), n = size(out);
    const res = new Float32Array(n);
    const at = (v: Float32Array, k: { kind: string; r: number }) =>
      k.kind === 'same' ? (i: number) => v[i] : k.kind === 'inner' ? (i: number) => v[i % v.length] : (i: number) => v[Math.floor(i / k.r)];
    if (ka.kind === 'same' && kb.kind === 'same') for (let i = 0; i < n; i++) res[i] = op(av[i], bv[i]);
    else {
      const ga = at(av, ka), gb = at(bv, kb);
      for (let i = 0; i < n; i++) res[i] = op(ga(i), gb(i));
    }
    return args.backend.makeTensorInfo(out, 'float32', res);
  }) as unknown as KernelFunc;
}

/** Sum (or mean) over a leading or trailing run of axes: one pass, no transpose. */
function reduce(name: string, mean: boolean): KernelFunc {
  return ((args: Args) => {
    const { x } = args.inputs;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
    const leading = axes.every((a, i) => a === i), trailing = axes.every((a, i) => a === rank - axes.length + i);
    if (x.dtype !== 'float32' || axes.length === 0 || (!leading && !trailing)) return cpu(name, args);
    const xv = f32(args.backend, x);
    const reduced = size(axes.map((a) => x.shape[a])), kept = xv.length / Math.max(1, reduced);
    const out = new Float32Array(kept);
    if (leading) for (let r = 0; r < reduced; r++) for (let j = 0, o = r * kept; j < kept; j++) out[j] += xv[o + j];
    else for (let j = 0; j < kept; j++) {
      let s = 0;
      for (let r = 0, o = j * reduced; r < reduced; r++) s += xv[o + r];
      out[j] = s;
    }
    if (mean) for (let j = 0; j < kept; j++) out[j] /= reduced;
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return args.backend.makeTensorInfo(shape, 'float32', out);
  }) as unknown as KernelFunc;
}

/** dx of max-pool: dy goes to the first strictly largest input of each window (the cpu kernel's rule). */
function maxPoolGrad(args: Args): TensorInfo {
  const { dy, input } = args.inputs;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as never;
  if (input.dtype !== 'float32') return cpu(MaxPoolGrad, args);
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const xv = f32(args.backend, input), dyv = f32(args.backend, dy);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const dx = new Float32Array(xv.length);
  const best = new Float32Array(c), at = new Int32Array(c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        best.fill(-Infinity);
        at.fill(-1);
        const y0 = oy * info.strideHeight - info.padInfo.top, x0 = ox * info.strideWidth - info.padInfo.left;
        for (let y = Math.max(0, y0); y < Math.min(h, y0 + info.filterHeight); y++)
          for (let x = Math.max(0, x0); x < Math.min(w, x0 + info.filterWidth); x++) {
            const base = ((b * h + y) * w + x) * c;
            for (let ch = 0; ch < c; ch++) if (xv[base + ch] > best[ch]) { best[ch] = xv[base + ch]; at[ch] = base + ch; }
          }
        const g = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) if (at[ch] >= 0) dx[at[ch]] += dyv[g + ch];
      }
  return args.backend.makeTensorInfo(input.shape, 'float32', dx);
}

export function fastOpKernels(backendName: string): KernelConfig[] {
  const fns: Record<string, KernelFunc> = {
    [Add]: binary(Add, (x, y) => x + y),
    [Sub]: binary(Sub, (x, y) => x - y),
    [Multiply]: binary(Multiply, (x, y) => x * y),
    [RealDiv]: binary(RealDiv, (x, y) => x / y),
    [Sum]: reduce(Sum, false),
    [Mean]: reduce(Mean, true),
    [MaxPoolGrad]: maxPoolGrad as unknown as KernelFunc,
  };
  return Object.entries(fns).map(([kernelName, kernelFunc]) => ({ kernelName, backendName, kernelFunc }));
}
