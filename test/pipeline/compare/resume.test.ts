import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/temp.js';
import { facet, spawnFacet, writeGrid } from './grid-fixture.js';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const epochRows = (run: string) => readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'epoch');

test('Ctrl-C (SIGINT) stops the grid with 130 after the running run saved its checkpoint; re-entering keeps the finished run and resumes the stopped one', async () => {
  const dir = tempDir('facet-compare-int-');
  const gridPath = writeGrid(dir, { n: 400, epochs: 20, batchSize: 8, seeds: [0, 1], variants: [{ name: 'a' }] });
  const out = join(dir, 'grid');
  const first = join(out, 'a', 'seed-0'), second = join(out, 'a', 'seed-1');
  const child = spawnFacet('compare', gridPath, '--out', out);
  let stderr = '';
  child.stderr.on('data', (b) => { stderr += b; });
  // the first run finished and the second one has its first checkpoint: stop the grid (only the grid gets the signal)
  while (!(existsSync(join(first, 'result.json')) && existsSync(join(second, 'checkpoint.json')))) await new Promise((res) => setTimeout(res, 20));
  child.kill('SIGINT');
  const code = await new Promise((res) => child.on('exit', res));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted; run the same command again to continue the grid/);
  const stopped = json(join(out, 'comparison.json'));
  assert.deepEqual(stopped.runs.map((r: { status: string }) => r.status), ['finished', 'interrupted']);
  const ckpt = json(join(second, 'checkpoint.json'));
  assert.ok(ckpt.epoch >= 1 && ckpt.epoch < 20, `stopped at epoch ${ckpt.epoch}`);
  const firstResult = statSync(join(first, 'result.json')).mtimeMs;
  // a restart would clear the folder (--overwrite); a resume keeps what is there
  writeFileSync(join(second, 'notes.txt'), 'kept\n');

  const again = facet('compare', gridPath, '--out', out);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /1 of 2 runs already finished: skipped/);
  assert.match(again.stderr, /run 2\/2: a seed 1 \(continuing it\); 1\/2 runs done, ETA \d+ s/);
  assert.equal(statSync(join(first, 'result.json')).mtimeMs, firstResult, 'the finished run is not run again');
  // resumed, not restarted: the folder kept its files, and metrics.jsonl has every epoch once
  assert.ok(existsSync(join(second, 'notes.txt')));
  assert.deepEqual(epochRows(second).map((r) => r.epoch), Array.from({ length: 20 }, (_, i) => i + 1));
  const c = json(join(out, 'comparison.json'));
  assert.deepEqual([c.done, c.total], [2, 2]);
  // wall time of the stopped run adds up over both passes
  assert.ok(c.runs[1].wallSeconds > stopped.runs[1].wallSeconds);
  assert.equal(c.metrics[0].variants[0].n, 2);
});

test('a run that fails is reported failed (exit 1), with no numbers and no interval; a single seed has no sd and no interval; a metric no result has is reported missing', () => {
  const dir = tempDir('facet-compare-fail-');
  // --select-by verify without --verify files: facet train refuses before training
  const gridPath = writeGrid(dir, { n: 80, epochs: 1, seeds: [0], variants: [{ name: 'ok' }, { name: 'bad', options: { 'select-by': 'verify' } }], metrics: ['test.recall@1', 'test.recall@99'] });
  const out = join(dir, 'grid');
  const res = facet('compare', gridPath, '--out', out);
  assert.equal(res.status, 1);
  assert.match(res.stderr, /--select-by verify needs --verify FILES/);
  assert.match(res.stderr, /1 run\(s\) failed/);
  const c = json(join(out, 'comparison.json'));
  assert.deepEqual(c.runs.map((r: { status: string; exitCode?: number }) => [r.status, r.exitCode]), [['finished', undefined], ['failed', 1]]);
  const [ok, bad] = c.metrics[0].variants;
  assert.deepEqual([ok.n, ok.sd, bad.n, bad.mean, bad.difference.n, bad.difference.interval], [1, null, 0, null, 0, null]);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /No interval for bad: fewer than two seeds pair with ok\./);
  assert.match(html, /<td>failed \(exit 1\)<\/td>/);
  assert.deepEqual(c.metrics[1].missing, ['ok/seed-0']);
  assert.match(html, /Finished runs without &quot;test\.recall@99&quot; in their result\.json: ok\/seed-0\./);
  assert.match(res.stdout, /test\.recall@99\n.*\n.*\n {2}not in the result of ok\/seed-0\n/);
});
