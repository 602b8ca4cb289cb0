import { inflateSync } from 'node:zlib';

/**
 * A reader for MATLAB level-5 MAT files (what `save` wrote before v7.3): numeric arrays, char
 * arrays, cells and struct arrays, optionally zlib-compressed (miCOMPRESSED). Enough for
 * `cars_annos.mat` without MATLAB or Python.
 */
export type MatValue =
  | { kind: 'numeric'; dims: number[]; data: number[] }
  | { kind: 'char'; dims: number[]; text: string }
  | { kind: 'cell'; dims: number[]; cells: MatValue[] }
  | { kind: 'struct'; dims: number[]; fields: string[]; elements: Record<string, MatValue>[] };

const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 };
const MX = { CELL: 1, STRUCT: 2, OBJECT: 3, CHAR: 4, SPARSE: 5 };

interface Element {
  type: number;
  body: Buffer;
  /** offset just past the element, padding included */
  next: number;
}

class MatReader {
  constructor(private readonly file: string, private readonly le: boolean) {}

  fail(what: string): never {
    throw new Error(`${this.file}: not a valid MAT v5 file (${what})`);
  }

  u32(b: Buffer, o: number): number {
    return this.le ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }

  element(b: Buffer, o: number): Element {
    if (o + 8 > b.length) this.fail(`element header past the end at byte ${o}`);
    const first = this.u32(b, o);
    if (first >>> 16 !== 0) {
      // small data element: type and size share the first word, data in the next four bytes
      const size = first >>> 16;
      if (size > 4) this.fail(`small element of ${size} bytes at byte ${o}`);
      return { type: first & 0xffff, body: b.subarray(o + 4, o + 4 + size), next: o + 8 };
    }
    const size = this.u32(b, o + 4);
    if (o + 8 + size > b.length) this.fail(`element of ${size} bytes at byte ${o} runs past the end (file truncated?)`);
    const next = first === MI.COMPRESSED ? o + 8 + size : o + 8 + Math.ceil(size / 8) * 8;
    return { type: first, body: b.subarray(o + 8, o + 8 + size), next };
  }

  numbers(e: Element): number[] {
    const b = e.body;
    const le = this.le;
    const read: Record<number, [number, (o: number) => number]> = {
      [MI.INT8]: [1, (o) => b.readInt8(o)],
      [MI.UINT8]: [1, (o) => b.readUInt8(o)],
      [MI.INT16]: [2, (o) => (le ? b.readInt16LE(o) : b.readInt16BE(o))],
      [MI.UINT16]: [2, (o) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o))],
      [MI.INT32]: [4, (o) => (le ? b.readInt32LE(o) : b.readInt32BE(o))],
      [MI.UINT32]: [4, (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o))],
      [MI.SINGLE]: [4, (o) => (le ? b.readFloatLE(o) : b.readFloatBE(o))],
      [MI.DOUBLE]: [8, (o) => (le ? b.readDoubleLE(o) : b.readDoubleBE(o))],
      [MI.INT64]: [8, (o) => Number(le ? b.readBigInt64LE(o) : b.readBigInt64BE(o))],
      [MI.UINT64]: [8, (o) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o))],
    };
    const r = read[e.type] ?? this.fail(`numeric data of element type ${e.type}`);
    const out: number[] = [];
    for (let o = 0; o + r[0] <= b.length; o += r[0]) out.push(r[1](o));
    return out;
  }

  text(e: Element): string {
    if (e.type === MI.UTF8 || e.type === MI.INT8 || e.type === MI.UINT8) return e.body.toString('utf8');
    return String.fromCodePoint(...this.numbers(e.type === MI.UTF16 ? { ...e, type: MI.UINT16 } : e.type === MI.UTF32 ? { ...e, type: MI.UINT32 } : e));
  }

  /** the variables of a top-level element: one miMATRIX, or a compressed one */
  variable(e: Element): [string, MatValue] | undefined {
    if (e.type === MI.COMPRESSED) {
      let raw: Buffer;
      try {
        raw = inflateSync(e.body);
      } catch (err) {
        this.fail(`damaged compressed variable (${(err as Error).message})`);
      }
      return this.variable(this.element(raw, 0));
    }
    if (e.type !== MI.MATRIX) return undefined;
    return this.matrix(e.body);
  }

  matrix(b: Buffer): [string, MatValue] {
    if (b.length === 0) return ['', { kind: 'numeric', dims: [0, 0], data: [] }];
    const flags = this.element(b, 0);
    const cls = this.u32(flags.body, 0) & 0xff;
    const dimsEl = this.element(b, flags.next);
    const dims = this.numbers(dimsEl);
    const nameEl = this.element(b, dimsEl.next);
    const name = nameEl.body.toString('latin1');
    const count = dims.reduce((a, d) => a * d, 1);
    let o = nameEl.next;
    if (cls === MX.CHAR) {
      const chars = this.text(this.element(b, o));
      return [name, { kind: 'char', dims, text: transposeChars(chars, dims) }];
    }
    if (cls === MX.CELL) {
      const cells: MatValue[] = [];
      for (let i = 0; i < count; i++) {
        const e = this.element(b, o);
        cells.push(this.matrix(e.body)[1]);
        o = e.next;
      }
      return [name, { kind: 'cell', dims, cells }];
    }
    if (cls === MX.STRUCT) {
      const lenEl = this.element(b, o);
      const fieldLen = this.numbers(lenEl)[0];
      const namesEl = this.element(b, lenEl.next);
      const fields: string[] = [];
      for (let i = 0; i + fieldLen <= namesEl.body.length; i += fieldLen) {
        fields.push(namesEl.body.subarray(i, i + fieldLen).toString('latin1').replace(/\0.*$/s, ''));
      }
      o = namesEl.next;
      const elements: Record<string, MatValue>[] = [];
      for (let i = 0; i < count; i++) {
        const el: Record<string, MatValue> = {};
        for (const f of fields) {
          const e = this.element(b, o);
          el[f] = this.matrix(e.body)[1];
          o = e.next;
        }
        elements.push(el);
      }
      return [name, { kind: 'struct', dims, fields, elements }];
    }
    if (cls === MX.OBJECT || cls === MX.SPARSE) this.fail(`variable ${name} is a ${cls === MX.OBJECT ? 'object' : 'sparse array'}, which is not supported`);
    return [name, { kind: 'numeric', dims, data: this.numbers(this.element(b, o)) }];
  }
}

/** MATLAB stores a char matrix column-major; rows become lines joined by '\n'. */
function transposeChars(chars: string, dims: number[]): string {
  const [rows, cols] = dims;
  if (rows <= 1) return chars;
  const cps = Array.from(chars);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) line += cps[c * rows + r] ?? '';
    lines.push(line);
  }
  return lines.join('\n');
}

/** All variables of a MAT v5 file, by name. */
export function readMat5(bytes: Buffer, file: string): Record<string, MatValue> {
  if (bytes.length < 128) throw new Error(`${file}: not a valid MAT v5 file (${bytes.length} bytes, the header alone is 128)`);
  const endian = bytes.toString('latin1', 126, 128);
  if (endian !== 'IM' && endian !== 'MI') {
    const hdf5 = bytes.toString('latin1', 0, 116).includes('7.3') ? ' (it looks like a v7.3 / HDF5 file)' : '';
    throw new Error(`${file}: not a valid MAT v5 file: no endian indicator at byte 126${hdf5}`);
  }
  const reader = new MatReader(file, endian === 'IM');
  const out: Record<string, MatValue> = {};
  for (let o = 128; o < bytes.length; ) {
    const e = reader.element(bytes, o);
    const v = reader.variable(e);
    if (v) out[v[0]] = v[1];
    o = e.next;
  }
  return out;
}
