import type { Random } from '../data/random.js';
import { kernels as activeKernels, type Kernels } from '../compute/index.js';
import { BatchNorm, Conv2d, GlobalAvgPool, Linear, MaxPool, ResidualBlock, Sequential, type Layer } from '../nn/index.js';
import { xavierUniform, type EmbeddingModel } from './embedding-model.js';
import { layerModel } from './layer-model.js';

export type ResNetDepth = 18 | 50;

/** Blocks per stage and whether they are bottlenecks (torchvision's resnet18 / resnet50). */
const layout: Record<ResNetDepth, { blocks: number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
};

/** One residual block: its parameter prefix, input and bottleneck widths, stride, and whether its shortcut is projected. */
export interface ResNetBlock { name: string; cin: number; mid: number; stride: number; project: boolean }

/** The blocks of a ResNet (torchvision's order and names; shared with its ONNX export) and its pooled feature width. */
export function resnetBlocks(depth: ResNetDepth): { blocks: ResNetBlock[]; bottleneck: boolean; features: number } {
  const { blocks: counts, bottleneck } = layout[depth];
  const expansion = bottleneck ? 4 : 1;
  let cin = 64;
  const blocks: ResNetBlock[] = [];
  counts.forEach((count, stage) => {
    const mid = 64 * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      blocks.push({ name: `layer${stage + 1}.${b}`, cin, mid, stride, project: b === 0 && (stride !== 1 || cin !== mid * expansion) });
      cin = mid * expansion;
    }
  });
  return { blocks, bottleneck, features: cin };
}

/**
 * ResNet-18 / ResNet-50 on facet's layers, torchvision's layout: 7×7/2 stem conv + BatchNorm + ReLU,
 * 3×3/2 max-pool, four stages of basic (3×3, 3×3) or bottleneck (1×1, 3×3, 1×1 ×4) residual blocks, the
 * stride on the 3×3 conv and a 1×1 projection + BatchNorm on the shortcut where the shape changes,
 * then global average pooling → 512 / 2048 features and the linear embedding layer (the reference's
 * LinearEmbedding(ResNet)). torchvision's init: convs kaiming-normal (fan_out, ReLU), BatchNorm γ 1 β 0;
 * the embedding layer Xavier-uniform. BatchNorm uses batch statistics in training and running statistics
 * (momentum 0.1) at evaluation, not frozen, as the reference. Params keep the names and HWIO filter
 * layout of facet's earlier TensorFlow.js ResNet (`stem.w`, `layer1.0.conv1.w`, `layer1.0.down.bn.mean`,
 * …), so its checkpoints load as they are; torchvision weights load by name (torchvision-weights.ts).
 * Convolutions keep no im2col columns between passes (the filter gradient rebuilds them), which keeps
 * a training step's memory to the activations.
 */
export function resnetModel(
  depth: ResNetDepth, height: number, width: number, channels: number, embeddingDim: number, rng: Random, k: Kernels = activeKernels(),
): EmbeddingModel {
  const { blocks: plan, bottleneck, features } = resnetBlocks(depth);
  const conv = (name: string, shape: readonly number[], size: number, cout: number, stride = 1) => {
    const cin = shape[2], fanOut = size * size * cout, std = Math.sqrt(2 / fanOut);
    const w = Float32Array.from({ length: size * size * cin * cout }, () => rng.normal() * std);
    return new Conv2d(name, shape, cout, w, { size, stride, keepColumns: false }, k);
  };
  /** conv then BatchNorm (with ReLU when `relu`), appended to `into`; returns the output shape */
  const convBn = (into: Layer[], convName: string, bnName: string, shape: readonly number[], size: number, cout: number, stride: number, relu: boolean) => {
    const c = conv(convName, shape, size, cout, stride);
    into.push(c, new BatchNorm(bnName, c.outShape, { relu }, k));
    return c.outShape;
  };
  const layers: Layer[] = [];
  let shape: readonly number[] = convBn(layers, 'stem', 'stem.bn', [height, width, channels], 7, 64, 2, true);
  layers.push(new MaxPool('stem.pool', shape, { size: 3, stride: 2, pad: 1 }, k));
  shape = layers[layers.length - 1].outShape;
  for (const { name, mid, stride, project } of plan) {
    const main: Layer[] = [];
    let s = shape;
    if (bottleneck) {
      s = convBn(main, `${name}.conv1`, `${name}.bn1`, s, 1, mid, 1, true);
      s = convBn(main, `${name}.conv2`, `${name}.bn2`, s, 3, mid, stride, true);
      s = convBn(main, `${name}.conv3`, `${name}.bn3`, s, 1, mid * 4, 1, false);
    } else {
      s = convBn(main, `${name}.conv1`, `${name}.bn1`, s, 3, mid, stride, true);
      s = convBn(main, `${name}.conv2`, `${name}.bn2`, s, 3, mid, 1, false);
    }
    const shortcut: Layer[] = [];
    if (project) convBn(shortcut, `${name}.down`, `${name}.down.bn`, shape, 1, s[2], stride, false);
    layers.push(new ResidualBlock(name, main, project ? shortcut : undefined, k));
    shape = s;
  }
  layers.push(new GlobalAvgPool('gap', shape));
  layers.push(new Linear('embed', [features], embeddingDim, xavierUniform(features, embeddingDim, features * embeddingDim, () => rng.next()), k));
  return layerModel(`resnet${depth}`, new Sequential(`resnet${depth}`, layers));
}
