import type { Command } from 'commander';
import sharp from 'sharp';
import { readFeatures, readLabels, readVerificationBin, writeFileAtomic, type VerificationBin } from '../data/files/index.js';
import { progress } from '../report/progress.js';
import { intList, positiveInt } from './parse.js';
import { clusteringMetrics } from '../eval/clustering-metrics.js';
import { DEFAULT_KS, evaluateRetrieval, type EmbeddingMatrix } from '../eval/retrieval.js';
import { evaluateVerification, DEFAULT_FARS } from '../eval/verification.js';
import { readPairs } from '../eval/pairs-file.js';
import { formatClustering, formatRetrieval, formatVerification } from '../eval/format.js';
import type { BatchEmbedder } from '../models/batch-embedder.js';
import { facetInputShape, openOnnxEmbedder } from '../models/onnx-embedder.js';
import { runEmbedder } from '../train/run-embedder.js';
import { loadVerificationSet, verifySet, type SetVerification } from '../train/verification-sets.js';

/** JSON with NaN as null (as the fixtures write it) and typed arrays as plain arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

function features(path: string, dim?: number, key?: string): EmbeddingMatrix {
  return readFeatures(path, { dim, key, rejectZeroRows: true });
}

interface RetrievalCli {
  embeddings: string; labels: string; galleryEmbeddings?: string; galleryLabels?: string;
  dataset?: string; k?: number[]; dim?: number; key?: string; json?: boolean;
}
interface ClusteringCli { gt: string; pred: string; removeSingletons?: boolean; json?: boolean }
interface VerificationCli {
  embeddings?: string; pairs?: string; dim?: number; key?: string; folds: number; far?: string;
  rocOut?: string; json?: boolean;
  bin?: string; run?: string; onnx?: string; epoch: 'best' | 'last'; flip?: boolean; imageSize?: number; batchSize: number;
}

/**
 * The model that embeds a .bin's images: a facet run (at the size it trained at, or --image-size), or an
 * ONNX model fed the size facet's export declares, else the set's own (its first image's) or --image-size.
 */
async function binEmbedder(o: VerificationCli, bin: () => VerificationBin): Promise<BatchEmbedder> {
  if (o.epoch !== 'best' && o.epoch !== 'last') throw new Error(`--epoch: best or last, got "${o.epoch}"`);
  if ((o.run === undefined) === (o.onnx === undefined)) throw new Error('--bin needs the model that embeds its images: --run DIR or --onnx MODEL.onnx (one of them)');
  if (o.onnx !== undefined) {
    const declared = facetInputShape(o.onnx);
    if (declared && o.imageSize === undefined) return openOnnxEmbedder(o.onnx, declared);
    const first = bin().images[0];
    const meta = await sharp(first).metadata().catch(() => ({ width: undefined, height: undefined }));
    if (!meta.width || !meta.height) throw new Error(`${o.bin}: image 0 cannot be decoded`);
    return openOnnxEmbedder(o.onnx, [o.imageSize ?? meta.height, o.imageSize ?? meta.width, declared?.[2] ?? 3]);
  }
  return runEmbedder(o.run!, { epoch: o.epoch, imageSize: o.imageSize }).embedder;
}

/** Embeddings and pairs files, or a .bin embedded by a model: the metrics (with accuracyFlip when --flip). */
async function verificationMetrics(o: VerificationCli, fars: number[] | undefined): Promise<SetVerification & { model?: string; resized?: number }> {
  const opts = { folds: o.folds, fars };
  if (o.bin !== undefined) {
    if (o.embeddings || o.pairs) throw new Error('--bin replaces --embeddings and --pairs: give one or the other');
    // read once: a foreign ONNX model's input size is the set's own image size
    let read: VerificationBin | undefined;
    const bin = () => (read ??= readVerificationBin(o.bin!));
    const embedder = await binEmbedder(o, bin);
    const set = await loadVerificationSet(o.bin, embedder.inputShape, read);
    if (set.resized > 0) process.stderr.write(`${o.bin}: ${set.resized} of ${set.n} images resized to the model's ${set.shape[0]}×${set.shape[1]}\n`);
    return { ...(await verifySet(embedder, set, { ...opts, flip: o.flip, batchSize: o.batchSize })), model: embedder.source, resized: set.resized };
  }
  if (!o.embeddings || !o.pairs) throw new Error('give --embeddings and --pairs, or --bin with --run or --onnx');
  if (o.flip) throw new Error('--flip needs --bin (it embeds the mirrored images)');
  const e = features(o.embeddings, o.dim, o.key);
  return evaluateVerification(e, readPairs(o.pairs, { rows: e.rows, of: o.embeddings }), opts);
}

export function registerEval(program: Command): void {
  const ev = program.command('eval').description('evaluate embeddings or clusters: retrieval, clustering, verification');

  ev.command('retrieval')
    .description('Recall@K (BroadFace), MAP@R, R-precision, P@1 (pytorch-metric-learning); leave-one-out, or query → gallery')
    .requiredOption('--embeddings <file>', 'embeddings (.npy/.npz/.bin); the queries when a gallery is given')
    .requiredOption('--labels <file>', 'one integer label per row (item ids for In-Shop)')
    .option('--gallery-embeddings <file>', 'gallery embeddings (In-Shop protocol); without: leave-one-out')
    .option('--gallery-labels <file>', 'gallery labels')
    .option('--dataset <name>', `default K list: ${Object.keys(DEFAULT_KS).join(', ')}`)
    .option('--k <list>', 'Recall@K cut-offs, e.g. 1,10,100,1000', intList('--k'))
    .option('--dim <d>', 'row length of .bin files', positiveInt('--dim'))
    .option('--key <name>', 'array name inside .npz files')
    .option('--json', 'print JSON (keys in README) instead of a table')
    .action((o: RetrievalCli) => {
      if ((o.galleryEmbeddings === undefined) !== (o.galleryLabels === undefined)) {
        throw new Error('--gallery-embeddings and --gallery-labels go together');
      }
      const ks = o.k ?? (o.dataset !== undefined ? DEFAULT_KS[o.dataset.toLowerCase()] : undefined);
      if (!ks) throw new Error(`give --k or --dataset (${Object.keys(DEFAULT_KS).join(', ')})${o.dataset ? `; unknown dataset "${o.dataset}"` : ''}`);
      const query = features(o.embeddings, o.dim, o.key);
      const queryLabels = readLabels(o.labels, { expectedCount: query.rows, countOf: `rows in ${o.embeddings}` });
      const gallery = o.galleryEmbeddings ? features(o.galleryEmbeddings, o.dim, o.key) : undefined;
      const galleryLabels = o.galleryLabels && gallery ? readLabels(o.galleryLabels, { expectedCount: gallery.rows, countOf: `rows in ${o.galleryEmbeddings}` }) : undefined;
      const bar = progress('retrieval', query.rows, 'queries');
      const m = evaluateRetrieval({ query, queryLabels, gallery, galleryLabels }, {
        ks, onProgress: (n) => bar.update(n), kName: o.k ? '--k' : `--dataset ${o.dataset}: K`,
      });
      bar.stop();
      if (m.unlabelledIgnored > 0) process.stderr.write(`facet: ${m.unlabelledIgnored} unlabelled rows (label −1) ignored: neither queries nor gallery items\n`);
      process.stdout.write(o.json ? toJson(m) + '\n' : formatRetrieval(m));
    });

  ev.command('clustering')
    .description('pairwise and BCubed P/R/F, NMI, cluster and singleton counts of predicted labels against ground truth')
    .requiredOption('--gt <file>', 'ground-truth labels, one integer per line (.meta/.txt/.npy)')
    .requiredOption('--pred <file>', 'predicted labels; -1 = unassigned')
    .option('--remove-singletons', 'NAAN protocol: drop -1 items and clusters of size 1, report the discard ratio')
    .option('--json', 'print JSON (keys in README) instead of a table')
    .action((o: ClusteringCli) => {
      const gt = readLabels(o.gt);
      const pred = readLabels(o.pred, { expectedCount: gt.length, countOf: `ground-truth labels in ${o.gt}` });
      const m = clusteringMetrics(gt, pred, { removeSingletons: o.removeSingletons });
      process.stdout.write(o.json ? toJson(m) + '\n' : formatClustering(m));
    });

  ev.command('verification')
    .description('face verification: k-fold accuracy (LFW/CFP/AgeDB protocol) and TAR@FAR with a ROC (IJB style), of embeddings + pairs or of an insightface .bin embedded by a run')
    .option('--embeddings <file>', 'embeddings (.npy/.npz/.bin)')
    .option('--pairs <file>', 'one "idx1 idx2 same" per line (row indices; same = 1 or 0)')
    .option('--bin <file>', 'insightface verification set (lfw.bin, cfp_fp.bin, agedb_30.bin), embedded by --run')
    .option('--run <dir>', 'facet train run folder whose model embeds the --bin images')
    .option('--onnx <file>', 'instead of --run: an ONNX embedding model (facet export, or e.g. insightface w600k_r50.onnx) fed the images at their size, scaled to [-1, 1] unless its facet metadata says otherwise')
    .option('--epoch <which>', 'last, or best (the selected epoch)', 'last')
    .option('--flip', 'also insightface\'s Accuracy-Flip: each embedding plus its mirrored image\'s')
    .option('--image-size <px>', 'feed the model px × px images (default: the size it was trained at)', positiveInt('--image-size'))
    .option('--batch-size <n>', 'images per forward pass', positiveInt('--batch-size'), 256)
    .option('--dim <d>', 'row length of .bin files', positiveInt('--dim'))
    .option('--key <name>', 'array name inside .npz files')
    .option('--folds <n>', 'folds for the accuracy', positiveInt('--folds'), 10)
    .option('--far <list>', `comma-separated FARs (default ${DEFAULT_FARS.join(',')})`)
    .option('--roc-out <file>', 'write the ROC as CSV: fpr,tpr,threshold')
    .option('--json', 'print JSON (keys in README) instead of a table')
    .action(async (o: VerificationCli) => {
      const fars = o.far?.split(',').map(Number);
      if (fars && fars.some((x) => !(x > 0 && x < 1))) throw new Error(`--far must be numbers in (0, 1), got "${o.far}"`);
      const m = await verificationMetrics(o, fars);
      if (o.rocOut) {
        const lines = ['fpr,tpr,threshold', ...Array.from(m.roc.fpr, (f, i) => `${f},${m.roc.tpr[i]},${m.roc.thresholds[i]}`)];
        writeFileAtomic(o.rocOut, lines.join('\n') + '\n');
      }
      const { roc: _roc, ...summary } = m;
      process.stdout.write(o.json ? toJson(summary) + '\n' : formatVerification(m));
    });
}
