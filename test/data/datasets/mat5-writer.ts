import { deflateSync } from 'node:zlib';

/** Writes MAT v5 bytes the way MATLAB does (little-endian), for tests: char, double and struct arrays. */
export type MatIn = string | number[] | { struct: Record<string, MatIn>[] };

function tag(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(type, 0);
  head.writeUInt32LE(body.length, 4);
  const pad = Buffer.alloc((8 - (body.length % 8)) % 8);
  return Buffer.concat([head, body, pad]);
}

function int32s(xs: number[]): Buffer {
  const b = Buffer.alloc(4 * xs.length);
  xs.forEach((x, i) => b.writeInt32LE(x, 4 * i));
  return b;
}

function matrix(name: string, v: MatIn): Buffer {
  const flags = (cls: number) => tag(6, Buffer.from([cls, 0, 0, 0, 0, 0, 0, 0]));
  const nameEl = tag(1, Buffer.from(name, 'latin1'));
  let parts: Buffer[];
  if (typeof v === 'string') {
    const chars = Buffer.alloc(2 * v.length);
    [...v].forEach((ch, i) => chars.writeUInt16LE(ch.charCodeAt(0), 2 * i));
    parts = [flags(4), tag(5, int32s([1, v.length])), nameEl, tag(4, chars)];
  } else if (Array.isArray(v)) {
    const d = Buffer.alloc(8 * v.length);
    v.forEach((x, i) => d.writeDoubleLE(x, 8 * i));
    parts = [flags(6), tag(5, int32s([1, v.length])), nameEl, tag(9, d)];
  } else {
    const fields = Object.keys(v.struct[0]);
    const len = 32;
    const names = Buffer.alloc(len * fields.length);
    fields.forEach((f, i) => names.write(f, i * len, 'latin1'));
    const lenEl = Buffer.alloc(8);
    lenEl.writeUInt32LE((4 << 16) | 5, 0); // small element: int32, 4 bytes
    lenEl.writeInt32LE(len, 4);
    const els = v.struct.flatMap((el) => fields.map((f) => matrix('', el[f])));
    parts = [flags(2), tag(5, int32s([1, v.struct.length])), nameEl, lenEl, tag(1, names), ...els];
  }
  return tag(14, Buffer.concat(parts));
}

export function writeMat5(vars: Record<string, MatIn>, opts: { compress?: boolean } = {}): Buffer {
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, written by the facet tests', 0, 'latin1');
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  const body = Object.entries(vars).map(([k, v]) => {
    const m = matrix(k, v);
    if (!opts.compress) return m;
    const z = deflateSync(m);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(15, 0);
    head.writeUInt32LE(z.length, 4);
    return Buffer.concat([head, z]);
  });
  return Buffer.concat([header, ...body]);
}
