import { readFileSync } from 'node:fs';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { writeFileAtomic } from './atomic.js';
import { parseNpy, serializeNpy } from './npy.js';
import type { NdArray } from './ndarray.js';

/** Reads every array of an .npz (numpy's zip of .npy members, stored or deflated). */
export function readNpz(path: string): Record<string, NdArray> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot open (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (err) {
    throw new Error(`${path}: not a readable .npz (zip) file: ${(err as Error).message}`);
  }
  const out: Record<string, NdArray> = {};
  for (const [member, data] of Object.entries(members)) {
    if (!member.endsWith('.npy')) continue;
    out[member.slice(0, -4)] = parseNpy(data, `${path}[${member}]`);
  }
  if (Object.keys(out).length === 0) throw new Error(`${path}: the .npz holds no .npy arrays`);
  return out;
}

/** Writes an .npz like np.savez (stored) or np.savez_compressed (`compress: true`), atomically. */
export function writeNpz(path: string, arrays: Record<string, NdArray>, opts: { compress?: boolean } = {}): void {
  const members: Zippable = {};
  for (const [key, a] of Object.entries(arrays)) {
    const [header, data] = serializeNpy(a);
    const bytes = new Uint8Array(header.length + data.length);
    bytes.set(header);
    bytes.set(data, header.length);
    members[`${key}.npy`] = bytes;
  }
  writeFileAtomic(path, zipSync(members, { level: opts.compress ? 6 : 0 }));
}
