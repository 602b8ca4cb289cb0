import { Random } from '../data/random.js';
import type { ImageNormalization } from '../data/images/normalization.js';
import type { EmbeddingModel } from '../models/embedding-model.js';
import { buildModel } from './build-model.js';
import { loadCheckpoint } from './checkpoint.js';
import { defaultTrainConfig, type TrainConfig } from './config.js';
import { firstNonFiniteParam, setParams } from './model-params.js';

export interface TrainedModel {
  model: EmbeddingModel;
  config: TrainConfig;
  epoch: number;
  steps: number;
  /** how its input images are scaled; undefined for feature models */
  imageNormalization?: ImageNormalization;
}

/**
 * The model a `facet train` run folder holds, for inputs of `sampleShape` (by default the shape the
 * checkpoint records, or a function of it): the last epoch's
 * parameters, or with `which = 'best'` the validation-selected epoch's (the last when there is none),
 * and the steps the run took.
 */
export function loadTrainedModel(runDir: string, sampleShape: number[] | ((recorded: number[] | undefined) => number[]) | undefined, which: 'best' | 'last' = 'last'): TrainedModel {
  const ck = loadCheckpoint(runDir);
  const config = { ...defaultTrainConfig, ...ck.config } as TrainConfig;
  const shape = typeof sampleShape === 'function' ? sampleShape(ck.sampleShape) : sampleShape ?? ck.sampleShape;
  if (!shape) throw new Error(`${runDir}/checkpoint.json records no input shape (written by an older facet): give --image-size`);
  const model = buildModel(config, shape, new Random(config.seed));
  const best = which === 'best' ? ck.best : undefined;
  const bad = firstNonFiniteParam(best?.params ?? ck.params);
  if (bad) throw new Error(`${runDir}/checkpoint.json: parameter "${bad}" holds NaN or Inf (the run diverged); train again with a lower --lr`);
  setParams(model, best?.params ?? ck.params, `${runDir}/checkpoint.json`);
  // checkpoints of an older facet record no normalisation: it read grey sets to [−1, 1], RGB image files ImageNet-normalised
  const imageNormalization = shape.length !== 3 ? undefined : ck.imageNormalization ?? (shape[2] === 1 ? 'unit' : 'imagenet');
  return { model, config, epoch: best?.epoch ?? ck.epoch, steps: ck.globalStep, imageNormalization };
}
