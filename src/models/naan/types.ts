/** NAAN's configuration, parameters and batch neighbourhoods, shared by the model's files. */
export interface NaanConfig {
  /** feature dimension D (the GAT keeps it: D' = D, as NAAN's 512 → 512) */
  dim: number;
  /** attention heads, averaged (NAAN: 1) */
  nheads: number;
  /** LeakyReLU slope of the attention logits (0.2) */
  alpha: number;
  /**
   * Features are multiplied by this before the GAT (facet: √D, so unit-norm features have about
   * unit variance per coordinate; NAAN: 1). On unit-norm inputs the first layer's activations are
   * ~1/√D and Adam at 2e-3 barely moves in a few hundred steps (loss stays at ln 2); the original
   * trains for ~10⁵ steps. Absent in older checkpoints: 1.
   */
  inputScale?: number;
}

/**
 * Every trainable array, by the name it is checkpointed under (shapes in naanShapes). Weights are
 * stored as x·W takes them: [in, out], row-major.
 */
export type NaanParams = Record<string, Float32Array>;

/** Index arrays of a batch's 2-hop neighbourhoods (built on the CPU from the kNN rows). */
export interface Neighbourhoods {
  batch: number;
  k1: number;
  k2: number;
  /** [B] node ids */
  centres: Int32Array;
  /** [B·k1·(k2+1)]: for each 1-hop neighbour u, u itself then its k2 nearest */
  secondHop: Int32Array;
}
