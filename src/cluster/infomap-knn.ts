import type { KnnGraph } from '../data/files/index.js';
import { knnEdges } from './knn-edges.js';
import { knnRowLinks } from './knn-row-links.js';
import { infomapClusterer } from './infomap.js';

/**
 * Infomap on a kNN graph at a cosine threshold, one label per row: `directed`, each row's own links
 * (knnRowLinks) run with --directed, as face-cluster-by-infomap does; otherwise the deduplicated pairs
 * (knnEdges), undirected, as `facet cluster baseline --method infomap` runs by default.
 */
export function infomapOnKnn(g: KnnGraph, threshold: number, o: { directed: boolean; seed?: number; onStatus?: (text: string) => void }): Int32Array {
  const edges = o.directed ? knnRowLinks(g, threshold) : knnEdges(g, threshold);
  return infomapClusterer.run(g.n, edges, threshold, o);
}
