import { readNpz, type NdArray } from '../data/files/index.js';
import type { EmbeddingModel } from './embedding-model.js';

/** torchvision ResNet state_dict name → facet's parameter name (undefined: not a backbone tensor facet uses). */
export function facetParamName(key: string): string | undefined {
  const bn = (prefix: string, field: string) =>
    ({ weight: `${prefix}.gamma`, bias: `${prefix}.beta`, running_mean: `${prefix}.mean`, running_var: `${prefix}.var` } as Record<string, string>)[field];
  let m = /^conv1\.weight$/.exec(key);
  if (m) return 'stem.w';
  m = /^bn1\.(\w+)$/.exec(key);
  if (m) return bn('stem.bn', m[1]);
  m = /^(layer\d\.\d+)\.conv(\d)\.weight$/.exec(key);
  if (m) return `${m[1]}.conv${m[2]}.w`;
  m = /^(layer\d\.\d+)\.bn(\d)\.(\w+)$/.exec(key);
  if (m) return bn(`${m[1]}.bn${m[2]}`, m[3]);
  m = /^(layer\d\.\d+)\.downsample\.0\.weight$/.exec(key);
  if (m) return `${m[1]}.down.w`;
  m = /^(layer\d\.\d+)\.downsample\.1\.(\w+)$/.exec(key);
  if (m) return bn(`${m[1]}.down.bn`, m[2]);
  return undefined;
}

/** OIHW (torch) → HWIO (facet's filters) */
function toHwio(a: NdArray): Float32Array {
  const [o, i, h, w] = a.shape;
  const out = new Float32Array(a.data.length);
  for (let oo = 0; oo < o; oo++) for (let ii = 0; ii < i; ii++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[((y * w + x) * i + ii) * o + oo] = Number(a.data[((oo * i + ii) * h + y) * w + x]);
  }
  return out;
}

/**
 * Loads a torchvision ResNet-18/50 checkpoint converted to .npz (the state_dict's tensors by name,
 * e.g. `np.savez(f, **{k: v.numpy() for k, v in model.state_dict().items()})`) into a facet ResNet:
 * every backbone tensor must be there with its shape; `fc.*` and `num_batches_tracked` are ignored,
 * and the embedding layer keeps its seeded init, as the reference's LinearEmbedding on a pretrained
 * backbone. Returns how many tensors were loaded.
 */
export function loadTorchvisionResnet(model: EmbeddingModel, path: string): number {
  if (!/^resnet/.test(model.kind)) throw new Error(`${path}: torchvision weights load into resnet18 / resnet50, not ${model.kind}`);
  const arrays = readNpz(path);
  const byFacet = new Map<string, [string, NdArray]>();
  for (const [key, a] of Object.entries(arrays)) {
    const name = facetParamName(key);
    if (name) byFacet.set(name, [key, a]);
  }
  let loaded = 0;
  for (const [name, v] of model.params) {
    if (name.startsWith('embed.')) continue;
    const found = byFacet.get(name);
    if (!found) throw new Error(`${path}: no tensor for ${name} (torchvision names: conv1, bn1, layerS.B.convK / bnK / downsample.0|1); is it a ${model.kind} state_dict?`);
    const [key, a] = found;
    const data = a.shape.length === 4 ? toHwio(a) : Float32Array.from(a.data as ArrayLike<number>);
    const shape = a.shape.length === 4 ? [a.shape[2], a.shape[3], a.shape[1], a.shape[0]] : a.shape;
    if (shape.join() !== v.shape.join()) throw new Error(`${path}: ${key} has shape [${a.shape}], facet's ${name} needs [${v.shape}] (torch layout [${v.shape.length === 4 ? [v.shape[3], v.shape[2], v.shape[0], v.shape[1]] : v.shape}])`);
    v.value.set(data);
    loaded++;
  }
  return loaded;
}
