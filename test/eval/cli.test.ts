import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFeatures } from '../../src/data/files/index.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args],
  { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });

test('facet eval retrieval/clustering/verification: tables, JSON keys, clear errors', () => {
  const dir = tempDir('facet-evalcli-');
  const f = (name: string) => join(dir, name);
  writeFeatures(f('e.npy'), { data: Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9]), rows: 4, cols: 2 });
  writeFileSync(f('l.meta'), '0\n0\n1\n1\n');
  writeFileSync(f('pred.meta'), '4\n4\n-1\n-1\n');
  writeFileSync(f('short.meta'), '0\n0\n1\n');
  writeFileSync(f('pairs.txt'), Array.from({ length: 20 }, (_, i) => (i % 2 ? '0 2 0' : '2 3 1')).join('\n'));

  const ret = facet('eval', 'retrieval', '--embeddings', f('e.npy'), '--labels', f('l.meta'), '--k', '1,2', '--json');
  assert.equal(ret.status, 0, ret.stderr);
  const r = JSON.parse(ret.stdout);
  assert.deepEqual(r.hits, [4, 4]);
  assert.deepEqual(Object.keys(r).sort(), ['hits', 'ks', 'mapAtR', 'mode', 'neighbours', 'numLoneQueries', 'numQueries', 'precisionAt1', 'rPrecision', 'recall', 'recallReference', 'unlabelledIgnored']);
  const table = facet('eval', 'retrieval', '--embeddings', f('e.npy'), '--labels', f('l.meta'), '--k', '1');
  assert.match(table.stdout, /Recall@1\s+100\.00/);
  const bigK = facet('eval', 'retrieval', '--embeddings', f('e.npy'), '--labels', f('l.meta'), '--dataset', 'sop');
  assert.match(bigK.stderr, /--dataset sop: K 10: larger than the gallery \(3 items/);

  const clu = facet('eval', 'clustering', '--gt', f('l.meta'), '--pred', f('pred.meta'), '--json');
  assert.equal(clu.status, 0, clu.stderr);
  const c = JSON.parse(clu.stdout);
  assert.equal(c.protocol, 'minus1-as-singletons');
  assert.equal(c.numPredClusters, 3);
  const rm = facet('eval', 'clustering', '--gt', f('l.meta'), '--pred', f('pred.meta'), '--remove-singletons');
  assert.match(rm.stdout, /NAAN protocol/);
  assert.match(rm.stdout, /2 of 4 \(discard ratio 0\.5000\)/);
  const bad = facet('eval', 'clustering', '--gt', f('l.meta'), '--pred', f('short.meta'));
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /short\.meta: 3 labels/);

  const ver = facet('eval', 'verification', '--embeddings', f('e.npy'), '--pairs', f('pairs.txt'), '--roc-out', f('roc.csv'), '--json');
  assert.equal(ver.status, 0, ver.stderr);
  const v = JSON.parse(ver.stdout);
  assert.equal(v.accuracy, 1);
  assert.equal(v.tarAtFar.length, 6);
  assert.match(readFileSync(f('roc.csv'), 'utf8'), /^fpr,tpr,threshold\n0,0,/);
});
