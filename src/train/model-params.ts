import type { EmbeddingModel } from '../models/embedding-model.js';

/** Copies of the model's parameters by name (for checkpoints, the best epoch, warm starts). */
export function paramsOf(model: EmbeddingModel): Record<string, { shape: number[]; data: Float32Array }> {
  return Object.fromEntries([...model.params].map(([k, p]) => [k, { shape: [...p.shape], data: p.value.slice() }]));
}

/** Loads parameters by name; every model parameter must be there with its shape. */
export function setParams(model: EmbeddingModel, params: Record<string, { shape: number[]; data: Float32Array }>, from: string): void {
  for (const [name, v] of model.params) {
    const p = params[name];
    if (!p) throw new Error(`${from}: no parameter "${name}" for this ${model.kind} model`);
    if (p.shape.join() !== v.shape.join()) throw new Error(`${from}: parameter "${name}" has shape [${p.shape}], the model needs [${v.shape}]`);
    v.value.set(p.data);
  }
}

/** True when no value is NaN or Inf. */
export function allFinite(a: Float32Array): boolean {
  // x·0 is 0 for finite x, NaN otherwise
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * 0;
  return s === 0;
}

/** The name of the first parameter holding NaN or Inf, if any. */
export function firstNonFiniteParam(params: Record<string, { data: Float32Array }>): string | undefined {
  return Object.keys(params).find((k) => !allFinite(params[k].data));
}
