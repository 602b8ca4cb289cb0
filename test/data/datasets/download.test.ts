import { strict as assert } from 'node:assert';
import { test, after } from 'node:test';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { openDataset } from '../../../src/data/datasets/index.js';
import { downloadDataset, fetchFile, VERIFIED_MARKER } from '../../../src/data/download/index.js';
import { makeCub, makeSop, tempDir } from './fixtures.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** files served by name; `dropOnce` names files whose first full GET dies half way */
const served = new Map<string, Buffer>();
const dropOnce = new Set<string>();
const requests: { name: string; range?: string }[] = [];

function serve(req: IncomingMessage, res: ServerResponse): void {
  const name = decodeURIComponent(req.url!.slice(1));
  const body = served.get(name);
  requests.push({ name, range: req.headers.range });
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const from = m ? Number(m[1]) : 0;
  if (from >= body.length) {
    res.writeHead(416).end();
    return;
  }
  res.writeHead(m ? 206 : 200, { 'Content-Length': body.length - from, ...(m ? { 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}) });
  if (dropOnce.delete(name)) {
    // send half the file, then cut the connection
    res.write(body.subarray(from, from + (body.length >> 1)), () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.end(body.subarray(from));
}

const server = createServer(serve);
const base = await new Promise<string>((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
after(() => server.close());

/** every file under `dir`, relative, as the archive should hold them */
function filesUnder(dir: string, prefix = ''): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, filesUnder(dir, rel));
    else out[rel] = readFileSync(join(dir, rel));
  }
  return out;
}

test('SOP zip: fetched, MD5-verified, extracted, opens; a second run fetches nothing (idempotent)', async () => {
  const src = tempDir('sop-src');
  await makeSop(src);
  const zip = Buffer.from(zipSync(filesUnder(src)));
  served.set('Stanford_Online_Products.zip', zip);
  const root = tempDir('sop-dl');
  const source = { folder: 'Stanford_Online_Products', extractTo: '.', files: [{ name: 'Stanford_Online_Products.zip', url: 'unused', md5: md5(zip), extract: 'zip' as const }] };
  const first = await downloadDataset('sop', root, { url: base, source });
  assert.equal(first.fetched, true);
  assert.equal(openDataset('sop', { root, split: 'train' }).items.length, 8);
  assert.ok(existsSync(join(root, 'Stanford_Online_Products', VERIFIED_MARKER)));
  assert.ok(!existsSync(join(root, 'Stanford_Online_Products.zip')), 'archive removed after extraction');
  const before = requests.length;
  const second = await downloadDataset('sop', root, { url: base, source });
  assert.equal(second.fetched, false);
  assert.equal(requests.length, before, 'no request when already verified');
});

test('CUB tgz: a connection that drops mid-file is resumed with an HTTP range request', async () => {
  const src = tempDir('cub-src');
  await makeCub(src);
  const tgz = execFileSync('tar', ['czf', '-', '-C', src, 'CUB_200_2011']);
  served.set('CUB_200_2011.tgz', tgz);
  dropOnce.add('CUB_200_2011.tgz');
  const root = tempDir('cub-dl');
  const source = { folder: 'CUB_200_2011', extractTo: '.', files: [{ name: 'CUB_200_2011.tgz', url: 'unused', md5: md5(tgz), extract: 'tgz' as const }] };
  const r = await downloadDataset('cub', root, { url: base, source });
  assert.equal(r.fetched, true);
  const ranged = requests.filter((q) => q.name === 'CUB_200_2011.tgz' && q.range);
  assert.equal(ranged.length, 1);
  assert.equal(ranged[0].range, `bytes=${tgz.length >> 1}-`);
  assert.equal(openDataset('cub', { root, split: 'test' }).classes, 2);
});

test('a corrupted archive fails its checksum: clear error, nothing kept, not marked verified', async () => {
  const good = Buffer.from(zipSync({ 'a.txt': new Uint8Array([1, 2, 3]) }));
  const bad = Buffer.from(good);
  bad[bad.length >> 1] ^= 0xff;
  served.set('Stanford_Online_Products.zip', bad);
  const root = tempDir('bad-dl');
  const source = { folder: 'Stanford_Online_Products', extractTo: '.', files: [{ name: 'Stanford_Online_Products.zip', url: 'unused', md5: md5(good), extract: 'zip' as const }] };
  await assert.rejects(downloadDataset('sop', root, { url: base, source }), new RegExp(`checksum mismatch: MD5 ${md5(bad)}, published ${md5(good)}; the download was deleted`));
  assert.deepEqual(readdirSync(root), []);
});

test('fetchFile resumes a partial file left by an earlier run; HTTP errors name the URL', async () => {
  const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  served.set('blob.bin', body);
  const dir = tempDir('resume');
  writeFileSync(join(dir, 'blob.bin.part'), body.subarray(0, 1234));
  await fetchFile(`${base}/blob.bin`, join(dir, 'blob.bin'), { md5: md5(body) });
  assert.deepEqual(readFileSync(join(dir, 'blob.bin')), body);
  assert.equal(requests.at(-1)!.range, 'bytes=1234-');
  await assert.rejects(fetchFile(`${base}/nothing.bin`, join(dir, 'n.bin')), /nothing\.bin failed: .*HTTP 404/);
});

test('In-Shop has no direct link: the error says where to put the manual download', async () => {
  await assert.rejects(downloadDataset('inshop', '/data'), /list_eval_partition\.txt .* in \/data\/Inshop\//);
  await assert.rejects(downloadDataset('imagenet', '/data'), /unknown dataset "imagenet": expected one of sop, cub, cars, fashion-mnist/);
});
