import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { writeFeatures, writeLabels } from '../../src/data/files/index.js';
import { registerMargin } from '../../src/heads/margins.js';
import { train } from '../../src/train/trainer.js';
import { defaultTrainConfig, type TrainConfig } from '../../src/train/config.js';
import { tempDir } from '../helpers/temp.js';
import { gaussianClusters } from '../helpers/clusters.js';

process.env.FACET_QUIET = '1';

// a new margin is one definition and one registry call: here plain normalised softmax (no margin at all)
registerMargin('no-margin', { title: 'normalised softmax', defaultMargin: 0, validMargin: { lo: 0, hi: 1e-9 }, target: (cos) => ({ phi: cos, dphi: 1 }) });


const small: TrainConfig = { ...defaultTrainConfig, hidden: [16], embeddingDim: 8, epochs: 4, batchSize: 16, lr: 1e-2, scale: 16, seed: 3 };
const data = gaussianClusters(6, 16, 10, 1, 0.5);

test('a margin registered in a test trains through train(), with and without the BroadFace queue', async () => {
  for (const queueSize of [0, 32]) {
    const r = await train({ runDir: tempDir('facet-margin-'), config: { ...small, loss: 'no-margin', queueSize, compensate: queueSize > 0 }, train: data, numClasses: 6 });
    const first = r.history[0].loss as number, last = r.history.at(-1)!.loss as number;
    assert.ok(last < 0.8 * first, `queue ${queueSize}: loss ${first} → ${last}`);
    assert.equal(r.head?.queue.length ?? 0, queueSize > 0 ? 32 : 0);
  }
  await assert.rejects(train({ runDir: tempDir('facet-margin-'), config: { ...small, loss: 'no-margin', margin: 0.2 }, train: data, numClasses: 6 }),
    /--margin: 0\.2: normalised softmax margins are meaningful in \[0, 1e-9\)/);
});

test('sub-center ArcFace with a compensated queue learns, and resumes exactly (W of C×3 rows, queue with its proxy rows)', async () => {
  const config: TrainConfig = { ...small, loss: 'subcenter-arcface', margin: 0.2, queueSize: 40, compensate: true, epochs: 3 };
  const whole = await train({ runDir: tempDir('facet-margin-'), config, train: data, numClasses: 6 });
  assert.equal(whole.weight.length, 6 * 3 * 8);
  assert.ok((whole.history.at(-1)!.loss as number) < (whole.history[0].loss as number));
  const dir = tempDir('facet-margin-');
  const part = await train({ runDir: dir, config, train: data, numClasses: 6, stopAfterSteps: 8 });
  assert.equal(part.interrupted, true);
  const resumed = await train({ runDir: dir, config, train: data, numClasses: 6, resume: true });
  assert.deepEqual(resumed.weight, whole.weight);
  assert.deepEqual(resumed.head!.queue.snapshot(), whole.head!.queue.snapshot());
});

test('the registered margin is a --loss of facet train (in this process), with --queue-size', async () => {
  const dir = tempDir('facet-margin-cli-');
  writeFeatures(join(dir, 'f.npy'), { data: data.x, rows: data.n, cols: 10 });
  writeLabels(join(dir, 'l.meta'), data.labels);
  const run = join(dir, 'run');
  await main(['node', 'facet', 'train', '--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta'), '--loss', 'no-margin', '--queue-size', '24',
    '--epochs', '1', '--batch-size', '16', '--embedding-size', '4', '--val-fraction', '0', '--out', run]);
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(config.loss, 'no-margin');
  const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.kind === 'step');
  assert.equal(steps.length, 6);
  assert.equal(steps.at(-1).queue, 24);
});
