import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../data/random.js';
import { heUniform, variable, xavierUniform, type EmbeddingModel } from './embedding-model.js';

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
 * ResNet-18 / ResNet-50 (torchvision layout: 7×7/2 stem, 3×3/2 max-pool, four stages, global average
 * pool → 512 / 2048 features) followed by the linear embedding layer, as the reference's
 * LinearEmbedding(ResNet). BatchNorm uses batch statistics in training and running statistics
 * (momentum 0.1, non-trainable variables, checkpointed with the rest) at evaluation; not frozen, as the
 * reference. Random initialisation: loading converted ImageNet weights means assigning `params` by name.
 */
export function resnetModel(depth: ResNetDepth, height: number, width: number, channels: number, embeddingDim: number, rng: Random): EmbeddingModel {
  const { blocks: plan, bottleneck, features } = resnetBlocks(depth);
  const next = () => rng.next();
  const params = new Map<string, tf.Variable>();
  const conv = (name: string, k: number, cin: number, cout: number) =>
    params.set(`${name}.w`, variable(name, heUniform(k * k * cin, k * k * cin * cout, next), [k, k, cin, cout]));
  const bn = (name: string, c: number) => {
    params.set(`${name}.gamma`, variable(`${name}_g`, new Float32Array(c).fill(1), [c]));
    params.set(`${name}.beta`, variable(`${name}_b`, new Float32Array(c), [c]));
    params.set(`${name}.mean`, tf.variable(tf.zeros([c]), false));
    params.set(`${name}.var`, tf.variable(tf.ones([c]), false));
  };
  conv('stem', 7, channels, 64);
  bn('stem.bn', 64);
  for (const { name, cin, mid, project } of plan) {
    if (bottleneck) {
      conv(`${name}.conv1`, 1, cin, mid); bn(`${name}.bn1`, mid);
      conv(`${name}.conv2`, 3, mid, mid); bn(`${name}.bn2`, mid);
      conv(`${name}.conv3`, 1, mid, mid * 4); bn(`${name}.bn3`, mid * 4);
    } else {
      conv(`${name}.conv1`, 3, cin, mid); bn(`${name}.bn1`, mid);
      conv(`${name}.conv2`, 3, mid, mid); bn(`${name}.bn2`, mid);
    }
    const out = bottleneck ? mid * 4 : mid;
    if (project) { conv(`${name}.down`, 1, cin, out); bn(`${name}.down.bn`, out); }
  }
  params.set('embed.w', variable('embed_w', xavierUniform(features, embeddingDim, features * embeddingDim, next), [features, embeddingDim]));
  params.set('embed.b', variable('embed_b', new Float32Array(embeddingDim), [embeddingDim]));

  let training = false;
  const p = (n: string) => params.get(n)!;
  // symmetric padding k/2 as torchvision (tfjs 'same' pads bottom/right only at stride 2)
  const c2d = (x: tf.Tensor4D, name: string, stride: number) => {
    const w = p(`${name}.w`) as tf.Tensor4D;
    const pad = Math.floor(w.shape[0] / 2);
    return tf.conv2d(x, w, stride, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
  };
  const norm = (x: tf.Tensor4D, name: string): tf.Tensor4D => {
    if (!training) return tf.batchNorm4d(x, p(`${name}.mean`) as tf.Tensor1D, p(`${name}.var`) as tf.Tensor1D, p(`${name}.beta`) as tf.Tensor1D, p(`${name}.gamma`) as tf.Tensor1D, 1e-5);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    // running statistics as torch: unbiased variance, momentum 0.1 (not part of the gradient)
    const update = (v: tf.Variable, batch: Float32Array, factor: number) => {
      const old = v.dataSync() as Float32Array;
      tf.tidy(() => v.assign(tf.tensor(old.map((o, i) => 0.9 * o + 0.1 * factor * batch[i]), v.shape)));
    };
    update(p(`${name}.mean`), mean.dataSync() as Float32Array, 1);
    update(p(`${name}.var`), variance.dataSync() as Float32Array, n / Math.max(1, n - 1));
    return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, p(`${name}.beta`) as tf.Tensor1D, p(`${name}.gamma`) as tf.Tensor1D, 1e-5);
  };
  return {
    kind: `resnet${depth}`,
    inputShape: [height, width, channels],
    embeddingDim,
    params,
    setTraining(t: boolean) { training = t; },
    forward(x) {
      let h = tf.relu(norm(c2d(x as tf.Tensor4D, 'stem', 2), 'stem.bn')) as tf.Tensor4D;
      h = tf.maxPool(h, 3, 2, 1);
      for (const b of plan) {
        const shortcut = b.project ? norm(c2d(h, `${b.name}.down`, b.stride), `${b.name}.down.bn`) : h;
        let y: tf.Tensor4D;
        if (bottleneck) {
          y = tf.relu(norm(c2d(h, `${b.name}.conv1`, 1), `${b.name}.bn1`)) as tf.Tensor4D;
          y = tf.relu(norm(c2d(y, `${b.name}.conv2`, b.stride), `${b.name}.bn2`)) as tf.Tensor4D;
          y = norm(c2d(y, `${b.name}.conv3`, 1), `${b.name}.bn3`);
        } else {
          y = tf.relu(norm(c2d(h, `${b.name}.conv1`, b.stride), `${b.name}.bn1`)) as tf.Tensor4D;
          y = norm(c2d(y, `${b.name}.conv2`, 1), `${b.name}.bn2`);
        }
        h = tf.relu(tf.add(y, shortcut)) as tf.Tensor4D;
      }
      const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, p('embed.w')), p('embed.b'));
    },
  };
}
