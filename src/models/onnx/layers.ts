import type { Param } from '../../nn/index.js';
import type { OnnxGraph } from './graph.js';

/** BatchNorm's epsilon in facet's models (torch's default) */
const BN_EPS = 1e-5;

/** A model's parameters by name, read as float32 (the values a checkpoint holds). */
export type ParamReader = (name: string) => { data: Float32Array; shape: number[] };

export function paramReader(params: Map<string, Param>, kind: string): ParamReader {
  return (name) => {
    const v = params.get(name);
    if (!v) throw new Error(`ONNX export: ${kind} has no parameter ${name}`);
    return { data: v.value, shape: [...v.shape] };
  };
}

/** Permutes a row-major tensor of `shape` by `perm` (output axis i is input axis perm[i]). */
function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]);
  const inStride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < perm.length; i++) src += idx[i] * inStride[perm[i]];
    out[o] = data[src];
    for (let i = perm.length - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** NHWC → NCHW (and back), the layout ONNX's Conv and pools work in */
export const toNchw = (g: OnnxGraph, x: string) => g.op('Transpose', [x], { perm: [0, 3, 1, 2] }, 'nchw');
export const toNhwc = (g: OnnxGraph, x: string) => g.op('Transpose', [x], { perm: [0, 2, 3, 1] }, 'nhwc');

/** Bias-free k×k convolution of NCHW `x` by facet's [k, k, cin, cout] filter `name`.w, symmetric padding ⌊k/2⌋. */
export function conv(g: OnnxGraph, p: ParamReader, x: string, name: string, stride = 1): string {
  const { data, shape } = p(`${name}.w`);
  const [k, , cin, cout] = shape;
  const w = g.weight(`${name}.w`, permute(data, shape, [3, 2, 0, 1]), [cout, cin, k, k]);
  const pad = Math.floor(k / 2);
  return g.op('Conv', [x, w], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] }, name);
}

/** Evaluation-mode BatchNorm of NCHW `x` with running statistics `name`.mean / .var and affine .gamma / .beta. */
export function batchNorm(g: OnnxGraph, p: ParamReader, x: string, name: string): string {
  const ins = ['gamma', 'beta', 'mean', 'var'].map((k) => {
    const { data, shape } = p(`${name}.${k}`);
    return g.weight(`${name}.${k}`, data, shape);
  });
  return g.op('BatchNormalization', [x, ...ins], { epsilon: { float: BN_EPS } }, name);
}

export const relu = (g: OnnxGraph, x: string) => g.op('Relu', [x]);

export function maxPool(g: OnnxGraph, x: string, k: number, stride: number, pad: number): string {
  return g.op('MaxPool', [x], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] });
}

/** NCHW → [N, C], the mean over positions */
export const globalAvgPool = (g: OnnxGraph, x: string) => g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: 1 });

/** [N, in] · `name`.w [in, out] + `name`.b */
export function linear(g: OnnxGraph, p: ParamReader, x: string, name: string): string {
  const w = p(`${name}.w`), b = p(`${name}.b`);
  return g.op('Add', [g.op('MatMul', [x, g.weight(`${name}.w`, w.data, w.shape)]), g.weight(`${name}.b`, b.data, b.shape)], {}, name);
}

/** Rows divided by max(‖row‖₂, 1e-12), as facet's embed() */
export function l2Normalise(g: OnnxGraph, x: string): string {
  const norm = g.op('ReduceL2', [x], { axes: [1], keepdims: 1 });
  const floor = g.weight('l2_floor', Float32Array.of(1e-12), []);
  return g.op('Div', [x, g.op('Max', [norm, floor])], {}, 'normalised');
}
