import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

// onnx-proto is CommonJS: its namespace comes through the default export
const { onnx } = onnxProto;

/** INT, INTS, or FLOAT as `{ float: x }` (so 1.0 is not taken for an integer) */
type Attribute = number | number[] | { float: number };

/**
 * An ONNX graph under construction: float32 initializers (raw little-endian bytes), nodes in
 * topological order, and fresh value names. Each op method returns the name of its output.
 */
export class OnnxGraph {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];
  private count = 0;

  /** a new, unused value name */
  fresh(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  /** a float32 constant of `dims` (row-major `data`), named `name` */
  weight(name: string, data: Float32Array, dims: number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`ONNX export: ${name} has ${data.length} values, not [${dims.join(', ')}]`);
    const bytes = new Uint8Array(data.byteLength);
    new Float32Array(bytes.buffer).set(data);
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes });
    return name;
  }

  /** one node of `opType` on `inputs` */
  op(opType: string, inputs: string[], attrs: Record<string, Attribute> = {}, hint = opType.toLowerCase()): string {
    const output = this.fresh(hint);
    const T = onnx.AttributeProto.AttributeType;
    const attribute = Object.entries(attrs).map(([name, v]): Onnx.IAttributeProto => {
      if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
      return typeof v === 'number' ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v.float };
    });
    this.nodes.push({ opType, input: inputs, output: [output], name: output, attribute });
    return output;
  }
}

/** A float32 tensor value's declaration; strings are symbolic dimensions (e.g. "batch"). */
export function tensorInfo(name: string, dims: (number | string)[]): Onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } };
}

export const OPSET = 17;

/**
 * The serialised model: opset 17 (IR version 8), the graph's single input and output, and
 * `metadata` as metadata_props.
 */
export function encodeModel(
  g: OnnxGraph, input: Onnx.IValueInfoProto, output: { value: string; info: Onnx.IValueInfoProto }, metadata: Record<string, string>, producerVersion: string,
): Uint8Array {
  // the last node writes the declared output name
  const last = g.nodes.find((n) => n.output![0] === output.value);
  if (!last) throw new Error(`ONNX export: no node produces ${output.value}`);
  last.output = [output.info.name!];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'facet',
    producerVersion,
    graph: { name: 'facet', node: g.nodes, initializer: g.initializers, input: [input], output: [output.info] },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
