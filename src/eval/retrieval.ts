import { kernels } from '../compute/index.js';
import { UNLABELLED } from '../data/files/index.js';
import { denseLabels } from './dense-labels.js';
import { l2NormalizeRows } from './normalize.js';
import { checkEmbeddings, checkLabels } from './validate.js';

/** rows×cols row-major embeddings (the shape `readFeatures` returns). */
export interface EmbeddingMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export interface RetrievalInput {
  query: EmbeddingMatrix;
  queryLabels: ArrayLike<number>;
  /** Separate gallery (In-Shop protocol). Absent: leave-one-out over the queries (SOP, CUB, Cars). */
  gallery?: EmbeddingMatrix;
  galleryLabels?: ArrayLike<number>;
}

export interface RetrievalOptions {
  /** Recall@K cut-offs, each ≤ the gallery size (see DEFAULT_KS for each benchmark's usual list). */
  ks: number[];
  /** Queries searched per call of the top-k kernel (bounds memory at queryBlock × k). */
  queryBlock?: number;
  /** Called after each block with the number of queries done. */
  onProgress?: (queriesDone: number) => void;
  /** how errors name the cut-offs: the user's flag (e.g. "--k"); default "K" */
  kName?: string;
}

/** The cut-offs each benchmark reports. */
export const DEFAULT_KS: Record<string, number[]> = {
  sop: [1, 10, 100, 1000],
  inshop: [1, 10, 20, 30, 40, 50],
  cub: [1, 2, 4, 8],
  cars: [1, 2, 4, 8],
};

export type RetrievalMode = 'leave-one-out' | 'query-gallery';

export interface RetrievalMetrics {
  mode: RetrievalMode;
  ks: number[];
  /** Recall@K in percent, 100·hits/numQueries in float64. */
  recall: number[];
  /** Recall@K in percent exactly as BroadFace returns it (mean taken in float32, e.g. 66.00000262260437). */
  recallReference: number[];
  /** queries with a same-label item among their K nearest, per K. */
  hits: number[];
  numQueries: number;
  /** pytorch-metric-learning MAP@R, R-precision and precision@1 (fractions), over the non-lone queries. */
  mapAtR: number;
  rPrecision: number;
  precisionAt1: number;
  /** queries with no same-label item in the gallery: misses for Recall@K, left out of MAP@R/R-precision/P@1. */
  numLoneQueries: number;
  /** neighbours retrieved per query: max(K, largest R). */
  neighbours: number;
  /** rows labelled −1 (unlabelled), queries and gallery together: neither queries nor gallery items */
  unlabelledIgnored: number;
}

/** The rows of `m` whose label is not −1, with their labels (no copy when all are labelled). */
function labelledRows(m: EmbeddingMatrix, labels: ArrayLike<number>): { m: EmbeddingMatrix; labels: ArrayLike<number>; ignored: number } {
  const keep: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== UNLABELLED) keep.push(i);
  if (keep.length === labels.length) return { m, labels, ignored: 0 };
  const data = new Float32Array(keep.length * m.cols);
  keep.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return { m: { data, rows: keep.length, cols: m.cols }, labels: Int32Array.from(keep, (r) => labels[r]), ignored: labels.length - keep.length };
}

/** The BroadFace reference's percentage: `100 * correct.float().mean()`, a float32 division. */
export function referencePercent(hits: number, n: number): number {
  return 100 * Math.fround(hits / n);
}

/**
 * Recall@K (BroadFace), MAP@R, R-precision and precision@1 (pytorch-metric-learning) in one pass.
 *
 * Embeddings are L2-normalised and ranked by inner product, the same order as squared Euclidean
 * (‖a−b‖² = 2 − 2a·b) or cosine. Search is blocked (the compute layer's top-k kernel), so memory is
 * queryBlock × k, never N×N. Leave-one-out excludes the query by its index, never by distance, so
 * an exact duplicate of the query still ranks first among the others (as the reference's 1e-12
 * clamp arranges). Ties: equal scores rank the lower gallery index first (the reference's
 * torch.topk leaves their order unspecified).
 *
 * R for a query is the number of gallery items with its label (minus itself in leave-one-out).
 * Deviation from pytorch-metric-learning < 2.0: R is not capped at 1023 (that cap came from faiss-gpu).
 */
export function evaluateRetrieval(input: RetrievalInput, options: RetrievalOptions): RetrievalMetrics {
  const leaveOneOut = input.gallery === undefined;
  if (!leaveOneOut && input.galleryLabels === undefined) throw new Error('galleryLabels are required with a gallery');
  checkEmbeddings('query embeddings', input.query.data, input.query.rows, input.query.cols);
  checkLabels('query labels', input.queryLabels);
  if (input.queryLabels.length !== input.query.rows) {
    throw new Error(`query labels: ${input.queryLabels.length} labels for ${input.query.rows} embeddings`);
  }
  if (!leaveOneOut) {
    const g = input.gallery!, gl = input.galleryLabels!;
    checkEmbeddings('gallery embeddings', g.data, g.rows, g.cols);
    checkLabels('gallery labels', gl);
    if (gl.length !== g.rows) throw new Error(`gallery labels: ${gl.length} labels for ${g.rows} embeddings`);
    if (g.cols !== input.query.cols) throw new Error(`gallery embeddings have ${g.cols} dims but query embeddings ${input.query.cols}`);
  }
  // −1 rows have no class: neither queries nor gallery items (a hit on one could never count, and
  // a gallery of them would only push real matches down)
  const lq = labelledRows(input.query, input.queryLabels);
  const lg = leaveOneOut ? lq : labelledRows(input.gallery!, input.galleryLabels!);
  const { m: query, labels: queryLabels } = lq;
  const { m: gallery, labels: galleryLabels } = lg;
  const unlabelledIgnored = lq.ignored + (leaveOneOut ? 0 : lg.ignored);
  if (query.rows === 0) throw new Error('query labels: every row is −1 (unlabelled): nothing to evaluate');
  if (gallery.rows === 0) throw new Error('gallery labels: every row is −1 (unlabelled): nothing to search');
  const ks = options.ks;
  const galleryCount = leaveOneOut ? query.rows - 1 : gallery.rows;
  const kName = options.kName ?? 'K';
  if (ks.length === 0) throw new Error(`${kName}: give at least one value`);
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`${kName} ${k}: each K must be a positive integer`);
    if (k > galleryCount) {
      const ignored = unlabelledIgnored ? `, ${unlabelledIgnored} unlabelled rows ignored` : '';
      throw new Error(`${kName} ${k}: larger than the gallery (${galleryCount} items${leaveOneOut ? ', leave-one-out' : ''}${ignored})`);
    }
  }

  // R per query: how many gallery items share its label.
  const nq = query.rows;
  const ng = gallery.rows;
  const both = new Int32Array(ng + (leaveOneOut ? 0 : nq));
  for (let i = 0; i < ng; i++) both[i] = galleryLabels[i];
  if (!leaveOneOut) for (let i = 0; i < nq; i++) both[ng + i] = queryLabels[i];
  const dense = denseLabels(both);
  const galleryCounts = new Int32Array(dense.count);
  for (let i = 0; i < ng; i++) galleryCounts[dense.ids[i]]++;
  const queryIds = leaveOneOut ? dense.ids : dense.ids.subarray(ng);
  const relevant = new Int32Array(nq);
  let maxR = 0;
  for (let i = 0; i < nq; i++) {
    relevant[i] = galleryCounts[queryIds[i]] - (leaveOneOut ? 1 : 0);
    if (relevant[i] > maxR) maxR = relevant[i];
  }
  const galleryIds = dense.ids.subarray(0, ng);
  const k = Math.max(Math.max(...ks), maxR);

  const dim = query.cols;
  const q = l2NormalizeRows(query.data, nq, dim);
  const g = leaveOneOut ? q : l2NormalizeRows(gallery.data, ng, dim);
  const block = options.queryBlock ?? 2048;
  const firstHit = new Int32Array(nq);
  let apSum = 0;
  let rpSum = 0;
  let p1Sum = 0;
  let numLone = 0;
  const topk = kernels().topkInnerProduct;
  for (let q0 = 0; q0 < nq; q0 += block) {
    const qn = Math.min(block, nq - q0);
    const { indices } = topk(q.subarray(q0 * dim, (q0 + qn) * dim), qn, g, ng, dim, k,
      leaveOneOut ? { selfOffset: q0 } : {});
    for (let i = 0; i < qn; i++) {
      const qi = q0 + i;
      const own = queryIds[qi];
      const r = relevant[qi];
      const off = i * k;
      let first = -1;
      let correct = 0;
      let ap = 0;
      let inR = 0;
      for (let j = 0; j < k; j++) {
        if (galleryIds[indices[off + j]] !== own) continue;
        if (first < 0) first = j;
        if (j < r) {
          correct++;
          ap += correct / (j + 1);
          inR = correct;
        } else if (first >= 0) break;
      }
      firstHit[qi] = first < 0 ? k : first;
      if (r === 0) {
        numLone++;
        continue;
      }
      apSum += ap / r;
      rpSum += inR / r;
      if (first === 0) p1Sum++;
    }
    options.onProgress?.(q0 + qn);
  }

  const hits = ks.map((kk) => {
    let h = 0;
    for (let i = 0; i < nq; i++) if (firstHit[i] < kk) h++;
    return h;
  });
  const scored = nq - numLone;
  return {
    mode: leaveOneOut ? 'leave-one-out' : 'query-gallery',
    ks: [...ks],
    recall: hits.map((h) => (100 * h) / nq),
    recallReference: hits.map((h) => referencePercent(h, nq)),
    hits,
    numQueries: nq,
    mapAtR: scored ? apSum / scored : 0,
    rPrecision: scored ? rpSum / scored : 0,
    precisionAt1: scored ? p1Sum / scored : 0,
    numLoneQueries: numLone,
    neighbours: k,
    unlabelledIgnored,
  };
}
