import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameRecord, packIR, RECORDIO_MAGIC, RecordFile, RecordWriter, readRecordIdx, unpackIR } from '../../../src/data/files/index.js';
import { python } from '../../helpers/python.js';
import { tempDir } from '../datasets/fixtures.js';
import { PY_RECORDIO } from './recordio-python.js';

const magic = Buffer.alloc(4);
magic.writeUInt32LE(RECORDIO_MAGIC);

/** payloads covering dmlc's cases: plain, magic at aligned offsets (split), unaligned (not split), only the magic */
const payloads = [
  Buffer.from('hello world'),
  Buffer.concat([magic, Buffer.from('abcd'), magic, Buffer.from('xyz')]),
  Buffer.concat([Buffer.from('a'), magic, Buffer.from('bcdefgh')]),
  Buffer.concat([Buffer.from('12345678'), magic]),
  magic,
  Buffer.alloc(0),
];

/** the continuation flags of one framed record's parts */
function flags(framed: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at < framed.length;) {
    assert.equal(framed.readUInt32LE(at), RECORDIO_MAGIC);
    const lrec = framed.readUInt32LE(at + 4);
    out.push(lrec >>> 29);
    at += 8 + (((lrec & (2 ** 29 - 1)) + 3) & ~3);
  }
  return out;
}

test('framing: records split where the magic sits 4-aligned (flags 1, 2, 3), padded to 4 bytes; read back joined', (t) => {
  const dir = tempDir('recordio');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(payloads.map((p) => flags(frameRecord(p))), [[0], [1, 2, 3], [0], [1, 3], [1, 3], [0]]);
  assert.equal(frameRecord(payloads[0]).length, 8 + 12);
  const w = new RecordWriter(join(dir, 'x.rec'), join(dir, 'x.idx'));
  payloads.forEach((p, i) => w.write(i, p));
  w.commit();
  const idx = readRecordIdx(join(dir, 'x.idx'));
  assert.deepEqual(idx.map((e) => e.key), [0, 1, 2, 3, 4, 5]);
  const rec = new RecordFile(join(dir, 'x.rec'));
  for (const { key, offset } of idx) assert.deepEqual(rec.read(offset, key), payloads[key], `record ${key}`);
  assert.deepEqual(rec.head(idx[1].offset, 1, 6), payloads[1], 'a split record is read whole when its first part is short');
  assert.deepEqual(rec.head(idx[0].offset, 0, 4), payloads[0].subarray(0, 4));
  rec.close();
});

test('framing is byte-identical to a Python dmlc writer, and a Python reader joins facet\'s split records', (t) => {
  const dir = tempDir('recordio-py');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = new RecordWriter(join(dir, 'x.rec'), join(dir, 'x.idx'));
  payloads.forEach((p, i) => w.write(i, p));
  w.commit();
  const out = JSON.parse(python(PY_RECORDIO + `
payloads = [bytes.fromhex(h) for h in json.loads(sys.argv[1])]
f = open(sys.argv[2], 'rb')
print(json.dumps({'frames': [frame(p).hex() for p in payloads], 'read': [read_at(f, o).hex() for k, o in read_idx(sys.argv[3])]}))
`, [JSON.stringify(payloads.map((p) => p.toString('hex'))), join(dir, 'x.rec'), join(dir, 'x.idx')]));
  assert.deepEqual(out.frames, payloads.map((p) => frameRecord(p).toString('hex')));
  assert.deepEqual(out.read, payloads.map((p) => p.toString('hex')));
});

test('IRHeader: IfQQ + flag float labels, as mxnet.recordio.pack; unpack reads it back', () => {
  const one = packIR(7, Buffer.from('img'), 3n, 0n);
  assert.equal(one.length, 24 + 3);
  assert.deepEqual([one.readUInt32LE(0), one.readFloatLE(4), one.readBigUInt64LE(8)], [0, 7, 3n]);
  const many = unpackIR(packIR([5, 9], Buffer.from('jpg'), 2n ** 63n), 'x');
  assert.deepEqual([many.header.flag, many.header.label, [...many.header.labels], many.header.id, many.data.toString()], [2, 0, [5, 9], 2n ** 63n, 'jpg']);
  assert.throws(() => unpackIR(Buffer.alloc(10), 'f.rec: record 4'), /f\.rec: record 4: 10 bytes, shorter than the 24-byte/);
  const lying = packIR(1, Buffer.alloc(0));
  lying.writeUInt32LE(1000, 0);
  assert.throws(() => unpackIR(lying, 'f.rec: record 5'), /record 5: header says 1000 labels, but the record has only 24 bytes/);
});

test('corrupt .rec: bad magic, truncated data, offset past the end, stray continuation flag name the file, key and offset', (t) => {
  const dir = tempDir('recordio-bad');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'b.rec');
  writeFileSync(path, Buffer.concat([frameRecord(Buffer.from('first record')), frameRecord(payloads[1])]));
  const second = frameRecord(Buffer.from('first record')).length;
  const bytes = readFileSync(path);
  const rec = () => new RecordFile(path);
  assert.throws(() => rec().read(4, 7), new RegExp(`${path}: record 7 at offset 4: bad magic 0x[0-9a-f]{8} at byte 4 \\(expected 0xced7230a\\)`));
  assert.throws(() => rec().read(bytes.length + 8, 3), new RegExp(`${path}: record 3 at offset ${bytes.length + 8}: offset is past the end of the file \\(${bytes.length} bytes\\)`));
  // the second part of a split record read as if it started one
  assert.throws(() => rec().read(second + 8, 9), /record 9 at offset \d+: continuation flag 2 at byte \d+ starts a record/);
  truncateSync(path, bytes.length - 2);
  assert.throws(() => rec().read(second, 1), new RegExp(`${path}: record 1 at offset ${second}: truncated: \\d+ bytes of data at byte \\d+ run past the end of the file \\(${bytes.length - 2} bytes\\)`));
  assert.throws(() => { writeFileSync(join(dir, 'b.idx'), '0\t0\nnot a line\n'); readRecordIdx(join(dir, 'b.idx')); }, /b\.idx: line 2: expected "key<TAB>offset"/);
});

test('RecordWriter: nothing appears under the final names until commit; abort leaves no file', (t) => {
  const dir = tempDir('recordio-atomic');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = new RecordWriter(join(dir, 'a.rec'), join(dir, 'a.idx'));
  w.write(0, Buffer.from('x'));
  assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('.')), []);
  w.abort();
  assert.deepEqual(readdirSync(dir), []);
});
