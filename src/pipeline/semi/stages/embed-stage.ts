import { checkFinite, makeDir, writeFeatures, writeLabels } from '../../../data/files/index.js';
import { loadTrainedModel } from '../../../train/trained-model.js';
import { embedWithProgress } from '../../../train/embed-source.js';
import { SemiContext } from './context.js';

/** Embeddings of the labelled and unlabelled rows by the supervised model (validation-selected epoch). */
export async function embedStage(c: SemiContext): Promise<void> {
  const d = await c.samples();
  c.input('supervised/checkpoint.json', 'supervised');
  const { model } = loadTrainedModel(c.file('supervised'), d.labelled.sampleShape, 'best');
  makeDir(c.file('embeddings'));
  for (const [name, s] of [['labelled', d.labelled], ['unlabelled', d.unlabelled]] as const) {
    const e = { data: embedWithProgress(`embed ${name}`, model, s), rows: s.n, cols: model.embeddingDim };
    checkFinite(e, `embeddings of the ${name} rows by ${c.file('supervised')} (not written)`);
    writeFeatures(c.file(`embeddings/${name}.npy`), e);
    // the unlabelled rows' labels are the hidden truth: written for judging the pseudo-labels only
    writeLabels(c.file(`embeddings/${name === 'labelled' ? 'labelled_labels' : 'unlabelled_truth'}.txt`), s.labels);
  }
}
