import { readFeatures, writeKnnLearnToCluster } from '../../../data/files/index.js';
import { exactKnn } from '../../../knn/exact.js';
import { checkK } from '../../../knn/prepare.js';
import { progress } from '../../../report/progress.js';
import { SemiContext } from './context.js';

export async function knnStage(c: SemiContext): Promise<void> {
  for (const name of ['labelled', 'unlabelled']) {
    const f = readFeatures(c.input(`embeddings/${name}.npy`, 'embed'));
    checkK(c.o.knnK, f.rows, '--knn-k');
    const bar = progress(`kNN ${name}`, f.rows, 'rows');
    const g = exactKnn(f, c.o.knnK, { onProgress: (done) => bar.update(done) });
    bar.stop();
    writeKnnLearnToCluster(c.file(`embeddings/${name}_knn.npz`), g);
  }
}
