import { checkFinite, makeDir, writeFeatures, writeLabels } from '../../../data/files/index.js';
import { loadTrainedModel } from '../../../train/trained-model.js';
import { embedWithProgress } from '../../../train/embed-source.js';
import { gatherRows, type Samples } from '../../../train/samples.js';
import { SemiContext } from './context.js';

/**
 * Embeddings by the supervised model (validation-selected epoch) of the labelled classes it trained
 * on (`labelled`, NAAN's training graph), the held-out validation classes (`holdout`: unseen by the
 * embedder and by NAAN, where `--scorer auto` judges the pseudo-labellers) and the unlabelled pool.
 */
export async function embedStage(c: SemiContext): Promise<void> {
  const d = await c.samples();
  const { train, val } = await c.labelledTrainVal();
  c.input('supervised/checkpoint.json', 'supervised');
  const { model } = loadTrainedModel(c.file('supervised'), d.labelled.sampleShape, 'best');
  makeDir(c.file('embeddings'));
  const parts = [['labelled', train], ...(val ? [['holdout', byClass(val)] as const] : []), ['unlabelled', d.unlabelled]] as const;
  for (const [name, s] of parts) {
    const e = { data: embedWithProgress(`embed ${name}`, model, s), rows: s.n, cols: model.embeddingDim };
    checkFinite(e, `embeddings of the ${name} rows by ${c.file('supervised')} (not written)`);
    writeFeatures(c.file(`embeddings/${name}.npy`), e);
    // the unlabelled rows' labels are the hidden truth: written for judging the pseudo-labels only
    writeLabels(c.file(`embeddings/${name === 'unlabelled' ? 'unlabelled_truth' : `${name}_labels`}.txt`), s.labels);
  }
}

/** the rows grouped by class, classes ascending (stable): `--naan-train-on holdout` trains on the first half of them */
function byClass(s: Samples): Samples {
  const order = [...s.labels.keys()].sort((a, b) => s.labels[a] - s.labels[b] || a - b);
  return { ...gatherRows(s, order), n: s.n, sampleShape: s.sampleShape };
}
