import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  readFeatures, readJsonFile, readKnn, readLabels, readNaanFeats, readNpy, readNpz, writeFeatures, writeKnnLearnToCluster,
  writeKnnNaan, writeLabels, writeNpy, writeNpz,
} from '../../../src/data/files/index.js';
import { Random } from '../../../src/data/random.js';
import { tempDir } from '../../helpers/temp.js';

/** Every reader of src/data/files, by the kinds of file it is meant for. */
const readers: Record<string, (path: string) => unknown> = {
  npy: readNpy,
  npz: readNpz,
  'features .npy': (p) => readFeatures(p),
  'features .npz': (p) => readFeatures(p),
  'features .bin': (p) => readFeatures(p, { dim: 4 }),
  'labels .meta': (p) => readLabels(p),
  'labels .npy': (p) => readLabels(p),
  'knn .npz': readKnn,
  'knn .npy': readKnn,
  'naan feats': readNaanFeats,
  json: (p) => readJsonFile(p),
};

/** One small valid file per reader, written by facet's own writers. */
function originals(dir: string): Record<string, string> {
  const r = new Random(7);
  const n = 6, d = 4, k = 3;
  const data = Float32Array.from({ length: n * d }, () => r.normal());
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3 - (i === 5 ? 1 : 0));
  const indices = Int32Array.from({ length: n * k }, (_, i) => (Math.floor(i / k) + (i % k)) % n);
  const graph = { n, k, indices, distances: Float32Array.from({ length: n * k }, (_, i) => (i % k) * 0.1) };
  const f = (name: string) => join(dir, name);
  writeNpy(f('a.npy'), { dtype: 'float32', shape: [n, d], data });
  writeNpz(f('a.npz'), { embs: { dtype: 'float32', shape: [n, d], data }, labels: { dtype: 'int64', shape: [n], data: BigInt64Array.from(labels, BigInt) } });
  writeNpz(f('c.npz'), { features: { dtype: 'float32', shape: [n, d], data } }, { compress: true });
  writeFeatures(f('a.bin'), { data, rows: n, cols: d });
  writeLabels(f('a.meta'), labels);
  writeNpy(f('l.npy'), { dtype: 'int32', shape: [n], data: labels });
  writeKnnLearnToCluster(f('faiss_k_3.npz'), graph);
  writeKnnNaan(f('x_knn.npy'), graph);
  writeFileSync(f('checkpoint.json'), JSON.stringify({ version: 2, config: { loss: 'arcface', hidden: [8, 4] }, params: { w: [0.5, 1.5] }, note: 'x'.repeat(200) }));
  return {
    npy: f('a.npy'), npz: f('c.npz'), 'features .npy': f('a.npy'), 'features .npz': f('a.npz'), 'features .bin': f('a.bin'),
    'labels .meta': f('a.meta'), 'labels .npy': f('l.npy'), 'knn .npz': f('faiss_k_3.npz'), 'knn .npy': f('x_knn.npy'),
    'naan feats': f('a.npz'), json: f('checkpoint.json'),
  };
}

/** Reads `path`: a normal result or an Error that names the file in plain words is fine; anything else is a problem, returned. */
function problem(name: string, read: (p: string) => unknown, path: string, what: string): string | undefined {
  try {
    read(path);
  } catch (err) {
    const e = err as Error;
    if (e.constructor !== Error) return `${name} on ${what}: ${e.constructor.name} from inside: ${e.message}`;
    if (!e.message.includes(path)) return `${name} on ${what}: message does not name the file: ${e.message}`;
    if (/\n\s+at |node:internal|undefined/.test(e.message)) return `${name} on ${what}: ${e.message}`;
  }
  return undefined;
}

test('truncated, bit-flipped and wrong-typed files give a result or an error naming the file, and write nothing', (t) => {
  const dir = tempDir('facet-fuzz-');
  const files = originals(dir);
  const work = join(dir, 'work');
  rmSync(work, { force: true });
  const rng = new Random(16);
  let cases = 0;
  const problems: string[] = [];
  const readsCleanly = (...a: Parameters<typeof problem>) => { const p = problem(...a); if (p) problems.push(p); };
  for (const [name, original] of Object.entries(files)) {
    const bytes = readFileSync(original);
    const ext = original.slice(original.lastIndexOf('.'));
    const target = join(dir, `damaged${name.includes('knn') ? '_knn' : ''}${ext}`);
    const variants: [string, Uint8Array][] = [];
    for (const cut of [0, 1, 7, 11, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 30, bytes.length - 1]) {
      if (cut >= 0 && cut < bytes.length) variants.push([`cut at ${cut}`, bytes.subarray(0, cut)]);
    }
    for (let i = 0; i < 150; i++) {
      const at = rng.int(bytes.length);
      const flipped = Uint8Array.from(bytes);
      flipped[at] ^= 1 << rng.int(8);
      variants.push([`bit flip at ${at}`, flipped]);
    }
    for (const [what, content] of variants) {
      writeFileSync(target, content);
      const before = readdirSync(dir).sort();
      readsCleanly(name, readers[name], target, what);
      assert.deepEqual(readdirSync(dir).sort(), before, `${name} on ${what}: wrote something`);
      cases++;
    }
    // every other kind of file given to this reader, under this reader's extension and under its own
    for (const other of Object.values(files)) {
      if (other === original) continue;
      copyFileSync(other, target);
      readsCleanly(name, readers[name], target, `${other} renamed`);
      readsCleanly(name, readers[name], other, `${other}`);
      cases += 2;
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(cases > 500);
});
