import { scoreClustering, pick, type ClusterScores } from './clustering-metrics.js';
import { minus1AsSingletons, removeSingletons } from './unassigned.js';
import { evaluateRetrieval, type EmbeddingMatrix } from './retrieval.js';

/** Nested number arrays → a row-major matrix. */
function matrix(rows: number[][]): EmbeddingMatrix {
  const cols = rows[0]?.length ?? 0;
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols };
}

/** Item-id strings → integers, one shared dictionary so equal strings get equal ids. */
function itemIds(...lists: string[][]): Int32Array[] {
  const ids = new Map<string, number>();
  return lists.map((l) => Int32Array.from(l, (s) => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  }));
}

/** `facet golden recall`: BroadFace Recall@K on a case's raw embeddings (facet normalises them). */
export function goldenRecall(inputs: any): unknown { // eslint-disable-line @typescript-eslint/no-explicit-any
  const ks: number[] = inputs.K;
  const m = inputs.mode === 'leave_one_out'
    ? evaluateRetrieval({ query: matrix(inputs.embeddings), queryLabels: inputs.labels }, { ks })
    : (() => {
        const [q, g] = itemIds(inputs.query_item_ids, inputs.gallery_item_ids);
        return evaluateRetrieval({
          query: matrix(inputs.query_embeddings), queryLabels: q,
          gallery: matrix(inputs.gallery_embeddings), galleryLabels: g,
        }, { ks });
      })();
  return { recall: m.recallReference, recall_exact: m.recall, hits: m.hits, num_queries: m.numQueries };
}

function block(s: ClusterScores): Record<string, unknown> {
  return {
    pairwise: s.pairwise,
    bcubed: s.bcubed,
    nmi: s.nmi,
    nmi_geometric: s.nmiGeometric,
    num_pred_clusters: s.numPredClusters,
    num_gt_classes: s.numGtClasses,
    num_items: s.numItems,
  };
}

/** `facet golden metrics`: learn-to-cluster metrics, its −1 conversion and NAAN singleton removal. */
export function goldenMetrics(inputs: any): unknown { // eslint-disable-line @typescript-eslint/no-explicit-any
  const gt: number[] = inputs.gt_labels;
  const pred: number[] = inputs.pred_labels;
  const evaluated = minus1AsSingletons(pred);
  const removal = removeSingletons(pred);
  const kept = removal.keptIndices;
  const removed = kept.length
    ? block(scoreClustering(pick(gt, kept), pick(evaluated, kept)))
    : { pairwise: null, bcubed: null, nmi: null, nmi_geometric: null };
  const out: Record<string, unknown> = {
    pred_evaluated: evaluated,
    all: block(scoreClustering(gt, evaluated)),
  };
  if (pred.includes(-1)) out.raw_minus1_as_one_cluster = block(scoreClustering(gt, pred));
  out.singletons_removed = {
    kept_indices: kept,
    num_kept: kept.length,
    discard_ratio: removal.discardRatio,
    naan_labels_clean: removal.cleanLabels,
    ...removed,
  };
  return out;
}
