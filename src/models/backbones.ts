import type { Random } from '../data/random.js';
import type { EmbeddingModel } from './embedding-model.js';
import { mlpModel } from './mlp.js';
import { resnetModel } from './resnet.js';
import { smallCnnModel } from './small-cnn.js';

/** What a backbone needs to build an embedding network. */
export interface BackboneOptions {
  embeddingDim: number;
  /** MLP hidden layer widths */
  hidden: number[];
}

/** An embedding network kind: what inputs it takes, and how it is built for a sample shape. */
export interface Backbone {
  /** `features`: [d] rows; `images`: [h, w, c] NHWC */
  input: 'features' | 'images';
  build(sampleShape: number[], o: BackboneOptions, rng: Random): EmbeddingModel;
}

/** Every backbone `--model` names, one line each: a new backbone is its file plus one line here. */
export const BACKBONES = {
  mlp: { input: 'features', build: ([d], o, rng) => mlpModel(d, o.hidden, o.embeddingDim, rng) },
  'small-cnn': { input: 'images', build: ([h, w, c], o, rng) => smallCnnModel(h, w, c, o.embeddingDim, rng) },
  resnet18: { input: 'images', build: ([h, w, c], o, rng) => resnetModel(18, h, w, c, o.embeddingDim, rng) },
  resnet50: { input: 'images', build: ([h, w, c], o, rng) => resnetModel(50, h, w, c, o.embeddingDim, rng) },
} satisfies Record<string, Backbone>;

export type BackboneName = keyof typeof BACKBONES;

/** The network of backbone `name` for inputs of `sampleShape`; a shape it cannot take is an error naming both. */
export function buildBackbone(name: BackboneName, sampleShape: number[], o: BackboneOptions, rng: Random): EmbeddingModel {
  const b: Backbone = BACKBONES[name];
  if (!b) throw new Error(`--model: unknown backbone "${name}": expected one of ${Object.keys(BACKBONES).join(', ')}`);
  if (b.input === 'features' && sampleShape.length !== 1) throw new Error(`--model ${name} needs feature vectors, got samples of shape [${sampleShape}]`);
  if (b.input === 'images' && sampleShape.length !== 3) throw new Error(`--model ${name} needs images [h, w, c], got samples of shape [${sampleShape}]`);
  return b.build(sampleShape, o, rng);
}
