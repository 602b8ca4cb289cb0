import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { IMAGE_NORMALIZATIONS, type ImageNormalization } from '../data/images/normalization.js';
import { l2NormalizeRows } from '../eval/normalize.js';
import type { BatchEmbedder } from './batch-embedder.js';

// onnx-proto is CommonJS: its namespace comes through the default export
const { onnx } = onnxProto;

/** rows per onnxruntime call (a model with a fixed batch size gets that many, the last call padded) */
const CHUNK = 64;

type Dim = number | string;

/** The layout of a model's image input: facet's export says so; otherwise a channel axis of 1 or 3 decides. */
function imageLayout(file: string, dims: Dim[], declared: string | undefined): 'NCHW' | 'NHWC' {
  if (declared === 'NCHW' || declared === 'NHWC') return declared;
  const isChannels = (d: Dim) => d === 1 || d === 3;
  if (isChannels(dims[1])) return 'NCHW';
  if (isChannels(dims[3])) return 'NHWC';
  throw new Error(`${file}: cannot tell the layout of input [${dims.join(', ')}] (no channel axis of 1 or 3 at position 1 or 3)`);
}

/** The model's metadata_props (facet's export writes `facet.*` keys there); not an ONNX file → a clear error. */
function readMetadata(file: string, bytes: Uint8Array): Map<string, string> {
  let m: Onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`${file}: not an ONNX model (${(e as Error).message})`);
  }
  if (!m.graph) throw new Error(`${file}: not an ONNX model (no graph)`);
  return new Map(m.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
}

/**
 * The per-sample input shape a model exported by facet declares (`facet.input_shape`, NHWC or [d]),
 * undefined for a foreign model: what to decode a verification set's images to.
 */
export function facetInputShape(file: string): number[] | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read the ONNX model (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const shape = readMetadata(file, bytes).get('facet.input_shape');
  return shape ? shape.split(',').map(Number) : undefined;
}

/** NHWC rows → NCHW with `outC` channels (a grey channel repeated) */
function nhwcToNchw(x: Float32Array, n: number, h: number, w: number, c: number, outC: number): Float32Array {
  const out = new Float32Array(n * outC * h * w), hw = h * w;
  for (let i = 0; i < n; i++)
    for (let p = 0; p < hw; p++)
      for (let k = 0; k < outC; k++) out[(i * outC + k) * hw + p] = x[(i * hw + p) * c + (c === 1 ? 0 : k)];
  return out;
}

/** NHWC grey rows with the channel repeated `outC` times */
function repeatChannel(x: Float32Array, outC: number): Float32Array {
  const out = new Float32Array(x.length * outC);
  for (let i = 0; i < x.length; i++) out.fill(x[i], i * outC, (i + 1) * outC);
  return out;
}

/**
 * Opens an ONNX embedding model for inputs shaped as facet's `sampleShape` ([h, w, c] NHWC images, or
 * [d] features): a model exported by `facet export`, or a foreign one (e.g. insightface's
 * w600k_r50.onnx: NCHW [N, 3, 112, 112]). The model's first input is read from the session (rank,
 * dims); its layout from facet's `facet.input_layout` metadata, else from the axis of size 1 or 3.
 * NHWC batches are transposed to NCHW where the model wants it; grey data (c = 1) fed to a 3-channel
 * model has its channel repeated. Sizes must match unless the model's dims are symbolic: there is no
 * resizing, a mismatch is an error naming the file and both shapes. Inputs are passed as they come
 * (facet's preprocessing of the dataset, e.g. x/127.5 − 1 for grey sets, which is insightface's);
 * the first output is L2-normalised (max(‖e‖, 1e-12), as facet's embed()).
 */
export async function openOnnxEmbedder(file: string, sampleShape: number[]): Promise<BatchEmbedder> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read the ONNX model (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const metadata = readMetadata(file, bytes);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (e) {
    throw new Error(`${file}: onnxruntime cannot load the model: ${(e as Error).message}`);
  }
  const input = session.inputMetadata[0];
  if (!input?.isTensor || input.type !== 'float32') throw new Error(`${file}: the model's first input must be a float32 tensor`);
  const dims = [...input.shape];
  const shapeText = `[${dims.join(', ')}]`;
  const mismatch = (why: string) =>
    new Error(`${file}: the model's input ${input.name} ${shapeText} does not fit the data's samples [${sampleShape.join(', ')}] (${why})`);
  const fits = (d: Dim, v: number) => typeof d === 'string' || d < 0 || d === v;

  let toModel: (x: Float32Array, n: number) => Float32Array;
  let modelSample: number[];
  if (dims.length === 2) {
    if (sampleShape.length !== 1) throw mismatch('a feature model needs feature rows');
    if (!fits(dims[1], sampleShape[0])) throw mismatch('feature sizes differ');
    toModel = (x) => x;
    modelSample = sampleShape;
  } else if (dims.length === 4) {
    if (sampleShape.length !== 3) throw mismatch('an image model needs [h, w, c] images');
    const layout = imageLayout(file, dims, metadata.get('facet.input_layout'));
    const [h, w, c] = sampleShape;
    const [mh, mw, mc] = layout === 'NCHW' ? [dims[2], dims[3], dims[1]] : [dims[1], dims[2], dims[3]];
    if (!fits(mh, h) || !fits(mw, w)) throw mismatch(`${layout} model; images are not resized`);
    const outC = typeof mc === 'number' && mc > 0 ? mc : c;
    if (outC !== c && c !== 1) throw mismatch(`${c} channels for a ${outC}-channel model`);
    if (outC !== c) process.stderr.write(`${file}: grey images fed to a ${outC}-channel model: the channel is repeated\n`);
    modelSample = layout === 'NCHW' ? [outC, h, w] : [h, w, outC];
    toModel = layout === 'NCHW' ? (x, n) => nhwcToNchw(x, n, h, w, c, outC) : outC === c ? (x) => x : (x) => repeatChannel(x, outC);
  } else {
    throw new Error(`${file}: the model's input ${input.name} ${shapeText} is neither [batch, d] features nor a 4-d image batch`);
  }
  const fixedBatch = typeof dims[0] === 'number' && dims[0] > 0 ? dims[0] : undefined;
  const perModel = modelSample.reduce((a, b) => a * b, 1);
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const outputName = session.outputNames[0];

  /** raw output rows for `n` samples (n ≤ the chunk) */
  const run = async (x: Float32Array, n: number): Promise<{ data: Float32Array; d: number }> => {
    const rows = fixedBatch ?? n;
    const feed = new Float32Array(rows * perModel);
    feed.set(toModel(x, n));
    const result = await session.run({ [input.name]: new ort.Tensor('float32', feed, [rows, ...modelSample]) });
    const t = result[outputName];
    if (t.type !== 'float32' || t.dims.length !== 2 || t.dims[0] !== rows) {
      throw new Error(`${file}: output ${outputName} must be float32 [batch, d], got ${t.type} [${t.dims.join(', ')}]`);
    }
    return { data: (t.data as Float32Array).subarray(0, n * t.dims[1]), d: t.dims[1] };
  };
  const outDims = session.outputMetadata[0];
  const declaredDim = outDims?.isTensor ? outDims.shape[1] : undefined;
  const embeddingDim = typeof declaredDim === 'number' && declaredDim > 0 ? declaredDim : (await run(new Float32Array(per), 1)).d;
  const step = fixedBatch ?? CHUNK;

  // facet's export says how it scales images; a foreign face model is taken to want insightface's [−1, 1]
  const declaredNorm = metadata.get('facet.image_normalization') as ImageNormalization | undefined;
  const imageNormalization = sampleShape.length !== 3 ? undefined : declaredNorm && IMAGE_NORMALIZATIONS.includes(declaredNorm) ? declaredNorm : 'unit';
  return {
    inputShape: sampleShape,
    embeddingDim,
    imageNormalization,
    source: file,
    async embed(x, n) {
      if (x.length !== n * per) throw new Error(`${file}: ${x.length} input values is not ${n} samples of [${sampleShape.join(', ')}]`);
      const out = new Float32Array(n * embeddingDim);
      for (let i = 0; i < n; i += step) {
        const rows = Math.min(step, n - i);
        const { data, d } = await run(x.subarray(i * per, (i + rows) * per), rows);
        if (d !== embeddingDim) throw new Error(`${file}: output has ${d} columns, expected ${embeddingDim}`);
        l2NormalizeRows(data, rows, d, { out: out.subarray(i * d, (i + rows) * d) });
      }
      return out;
    },
  };
}
