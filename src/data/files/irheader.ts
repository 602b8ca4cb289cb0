/**
 * MXNet's image record header (`mxnet.recordio.pack` / `unpack`): struct `IfQQ` = flag uint32,
 * label float32, id uint64, id2 uint64 (24 bytes, little-endian). When flag > 0, `flag` float32
 * labels follow (and the label field is 0); the image bytes come last.
 */
export const IR_HEADER_BYTES = 24;

export interface IRHeader {
  flag: number;
  /** the label field (0 when flag > 0) */
  label: number;
  /** the `flag` labels that follow the header (empty when flag is 0) */
  labels: Float32Array;
  id: bigint;
  id2: bigint;
}

/** `mxnet.recordio.pack`: one number gives flag 0, an array gives flag = its length. */
export function packIR(label: number | ArrayLike<number>, data: Uint8Array, id = 0n, id2 = 0n): Buffer {
  const many = typeof label !== 'number';
  const extra = many ? label.length : 0;
  const b = Buffer.alloc(IR_HEADER_BYTES + 4 * extra + data.length);
  b.writeUInt32LE(extra, 0);
  b.writeFloatLE(many ? 0 : label, 4);
  b.writeBigUInt64LE(id, 8);
  b.writeBigUInt64LE(id2, 16);
  for (let i = 0; i < extra; i++) b.writeFloatLE((label as ArrayLike<number>)[i], IR_HEADER_BYTES + 4 * i);
  b.set(data, IR_HEADER_BYTES + 4 * extra);
  return b;
}

/** How many bytes the header with `flag` labels takes: what `unpackIR` needs to see. */
export const irHeaderBytes = (flag: number) => IR_HEADER_BYTES + 4 * flag;

/** `mxnet.recordio.unpack`; `where` names the record in errors. `data` is what follows the labels. */
export function unpackIR(b: Buffer, where: string): { header: IRHeader; data: Buffer } {
  if (b.length < IR_HEADER_BYTES) throw new Error(`${where}: ${b.length} bytes, shorter than the ${IR_HEADER_BYTES}-byte image record header`);
  const flag = b.readUInt32LE(0);
  if (b.length < irHeaderBytes(flag)) throw new Error(`${where}: header says ${flag} labels, but the record has only ${b.length} bytes`);
  const labels = new Float32Array(flag);
  for (let i = 0; i < flag; i++) labels[i] = b.readFloatLE(IR_HEADER_BYTES + 4 * i);
  const header = { flag, label: b.readFloatLE(4), labels, id: b.readBigUInt64LE(8), id2: b.readBigUInt64LE(16) };
  return { header, data: b.subarray(irHeaderBytes(flag)) };
}

/** The class an image record carries, as insightface's MXFaceDataset reads it: label, or labels[0] when flag > 0. */
export const irClass = (h: IRHeader): number => (h.flag > 0 ? h.labels[0] : h.label);
