import { readFeatures, writeKnnLearnToCluster, type Matrix } from '../../../data/files/index.js';
import { exactKnn } from '../../../knn/exact.js';
import { checkK } from '../../../knn/prepare.js';
import { progress } from '../../../report/progress.js';
import { selectionFeatures, SemiContext } from './context.js';

/** kNN graphs of the labelled classes (NAAN's training), the pool, and the pool ∪ held-out classes (`--scorer auto`, `--naan-train-on holdout`). */
export async function knnStage(c: SemiContext): Promise<void> {
  const read = (name: string) => readFeatures(c.input(`embeddings/${name}.npy`, 'embed'));
  const graphs: [string, () => Matrix][] = [['labelled', () => read('labelled')], ['unlabelled', () => read('unlabelled')]];
  if (c.o.scorer === 'auto' || c.o.naan.trainOn === 'holdout') graphs.push(['selection', () => selectionFeatures(c).f]);
  for (const [name, features] of graphs) {
    const f = features();
    checkK(c.o.knnK, f.rows, '--knn-k');
    const bar = progress(`kNN ${name}`, f.rows, 'rows');
    const g = exactKnn(f, c.o.knnK, { onProgress: (done) => bar.update(done) });
    bar.stop();
    writeKnnLearnToCluster(c.file(`embeddings/${name}_knn.npz`), g);
  }
}
