import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fsError, makeDir, readFeatures, readJsonFile, readLabels, writeFileAtomic } from '../../../src/data/files/index.js';
import { loadCheckpoint } from '../../../src/train/checkpoint.js';
import { tempDir } from '../../helpers/temp.js';


test('a truncated or empty JSON run file is named, with what is wrong', (t) => {
  const dir = tempDir('facet-damaged-');
  const file = join(dir, 'checkpoint.json');
  writeFileSync(file, JSON.stringify({ version: 2, params: 'x'.repeat(300) }).slice(0, 100));
  assert.throws(() => readJsonFile(file), (e: Error) => e.message.startsWith(`${file}: not valid JSON (truncated?)`));
  assert.throws(() => loadCheckpoint(dir), (e: Error) => e.message.startsWith(`${file}: not valid JSON (truncated?)`));
  writeFileSync(file, '');
  assert.throws(() => readJsonFile(file), { message: `${file}: empty file (expected JSON)` });
  assert.throws(() => readJsonFile(dir), { message: `${dir}: cannot read (is a directory, expected a file)` });
});

test('folders given as files and failed fs calls are named in words', (t) => {
  const dir = tempDir('facet-damaged-');
  mkdirSync(join(dir, 'runs'));
  assert.throws(() => readFeatures(join(dir, 'runs')), { message: `${join(dir, 'runs')}: is a directory, expected a .npy, .npz or .bin file` });
  mkdirSync(join(dir, 'x.npy'));
  assert.throws(() => readFeatures(join(dir, 'x.npy')), { message: `${join(dir, 'x.npy')}: is a directory, expected a .npy, .npz or .bin file` });
  assert.throws(() => readLabels(join(dir, 'runs')), { message: `${join(dir, 'runs')}: cannot open (is a directory, expected a file)` });
  writeFileSync(join(dir, 'file'), 'x');
  assert.throws(() => makeDir(join(dir, 'file', 'run')), { message: `${join(dir, 'file', 'run')}: cannot create (a part of the path is not a folder)` });
  assert.throws(() => writeFileAtomic(join(dir, 'file', 'a.json'), '{}'), { message: `${join(dir, 'file', 'a.json')}: cannot write (a part of the path is not a folder)` });
  // tests run as root, where chmod cannot make a folder read-only: the mapping itself
  const denied = Object.assign(new Error("EACCES: permission denied, open 'runs/x/.a.tmp'"), { code: 'EACCES' });
  assert.equal(fsError('write', 'runs/x/a.json', denied).message, 'runs/x/a.json: cannot write (permission denied)');
});
