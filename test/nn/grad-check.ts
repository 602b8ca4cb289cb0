import assert from 'node:assert/strict';
import type { Layer } from '../../src/nn/index.js';

export function rand(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => (((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1) * scale);
}

/** Σ r·y in float64: a scalar loss whose gradient w.r.t. y is r. */
export const dot = (y: ArrayLike<number>, r: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
};

/** Up to `count` spread-out indices into an array of n values (all when n ≤ count). */
export function sample(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * n) / count));
}

/**
 * Central finite differences of `loss` w.r.t. the chosen entries of `v` (perturbed in place and
 * restored) against `analytic`, compared as vectors: ‖fd − analytic‖ ≤ tol·‖analytic‖ (+ a tiny
 * absolute floor). A small step (1e-3) rarely crosses a ReLU or max-pool kink, and a vector test
 * tolerates the odd one that does.
 */
export function checkFd(what: string, v: Float32Array, analytic: ArrayLike<number>, loss: () => number, eps: number, tol = 2e-2, count = 16): void {
  let diff = 0, norm = 0;
  const rows: string[] = [];
  for (const j of sample(v.length, count)) {
    const old = v[j];
    v[j] = old + eps;
    const up = loss();
    v[j] = old - eps;
    const down = loss();
    v[j] = old;
    const fd = (up - down) / (2 * eps);
    diff += (fd - analytic[j]) ** 2;
    norm += analytic[j] ** 2;
    rows.push(`${j}: fd ${fd.toExponential(3)} vs ${analytic[j].toExponential(3)}`);
  }
  assert.ok(norm > 0, `${what}: the analytic gradient is zero on every sampled entry`);
  assert.ok(Math.sqrt(diff) <= tol * Math.sqrt(norm) + 1e-6, `${what}: relative error ${(Math.sqrt(diff / norm)).toExponential(2)}\n${rows.join('\n')}`);
}

/**
 * Checks a layer's backward (every trainable param and the input gradient) against finite
 * differences of Σ r·forward(x) in training mode.
 */
export function checkLayer(layer: Layer, n: number, seed: number, eps = 1e-3, tol = 1e-2): void {
  const inSize = layer.inShape.reduce((a, b) => a * b, 1), outSize = layer.outShape.reduce((a, b) => a * b, 1);
  const x = rand(n * inSize, seed), r = rand(n * outSize, seed + 1);
  const loss = () => dot(layer.forward(x, n, true), r);
  loss();
  const dx = Float32Array.from(layer.backward(r, true)!);
  const grads = layer.params.filter((p) => p.grad).map((p) => [p, Float32Array.from(p.grad!)] as const);
  checkFd(`${layer.name} dx`, x, dx, loss, eps, tol);
  for (const [p, g] of grads) checkFd(`${layer.name} d${p.name}`, p.value, g, loss, eps, tol);
}
