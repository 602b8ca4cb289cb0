import { evaluateRetrieval } from './retrieval.js';
import { scoreClustering, pick, type ClusterScores } from './clustering.js';
import { minus1AsSingletons, removeSingletons } from './unassigned.js';

const matrix = (m: number[][]) => ({ data: Float32Array.from(m.flat()), rows: m.length, cols: m[0]?.length ?? 0 });

interface RecallCase {
  mode: 'leave_one_out' | 'query_gallery';
  K: number[];
  embeddings?: number[][];
  labels?: number[];
  query_embeddings?: number[][];
  query_item_ids?: string[];
  gallery_embeddings?: number[][];
  gallery_item_ids?: string[];
}

/** `facet golden recall`: BroadFace's leave-one-out Recall@K or In-Shop's query → gallery. */
export function goldenRecall(c: RecallCase) {
  let r;
  if (c.mode === 'leave_one_out') {
    r = evaluateRetrieval({ query: matrix(c.embeddings!), queryLabels: c.labels! }, { ks: c.K });
  } else {
    // item ids are strings: number them jointly so that equal ids get equal labels
    const ids = new Map<string, number>();
    const num = (s: string) => ids.get(s) ?? (ids.set(s, ids.size), ids.size - 1);
    r = evaluateRetrieval(
      {
        query: matrix(c.query_embeddings!), queryLabels: c.query_item_ids!.map(num),
        gallery: matrix(c.gallery_embeddings!), galleryLabels: c.gallery_item_ids!.map(num),
      },
      { ks: c.K },
    );
  }
  return { recall: r.recallReference, recall_exact: r.recall, hits: r.hits, num_queries: r.numQueries };
}

function block(s: ClusterScores) {
  return {
    pairwise: s.pairwise, bcubed: s.bcubed, nmi: s.nmi, nmi_geometric: s.nmiGeometric,
    num_pred_clusters: s.numPredClusters, num_gt_classes: s.numGtClasses, num_items: s.numItems,
  };
}

/** `facet golden metrics`: the learn-to-cluster block, the raw −1 mistake, and NAAN's singleton removal. */
export function goldenMetrics(c: { gt_labels: number[]; pred_labels: number[]; pred_has_minus1: boolean }) {
  const evaluated = minus1AsSingletons(c.pred_labels);
  const removal = removeSingletons(c.pred_labels);
  const kept = removal.keptIndices;
  const keptScores = kept.length
    ? block(scoreClustering(pick(c.gt_labels, kept), pick(evaluated, kept)))
    : { pairwise: null, bcubed: null, nmi: null, nmi_geometric: null }; // the reference's metrics of nothing are NaN
  return {
    pred_evaluated: Array.from(evaluated),
    all: block(scoreClustering(c.gt_labels, evaluated)),
    ...(c.pred_has_minus1 ? { raw_minus1_as_one_cluster: block(scoreClustering(c.gt_labels, c.pred_labels)) } : {}),
    singletons_removed: {
      kept_indices: Array.from(kept),
      num_kept: kept.length,
      discard_ratio: removal.discardRatio,
      naan_labels_clean: Array.from(removal.cleanLabels),
      ...keptScores,
    },
  };
}
