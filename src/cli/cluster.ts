import type { Command } from 'commander';
import { readFeatures, readKnn, readLabels, withRunFolder, type KnnGraph } from '../data/files/index.js';
import { numberIn, positiveInt } from './parse.js';
import { progress, statusLine, type StatusLine } from '../report/progress.js';
import { clusterBaseline, tuneThreshold } from '../cluster/baselines.js';
import { infomapOnKnn } from '../cluster/infomap-knn.js';
import { clusterer, clustererNames, clusterers } from '../cluster/clusterers.js';
import { THRESHOLD_GRID } from '../cluster/threshold.js';
import { CDP_PROPAGATION } from '../cluster/propagation.js';
import { pseudoLabelReport, writePseudoLabels } from '../cluster/labelling-files.js';
import { registerNaanCommands } from './cluster-naan.js';
import { writeClusterReport } from '../cluster/labelling-report-html.js';

interface BaselineCliOptions {
  method: string; knn?: string; features?: string; dim?: number; key?: string; labels?: string; out: string; overwrite: boolean;
  threshold?: number; k?: number; maxSize: number; step: number; maxIter: number;
  iterations: number; clusters?: number; seed: number; tuneKnn?: string; tuneLabels?: string; directed: boolean;
}

/** `facet cluster …`: pseudo-labelling of an unlabelled split. */
export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('cluster an unlabelled split into pseudo-labels (NAAN and baselines)');
  registerNaanCommands(cluster);
  cluster
    .command('baseline')
    .description(`cheap clustering for comparison: ${clusterers().map((c) => `${c.name} (${c.summary})`).join(', ')}`)
    .requiredOption('--method <m>', clustererNames().join(' | '))
    .option('--knn <file>', 'kNN graph with distances (learn-to-cluster faiss_k_K.npz); graph methods')
    .option('--features <file>', 'features (.npy, .npz, .bin with --dim); kmeans')
    .option('--dim <d>', 'row length of a .bin file', positiveInt('--dim'))
    .option('--key <name>', 'array of an .npz --features holding several')
    .option('--labels <file>', 'ground truth: adds clustering metrics to the report')
    .requiredOption('--out <dir>', 'folder for labels.txt, labels_clean.txt, report.json, report.html')
    .option('--overwrite', 'replace the run already in --out (its files are removed first)', false)
    .option('--threshold <sim>', `cosine similarity an edge needs (defaults, from the papers on MS1M features: ${graphDefaults()}; other features need their own: use --tune-knn/--tune-labels)`, numberIn('--threshold', -1, 1))
    .option('--tune-knn <file>', `kNN graph (with distances) of a LABELLED split: the threshold is chosen there, best BCubed F over ${THRESHOLD_GRID[0]}…${THRESHOLD_GRID[THRESHOLD_GRID.length - 1]} (graph methods)`)
    .option('--tune-labels <file>', 'labels of the --tune-knn split')
    .option('--k <k>', 'neighbours per row to use, self excluded (default: all in the file)', positiveInt('--k'))
    .option('--max-size <n>', 'cdp: largest accepted cluster', positiveInt('--max-size'), CDP_PROPAGATION.maxSize)
    .option('--step <s>', 'cdp: threshold step', numberIn('--step', 1e-9, 1), CDP_PROPAGATION.step)
    .option('--max-iter <n>', 'cdp: threshold rounds before merging the rest', positiveInt('--max-iter'), CDP_PROPAGATION.maxIter)
    .option('--iterations <n>', 'chinese-whispers / kmeans rounds', positiveInt('--iterations'), 20)
    .option('--clusters <n>', 'kmeans: number of clusters', positiveInt('--clusters'))
    .option('--seed <s>', 'seed (chinese-whispers order, k-means++, infomap)', (v) => Number(v), 0)
    .option('--directed', 'infomap: each kNN row\'s own links (row → neighbour, similarity ≥ threshold), run with Infomap\'s --directed, as face-cluster-by-infomap does (default: each pair once, undirected)', false)
    .action(async (o: BaselineCliOptions) => {
      const c = clusterer(o.method);
      const method = c.name;
      if (o.directed) {
        if (method !== 'infomap') throw new Error(`--directed applies to --method infomap only (Infomap's directed flow on the kNN rows' links), not ${method}`);
        if (o.k !== undefined) throw new Error('--directed uses every column of the kNN file: --k does not apply (write the graph with `facet knn --k`)');
        if (o.tuneKnn || o.tuneLabels) throw new Error('--directed does not combine with --tune-knn/--tune-labels (the tuning runs the undirected pairs): give --threshold');
      }
      const t0 = Date.now();
      const knn = o.knn ? readKnn(o.knn) : undefined;
      const features = o.features ? readFeatures(o.features, { dim: o.dim, key: o.key, rejectZeroRows: true }) : undefined;
      const n = knn?.n ?? features?.rows ?? 0;
      const gt = o.labels ? readLabels(o.labels, { expectedCount: n, countOf: knn ? `kNN rows in ${o.knn}` : `feature rows in ${o.features}` }) : undefined;
      let tuned: ReturnType<typeof tuneThreshold> | undefined;
      if (o.tuneKnn || o.tuneLabels) {
        if (!o.tuneKnn || !o.tuneLabels) throw new Error('--tune-knn and --tune-labels go together (the labelled split to choose the threshold on)');
        if (c.input !== 'graph') throw new Error(`--tune-knn/--tune-labels choose a cosine threshold; ${method} has none`);
        if (o.threshold !== undefined) throw new Error('give --threshold or --tune-knn/--tune-labels, not both');
        const tk = readKnn(o.tuneKnn);
        tuned = tuneThreshold(method, tk, readLabels(o.tuneLabels, { expectedCount: tk.n, countOf: `kNN rows in ${o.tuneKnn}` }), o);
      }
      const threshold = tuned?.threshold ?? o.threshold ?? (c.input === 'graph' ? c.defaultThreshold : undefined);
      const bar = c.input === 'features' && c.roundsBar ? progress(c.roundsBar, o.iterations, 'rounds') : undefined;
      // a method that reports its status (infomap) gets a status line once it does
      let status: StatusLine | undefined;
      const onStatus = (text: string) => (status ??= statusLine(method)).set(text);
      const labels = o.directed
        ? infomapOnKnn(directedKnn(knn, o.knn), threshold!, { directed: true, seed: o.seed, onStatus })
        : clusterBaseline(method, knn, features, { ...o, threshold, onIteration: bar && ((n) => bar.update(n)), onStatus });
      bar?.stop();
      status?.stop();
      const report = pseudoLabelReport(labels, gt);
      const seconds = (Date.now() - t0) / 1000;
      const settings = { method, ...(o.directed && { directed: true }), threshold, ...(tuned && { tunedOn: o.tuneKnn, tuning: tuned }), seconds, knn: o.knn, features: o.features, labels: o.labels };
      await withRunFolder(o.out, { flag: '--out', overwrite: o.overwrite }, async () => {
        writePseudoLabels(o.out, labels, report, settings);
        await writeClusterReport(o.out, { method, report, truth: gt, settings: { ...settings, tuning: undefined }, sweep: tuned?.sweep, timings: { clustering: seconds } });
      });
      const m = report.metrics?.all;
      process.stdout.write(JSON.stringify({
        method, ...(o.directed && { directed: true }), threshold, nodes: report.numNodes, clusters: report.numClusters, singletons: report.numSingletons, discarded: report.numDiscarded,
        ...(m && { pairwiseF: m.pairwise.fscore, bcubedF: m.bcubed.fscore, nmi: m.nmi }), seconds, out: o.out,
      }) + '\n');
    });
}

/** The kNN graph for --directed: given, and with distances (the similarities are the links' weights). */
function directedKnn(knn: KnnGraph | undefined, file: string | undefined): KnnGraph {
  if (!knn) throw new Error('baseline infomap: --knn is required');
  if (knn.n > 0 && Number.isNaN(knn.distances[0])) throw new Error(`baseline infomap: ${file} holds no distances (a NAAN index-only .npy); use a learn-to-cluster faiss_k_*.npz`);
  return knn;
}

/** "threshold 0.7, cdp 0.66, …": each graph method's default threshold, for the help. */
function graphDefaults(): string {
  return clusterers().flatMap((c) => (c.input === 'graph' ? [`${c.name} ${c.defaultThreshold}`] : [])).join(', ');
}
