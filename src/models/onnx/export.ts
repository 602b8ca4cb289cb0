import type { ImageNormalization } from '../../data/images/normalization.js';
import type { EmbeddingModel } from '../embedding-model.js';
import { resnetBlocks } from '../resnet.js';
import { smallCnnLayout } from '../small-cnn.js';
import { encodeModel, OnnxGraph, tensorInfo } from './graph.js';
import { batchNorm, conv, globalAvgPool, l2Normalise, linear, maxPool, paramReader, relu, toNchw, toNhwc, type ParamReader } from './layers.js';

export const EXPORTABLE_KINDS = ['small-cnn', 'resnet18', 'resnet50', 'mlp'];

/** What the export records beside the graph (metadata_props `facet.*`). */
export interface ExportInfo {
  /** how facet preprocesses the inputs, e.g. "x/127.5 - 1" */
  inputNormalization: string;
  /** the same as a key (`unit` / `imagenet`) that openOnnxEmbedder reads back; absent for feature models */
  imageNormalization?: ImageNormalization;
  facetVersion: string;
  /** free-form extra keys (dataset, run, epoch) */
  extra?: Record<string, string>;
}

/** the small CNN: conv3×3 + BN + ReLU (+ 2×2 max-pool) ×3, then the embedding layer on the NHWC-flattened (or pooled) map */
function smallCnn(g: OnnxGraph, p: ParamReader, x: string, [h, w]: number[]): string {
  const layout = smallCnnLayout(h, w);
  let y = toNchw(g, x);
  layout.channels.forEach((_, l) => {
    y = relu(g, batchNorm(g, p, conv(g, p, y, `conv${l}`), `bn${l}`));
    if (layout.pools[l]) y = maxPool(g, y, 2, 2, 0);
  });
  // facet's Linear flattens the map in NHWC order
  y = layout.globalPool ? globalAvgPool(g, y) : g.op('Flatten', [toNhwc(g, y)], { axis: 1 });
  return linear(g, p, y, 'embed');
}

/** ResNet-18/50: stem 7×7/2 + BN + ReLU + max-pool 3/2, residual blocks, global average pool, embedding layer */
function resnet(g: OnnxGraph, p: ParamReader, x: string, depth: 18 | 50): string {
  const { blocks, bottleneck } = resnetBlocks(depth);
  const cbn = (y: string, name: string, bn: string, stride = 1) => batchNorm(g, p, conv(g, p, y, name, stride), bn);
  let h = maxPool(g, relu(g, cbn(toNchw(g, x), 'stem', 'stem.bn', 2)), 3, 2, 1);
  for (const b of blocks) {
    const shortcut = b.project ? cbn(h, `${b.name}.down`, `${b.name}.down.bn`, b.stride) : h;
    let y: string;
    if (bottleneck) {
      y = relu(g, cbn(h, `${b.name}.conv1`, `${b.name}.bn1`));
      y = relu(g, cbn(y, `${b.name}.conv2`, `${b.name}.bn2`, b.stride));
      y = cbn(y, `${b.name}.conv3`, `${b.name}.bn3`);
    } else {
      y = relu(g, cbn(h, `${b.name}.conv1`, `${b.name}.bn1`, b.stride));
      y = cbn(y, `${b.name}.conv2`, `${b.name}.bn2`);
    }
    h = relu(g, g.op('Add', [y, shortcut]));
  }
  return linear(g, p, globalAvgPool(g, h), 'embed');
}

/** the MLP: dense layers with ReLU between them */
function mlp(g: OnnxGraph, p: ParamReader, x: string, params: Map<string, unknown>): string {
  let y = x;
  for (let l = 0; params.has(`dense${l}.w`); l++) {
    if (l > 0) y = relu(g, y);
    y = linear(g, p, y, `dense${l}`);
  }
  return y;
}

/**
 * The ONNX model (opset 17) of a facet embedding network in evaluation mode (BatchNorm with its
 * running statistics): input `input` [batch, ...model.inputShape] float32 — NHWC images, as facet
 * feeds them, or [batch, d] features — and output `embedding` [batch, embeddingDim], L2-normalised as
 * facet's embed(). A kind it does not know is refused by name.
 */
export function exportOnnx(model: EmbeddingModel, info: ExportInfo): Uint8Array {
  if (!EXPORTABLE_KINDS.includes(model.kind)) {
    throw new Error(`ONNX export: model kind "${model.kind}" cannot be exported (facet exports ${EXPORTABLE_KINDS.join(', ')})`);
  }
  const g = new OnnxGraph();
  const p = paramReader(model.params, model.kind);
  const x = 'input';
  const raw = model.kind === 'mlp' ? mlp(g, p, x, model.params)
    : model.kind === 'small-cnn' ? smallCnn(g, p, x, model.inputShape)
      : resnet(g, p, x, model.kind === 'resnet18' ? 18 : 50);
  const out = l2Normalise(g, raw);
  const images = model.inputShape.length === 3;
  const metadata = {
    'facet.model': model.kind,
    'facet.version': info.facetVersion,
    'facet.input_layout': images ? 'NHWC' : 'NC',
    'facet.input_shape': model.inputShape.join(','),
    'facet.input_normalization': info.inputNormalization,
    ...(info.imageNormalization && { 'facet.image_normalization': info.imageNormalization }),
    'facet.embedding_dim': String(model.embeddingDim),
    'facet.output': 'L2-normalised embedding',
    ...info.extra,
  };
  return encodeModel(g, tensorInfo(x, ['batch', ...model.inputShape]), { value: out, info: tensorInfo('embedding', ['batch', model.embeddingDim]) }, metadata, info.facetVersion);
}
