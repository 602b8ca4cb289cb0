/** A record of a RecordIO file: its `.idx` key and the byte offset where it starts. */
export interface RecordRef {
  key: number;
  offset: number;
}

/** One image of a dataset split: a file on disk, a row of an in-memory pixel array, or a RecordIO record. */
export interface RawItem {
  /** image file (absolute) for file datasets */
  path?: string;
  /** row of `DatasetIndex.pixels` for in-memory datasets (Fashion-MNIST, glyphs) */
  index?: number;
  /** record of `DatasetIndex.records.file` for RecordIO datasets (insightface) */
  record?: RecordRef;
  /** the dataset's own class id (SOP class_id, In-Shop item id, folder name…) */
  classId: string | number;
}

/** Decoded images held in memory: n × h × w × c uint8 (Fashion-MNIST, glyphs). */
export interface PixelArray {
  data: Uint8Array;
  h: number;
  w: number;
  c: number;
}

/** What a dataset reader finds on disk, before a split is chosen. */
export interface DatasetIndex {
  name: string;
  /** splits named as the dataset names them (SOP train/test, In-Shop train/query/gallery, …) */
  splits: Record<string, RawItem[]>;
  /** the split the validation classes are carved from */
  trainSplit: string;
  pixels?: PixelArray;
  /** RecordIO datasets: the `.rec` file the items' records are in, and the size its aligned images have */
  records?: { file: string; h: number; w: number };
  /** missing files and other defects found while indexing */
  problems: string[];
}

/** One batch, ready for the trainer: NHWC float32, normalised. */
export interface Batch {
  x: Float32Array;
  shape: [number, number, number, number];
  labels: Int32Array;
}

export interface DatasetItem {
  path?: string;
  index?: number;
  record?: RecordRef;
  /** dense label 0 … classes − 1 within this split */
  label: number;
}

/** A split of a dataset, opened for training or evaluation. */
export interface Dataset {
  name: string;
  split: string;
  /** number of classes in this split; labels are 0 … classes − 1 */
  classes: number;
  /** the dataset's own class id for each dense label */
  classIds: (string | number)[];
  items: DatasetItem[];
  /** output image shape [h, w, c] */
  imageShape: [number, number, number];
  /**
   * Decodes (and, when `train`, augments) the given items. Augmentation is seeded by the dataset
   * seed, the `epoch` and the item index, so a batch is the same whichever order batches load in.
   */
  load(indices: ArrayLike<number>, opts: { train: boolean; epoch?: number }): Promise<Batch>;
}
