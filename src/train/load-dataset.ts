import { readFeatures, readLabels } from '../data/files/index.js';
import { openDataset } from '../data/datasets/index.js';
import type { Samples } from './samples.js';

/** Datasets small enough to hold decoded in memory, read through src/data/datasets. */
const IN_MEMORY = ['fashion-mnist', 'glyphs'];

/** All images of a split of an in-memory dataset, scaled to [−1, 1], with its dataset class ids as labels. */
async function inMemorySplit(dataset: string, root: string | undefined, split: string): Promise<Samples> {
  const ds = openDataset(dataset, { root, split });
  const b = await ds.load(Int32Array.from(ds.items.keys()), { train: false });
  return { x: b.x, n: ds.items.length, sampleShape: ds.imageShape, labels: Int32Array.from(b.labels, (l) => Number(ds.classIds[l])) };
}

function features(featuresPath: string, labelsPath: string | undefined, flag: string): Samples {
  if (!labelsPath) throw new Error(`${flag} ${featuresPath} needs labels (--labels / --test-labels)`);
  const m = readFeatures(featuresPath);
  const labels = readLabels(labelsPath);
  if (labels.length !== m.rows) throw new Error(`${labelsPath}: ${labels.length} labels for ${m.rows} feature rows in ${featuresPath}`);
  return { x: m.data, n: m.rows, sampleShape: [m.cols], labels };
}

/**
 * Training and (when the dataset has one) test samples for `facet train --dataset`: Fashion-MNIST
 * (Debian's copy unless --root), the glyph benchmark (--root of `facet data glyphs`), or precomputed
 * features. Image-file datasets (SOP, In-Shop, CUB, Cars, folders) do not fit in memory decoded:
 * embed them with a backbone first and train on the features.
 */
export async function loadTrainingData(dataset: string, o: { root?: string; labels?: string; testFeatures?: string; testLabels?: string }): Promise<{ train: Samples; test?: Samples }> {
  if (IN_MEMORY.includes(dataset)) return { train: await inMemorySplit(dataset, o.root, 'train'), test: await inMemorySplit(dataset, o.root, 'test') };
  if (dataset.startsWith('features:')) {
    const train = features(dataset.slice('features:'.length), o.labels, '--dataset features:');
    const test = o.testFeatures ? features(o.testFeatures, o.testLabels, '--test-features') : undefined;
    return { train, test };
  }
  throw new Error(`--dataset: "${dataset}" cannot be trained on here; use ${IN_MEMORY.join(', ')} or features:PATH (with --labels)`);
}

/** The first `limit` samples (quick runs). */
export function limitSamples(s: Samples, limit: number | undefined): Samples {
  if (limit === undefined || limit >= s.n) return s;
  const per = s.x.length / s.n;
  return { x: s.x.subarray(0, limit * per), n: limit, sampleShape: s.sampleShape, labels: s.labels.subarray(0, limit) };
}
