import type { Matrix } from '../data/files/index.js';
import type { ScoredEdges } from './knn-edges.js';

/** Settings a clusterer may read; each takes the ones it knows and its own defaults for the rest. */
export interface ClusterOptions {
  /** graph methods: similarity an edge needs (default: the method's `defaultThreshold`) */
  threshold?: number;
  /** graph methods: neighbours per row used, self excluded (default: all of the file's) */
  k?: number;
  /** cdp: propagation parameters (default: CDP_PROPAGATION) */
  maxSize?: number;
  step?: number;
  maxIter?: number;
  /** chinese-whispers rounds / k-means Lloyd rounds */
  iterations?: number;
  /** methods with a `roundsBar`: called after each round (progress) */
  onIteration?: (done: number) => void;
  /** methods that run long in one go (infomap): what the run is doing now, called as it changes and every quarter second (progress) */
  onStatus?: (text: string) => void;
  /** infomap: the edges are directed links (a kNN row's own, knnRowLinks), run with Infomap's --directed; other methods ignore it */
  directed?: boolean;
  /** kmeans: number of clusters */
  clusters?: number;
  seed?: number;
}

interface ClustererBase {
  /** the `--method` name */
  name: string;
  /** a few words for the help text */
  summary: string;
}

/** A method that clusters the nodes of a scored graph. */
export interface GraphClusterer extends ClustererBase {
  input: 'graph';
  /** similarity an edge needs unless the user gives --threshold (the papers' value on MS1M features) */
  defaultThreshold: number;
  /** one label per node (−1: left out) from the edges with score ≥ threshold (others may be given) */
  run(numNodes: number, edges: ScoredEdges, threshold: number, o: ClusterOptions): Int32Array;
}

/** A method that clusters feature rows directly. */
export interface FeatureClusterer extends ClustererBase {
  input: 'features';
  /** title of a progress bar over `iterations` rounds, when the method calls `onIteration` */
  roundsBar?: string;
  run(features: Matrix, o: ClusterOptions): Int32Array;
}

export type Clusterer = GraphClusterer | FeatureClusterer;
