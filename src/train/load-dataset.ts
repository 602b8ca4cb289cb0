import { firstZeroRow, readFeatures, readLabels } from '../data/files/index.js';
import { DATASET_NAMES, datasetKind, indexDataset, openDataset } from '../data/datasets/index.js';
import { progress } from '../report/progress.js';
import { datasetSource } from './dataset-source.js';
import { splitByClass, withoutUnlabelled, type SampleSource, type Samples } from './samples.js';

/** Datasets small enough to hold decoded in memory, read through src/data/datasets. */
const inMemory = (dataset: string) => datasetKind(dataset)?.storage === 'memory';

/** All images of a split of an in-memory dataset, scaled to [−1, 1], with its dataset class ids as labels. */
async function inMemorySplit(dataset: string, root: string | undefined, split: string): Promise<Samples> {
  const ds = openDataset(dataset, { root, split });
  const b = await ds.load(Int32Array.from(ds.items.keys()), { train: false });
  return { x: b.x, n: ds.items.length, sampleShape: ds.imageShape, labels: Int32Array.from(b.labels, (l) => Number(ds.classIds[l])) };
}

/** How features:PATH files are read: --dim of a .bin, --key of an .npz. */
export interface FeatureFileOptions { dim?: number; key?: string }

function features(featuresPath: string, labelsPath: string | undefined, flag: string, read: FeatureFileOptions): Samples {
  if (!labelsPath) throw new Error(`${flag} ${featuresPath} needs labels (--labels / --test-labels)`);
  const m = readFeatures(featuresPath, read);
  const zero = firstZeroRow(m);
  if (zero >= 0) process.stderr.write(`warning: ${featuresPath}: row ${zero} is all zeros (a feature vector with no information)\n`);
  const labels = readLabels(labelsPath);
  if (labels.length !== m.rows) throw new Error(`${labelsPath}: ${labels.length} labels for ${m.rows} feature rows in ${featuresPath}`);
  return { x: m.data, n: m.rows, sampleShape: [m.cols], labels };
}

/**
 * Training and (when the dataset has one) test samples, in memory: Fashion-MNIST (Debian's copy
 * unless --root), the glyph benchmark (--root of `facet data glyphs`), or precomputed features.
 */
export async function loadTrainingData(dataset: string, o: { root?: string; labels?: string; testFeatures?: string; testLabels?: string } & FeatureFileOptions): Promise<{ train: Samples; test?: Samples }> {
  if (inMemory(dataset)) return { train: await inMemorySplit(dataset, o.root, 'train'), test: await inMemorySplit(dataset, o.root, 'test') };
  if (dataset.startsWith('features:')) {
    const read = { dim: o.dim, key: o.key };
    const train = features(dataset.slice('features:'.length), o.labels, '--dataset features:', read);
    const test = o.testFeatures ? features(o.testFeatures, o.testLabels, '--test-features', read) : undefined;
    return { train, test };
  }
  if (!streams(dataset)) {
    throw new Error(`--dataset: unknown dataset "${dataset}": expected one of ${[...DATASET_NAMES, 'features:PATH'].join(', ')}`);
  }
  return decodedWhole(dataset, o);
}

/** the most a streamed set may take decoded in memory (float32 inputs) for the steps that hold it whole */
export const DECODED_LIMIT_BYTES = 4 * 2 ** 30;

/**
 * An image set that streams from disk (insightface:, folder:, SOP, …) decoded whole, in its evaluation
 * transform, for the steps that hold their data in memory (the semi-supervised loop): its `train` split,
 * and its `test` split when it has one. Class ids that are not numbers (folder names) are numbered in
 * order of first appearance. A set larger than DECODED_LIMIT_BYTES decoded is refused with what to do.
 */
async function decodedWhole(dataset: string, o: { root?: string; imageSize?: number }): Promise<{ train: Samples; test?: Samples }> {
  const sizes = o.imageSize && !dataset.startsWith('insightface:') ? { resize: Math.round((o.imageSize * 256) / 224), crop: o.imageSize } : undefined;
  const index = indexDataset(dataset, o.root);
  const decode = async (split: string): Promise<Samples> => {
    const ds = openDataset(dataset, { root: o.root, split, sizes });
    const per = ds.imageShape.reduce((a, b) => a * b, 1);
    const bytes = ds.items.length * per * 4;
    if (bytes > DECODED_LIMIT_BYTES) {
      throw new Error(`--dataset ${dataset}: its ${split} split is ${ds.items.length} images of ${ds.imageShape.join('×')}, ${(bytes / 2 ** 30).toFixed(1)} GiB decoded, above the ${DECODED_LIMIT_BYTES / 2 ** 30} GiB this step holds in memory: embed it with facet embed and use features:PATH`);
    }
    const x = new Float32Array(ds.items.length * per);
    const bar = progress(`decode ${split}`, ds.items.length, 'images');
    for (let i = 0; i < ds.items.length; i += 256) {
      const b = await ds.load(Int32Array.from({ length: Math.min(256, ds.items.length - i) }, (_, r) => i + r), { train: false });
      x.set(b.x, i * per);
      bar.update(i + b.labels.length);
    }
    bar.stop();
    const numeric = ds.classIds.every((id) => Number.isInteger(Number(id)));
    const labels = Int32Array.from(ds.items, (it) => (numeric ? Number(ds.classIds[it.label]) : it.label));
    return { x, n: ds.items.length, sampleShape: ds.imageShape, labels };
  };
  return { train: await decode(index.trainSplit), test: 'test' in index.splits ? await decode('test') : undefined };
}

/** What `facet train` trains and evaluates on. */
export interface TrainingSources {
  train: Samples | SampleSource;
  val?: Samples | SampleSource;
  numClasses: number;
  /** test queries; with `gallery`, the In-Shop query/gallery protocol, else leave-one-out */
  test?: Samples | SampleSource;
  gallery?: SampleSource;
  /** training rows labelled −1 (unlabelled), left out of training and validation */
  unlabelledIgnored: number;
}

export interface SourceOptions extends FeatureFileOptions { root?: string; labels?: string; testFeatures?: string; testLabels?: string; limit?: number; valFraction: number; seed: number; imageSize?: number }

/** datasets decoded batch by batch from disk: image files, and insightface RecordIO */
const streams = (dataset: string) => datasetKind(dataset)?.storage === 'files';

/**
 * The training, validation and test sources of a dataset: in-memory sets and features are held
 * decoded (validation carved by class from the training split); image-file datasets (SOP, In-Shop,
 * CUB, Cars, folder:PATH, insightface:DIR) are decoded and augmented batch by batch, with the dataset's own
 * class-disjoint `fit` / `val` split and its test split (In-Shop: query against gallery).
 */
export async function loadTrainingSources(dataset: string, o: SourceOptions): Promise<TrainingSources> {
  if (!streams(dataset)) {
    const data = await loadTrainingData(dataset, o);
    const { samples, ignored } = withoutUnlabelled(limitSamples(data.train, o.limit));
    const { train, val, numClasses } = splitByClass(samples, o.valFraction);
    return { train, val, numClasses, test: data.test && limitSamples(data.test, o.limit), unlabelledIgnored: ignored };
  }
  if (o.limit !== undefined) throw new Error(`--limit applies to in-memory datasets; ${dataset} streams its images`);
  if (o.imageSize && dataset.startsWith('insightface:')) throw new Error(`--image-size does not apply to ${dataset}: its aligned faces are used at the size its property file gives (repack with facet data pack --image-size)`);
  const sizes = o.imageSize ? { resize: Math.round((o.imageSize * 256) / 224), crop: o.imageSize } : undefined;
  const open = (split: string) => openDataset(dataset, { root: o.root, split, seed: o.seed, valFraction: o.valFraction, sizes });
  const fit = open(o.valFraction > 0 ? 'fit' : 'train');
  const val = o.valFraction > 0 ? datasetSource(open('val')) : undefined;
  if (dataset === 'inshop') {
    // query and gallery number their items separately: label both by the item id
    const query = open('query'), gallery = open('gallery');
    const ids = new Map<string | number, number>();
    const relabel = (ds: typeof query) => {
      const src = datasetSource(ds);
      const global = Int32Array.from(ds.items, (it) => { const id = ds.classIds[it.label]; if (!ids.has(id)) ids.set(id, ids.size); return ids.get(id)!; });
      return { ...src, labels: global, rows: async (idx: ArrayLike<number>, opt: { train: boolean; epoch: number }) => ({ x: (await src.rows(idx, opt)).x, labels: Int32Array.from(idx, (i) => global[i]) }) };
    };
    return { train: datasetSource(fit), val, numClasses: fit.classes, test: relabel(query), gallery: relabel(gallery), unlabelledIgnored: 0 };
  }
  let test: SampleSource | undefined;
  try { test = datasetSource(open('test')); } catch { test = undefined; }
  return { train: datasetSource(fit), val, numClasses: fit.classes, test, unlabelledIgnored: 0 };
}

/**
 * One split to embed (facet embed): in-memory sets and features as loadTrainingData reads them
 * (`train` or `test`), image-file datasets (folder:, insightface:, SOP, …) streamed batch by batch from
 * any split they name, at `imageSize` (224 after 256 by default; insightface: its property size).
 */
export async function loadEmbeddingSplit(dataset: string, split: string, o: { root?: string; labels?: string; imageSize?: number } & FeatureFileOptions): Promise<Samples | SampleSource> {
  if (streams(dataset)) {
    const sizes = o.imageSize && !dataset.startsWith('insightface:') ? { resize: Math.round((o.imageSize * 256) / 224), crop: o.imageSize } : undefined;
    return datasetSource(openDataset(dataset, { root: o.root, split, sizes }));
  }
  if (split !== 'train' && split !== 'test') throw new Error(`--split: train or test, got "${split}"`);
  const data = await loadTrainingData(dataset, o);
  const s = split === 'train' ? data.train : data.test;
  if (!s) throw new Error(`--dataset ${dataset} has no test split (give --test-features to facet train, or use --split train)`);
  return s;
}

/** The first `limit` samples (quick runs). */
export function limitSamples(s: Samples, limit: number | undefined): Samples {
  if (limit === undefined || limit >= s.n) return s;
  const per = s.x.length / s.n;
  return { x: s.x.subarray(0, limit * per), n: limit, sampleShape: s.sampleShape, labels: s.labels.subarray(0, limit) };
}
