import { InvalidArgumentError, type Command } from 'commander';
import { marginNames } from '../heads/margins.js';
import { defaultTrainConfig, validateTrainConfig, type ModelKind, type TrainConfig } from '../train/config.js';
import { optionKey } from './config.js';
import { fraction, intList, integer, nonNegativeInt, numberIn, positiveInt } from './parse.js';

const num = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number, got "${v}"`);
  return n;
};

interface TrainingFlag {
  /** the flag's name without "--" (also its key in a run's config.json) */
  flag: string;
  /** the TrainConfig field it sets: the one mapping table from flag names to config keys */
  key: keyof TrainConfig;
  /** commander's value placeholder, absent for a switch */
  value?: string;
  help: string;
  parse?: (flag: string) => (v: string) => unknown;
}

/**
 * The training flags of `facet train`, `facet semi` and `facet demo`, declared once; their defaults
 * are defaultTrainConfig's. Every margin in the registry is a --loss; --queue-size N puts the
 * BroadFace queue on any of them.
 */
const TRAINING_FLAGS: TrainingFlag[] = [
  { flag: 'loss', key: 'loss', value: '<kind>', help: `margin head: ${marginNames().join(', ')} (the registered margins), or broadface (= arcface with the BroadFace queue on)` },
  { flag: 'queue-size', key: 'queueSize', value: '<n>', help: 'BroadFace queue rows (per head), for any --loss; 0: no queue (broadface with 0 behaves as ArcFace)', parse: nonNegativeInt },
  { flag: 'compensate', key: 'compensate', help: 'BroadFace drift compensation of queued embeddings (needs a queue)' },
  { flag: 'scale', key: 'scale', value: '<s>', help: 'logit scale s', parse: num },
  { flag: 'margin', key: 'margin', value: '<m>', help: 'margin m (default: the margin\'s own, ArcFace 0.5, CosFace 0.35)', parse: num },
  { flag: 'model', key: 'model', value: '<kind>', help: 'mlp (features), small-cnn, resnet18 or resnet50 (images); default mlp or small-cnn by input' },
  { flag: 'hidden', key: 'hidden', value: '<widths>', help: 'MLP hidden layer widths, comma-separated ("" for none)', parse: (f) => (v) => (v === '' ? [] : intList(f)(v)) },
  { flag: 'embedding-size', key: 'embeddingDim', value: '<d>', help: 'embedding dimension', parse: positiveInt },
  { flag: 'epochs', key: 'epochs', value: '<n>', help: 'epochs (facet semi: of the supervised model)', parse: positiveInt },
  { flag: 'batch-size', key: 'batchSize', value: '<n>', help: 'batch size (two heads: half labelled, half pseudo-labelled)', parse: positiveInt },
  { flag: 'lr', key: 'lr', value: '<lr>', help: 'backbone learning rate', parse: num },
  { flag: 'head-lr', key: 'headLr', value: '<lr>', help: 'head (W) learning rate (default: --lr)', parse: num },
  { flag: 'optimizer', key: 'optimizer', value: '<kind>', help: 'adam (coupled L2, the reference), adamw or sgd' },
  { flag: 'weight-decay', key: 'weightDecay', value: '<w>', help: 'weight decay', parse: num },
  { flag: 'momentum', key: 'momentum', value: '<m>', help: 'SGD momentum', parse: num },
  { flag: 'lr-decay-epochs', key: 'milestones', value: '<list>', help: 'MultiStep milestones ("" for none)', parse: (f) => (v) => (v === '' ? [] : intList(f)(v)) },
  { flag: 'lr-decay-gamma', key: 'gamma', value: '<g>', help: 'MultiStep factor', parse: num },
  { flag: 'seed', key: 'seed', value: '<s>', help: 'seed of everything random (init, shuffling; facet semi: also the split and NAAN)', parse: integer },
  { flag: 'recall', key: 'evalKs', value: '<ks>', help: 'Recall@K cut-offs', parse: intList },
  { flag: 'checkpoint-every', key: 'checkpointEvery', value: '<steps>', help: 'also checkpoint every n steps', parse: nonNegativeInt },
  { flag: 'val-every', key: 'valEvery', value: '<f>', help: 'validate every f of an epoch, 0 < f ≤ 1 (0.25: 4 points per epoch; the best epoch is still chosen at epoch ends) (default: 1; facet semi/demo: enough for 8 points per model)', parse: fraction },
];

/** Share of the (labelled) training classes held out, class-disjoint, to validate each epoch and select the best. */
export const defaultValFraction = 0.1;

/** The values commander gives a command with the training flags (attribute names: camelCase of the flags). */
export interface TrainingFlagValues {
  loss: string; queueSize: number; compensate: boolean; scale: number; margin?: number; model?: ModelKind; hidden: number[];
  embeddingSize: number; epochs: number; batchSize: number; lr: number; headLr?: number; optimizer: TrainConfig['optimizer'];
  weightDecay: number; momentum: number; lrDecayEpochs: number[]; lrDecayGamma: number; seed: number; recall: number[];
  checkpointEvery: number; valEvery?: number; valFraction: number;
}

/** Adds the training flags to a command; `preset` replaces defaults for a recipe command (facet demo's epochs). */
export function addTrainingFlags(cmd: Command, preset: Partial<TrainConfig> = {}): Command {
  const defaults: Partial<TrainConfig> = { ...defaultTrainConfig, ...Object.fromEntries(Object.entries(preset).filter(([, v]) => v !== undefined)) };
  for (const f of TRAINING_FLAGS) {
    const flags = `--${f.flag}${f.value ? ` ${f.value}` : ''}`;
    // the model's default depends on the input (features or images), decided after loading
    const d = f.key === 'model' ? preset.model : defaults[f.key];
    if (!f.value) cmd.option(flags, f.help, Boolean(d));
    else if (f.parse) cmd.option(flags, f.help, f.parse(`--${f.flag}`), d);
    else cmd.option(flags, f.help, d as string | undefined);
  }
  return cmd.option('--val-fraction <f>', 'share of the (labelled) training classes held out, class-disjoint, to validate each epoch and select the best', numberIn('--val-fraction', 0, 0.99), defaultValFraction);
}

/** The TrainConfig of a command's flag values (checked), the model by input when --model is not given. */
export function trainConfigOf(o: TrainingFlagValues, modelByInput: ModelKind): TrainConfig {
  const values = o as unknown as Record<string, unknown>;
  const c = Object.fromEntries(TRAINING_FLAGS.map((f) => [f.key, values[optionKey(f.flag)]])) as unknown as TrainConfig;
  c.model ??= modelByInput;
  validateTrainConfig(c);
  return c;
}
