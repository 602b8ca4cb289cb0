import { gunzipSync } from 'node:zlib';

/** The idx format of (Fashion-)MNIST: magic 0x00 0x00 type ndim, big-endian dims, then the data. */
export function parseIdx(bytes: Buffer, file: string): { dims: number[]; data: Uint8Array } {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipOrFail(bytes, file) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error(`${file}: not an idx file (bad magic number)`);
  if (raw[2] !== 0x08) throw new Error(`${file}: idx element type 0x${raw[2].toString(16)} is not unsigned byte (0x08)`);
  const ndim = raw[3];
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(raw.readUInt32BE(4 + 4 * i));
  const start = 4 + 4 * ndim;
  const expected = dims.reduce((a, d) => a * d, 1);
  if (raw.length - start !== expected) {
    throw new Error(`${file}: idx header says ${dims.join('×')} = ${expected} bytes of data, file holds ${raw.length - start}`);
  }
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + start, expected) };
}

function gunzipOrFail(bytes: Buffer, file: string): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new Error(`${file}: damaged gzip data (${(err as Error).message})`);
  }
}
