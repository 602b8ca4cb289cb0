import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { defaultTrainConfig, type TrainConfig } from '../../src/train/config.js';
import { splitByClass, type Samples } from '../../src/train/samples.js';
import { tempDir } from '../helpers/temp.js';
import { gaussianClusters } from '../helpers/clusters.js';

process.env.FACET_QUIET = '1';


const tmp = () => tempDir('facet-train-');
const small: TrainConfig = { ...defaultTrainConfig, hidden: [16], embeddingDim: 8, epochs: 2, batchSize: 16, lr: 1e-2, scale: 16, margin: 0.2, seed: 3 };

test('ArcFace, CosFace and BroadFace heads all learn separable clusters (loss falls, validation Recall@1 far above chance)', async () => {
  const { train: tr, val, numClasses } = splitByClass(gaussianClusters(12, 20, 10, 1), 0.25);
  for (const loss of ['arcface', 'cosface', 'broadface'] as const) {
    const config = { ...small, loss, epochs: 6, queueSize: loss === 'broadface' ? 64 : 0, compensate: loss === 'broadface', margin: loss === 'cosface' ? 0.1 : 0.2 };
    const r = await train({ runDir: tmp(), config, train: tr, val, numClasses });
    const first = r.history[0].loss as number, last = r.history.at(-1)!.loss as number;
    assert.ok(last < 0.6 * first, `${loss}: loss ${first} → ${last}`);
    const recall = (r.history.at(-1)!.val as Record<string, number>)['recall@1'];
    assert.ok(recall > 60, `${loss}: validation Recall@1 ${recall}% (chance ≈ 1/3 of 60 → 32%)`);
  }
});

test('interrupted mid-epoch and resumed gives the uninterrupted run exactly (weights, W, queue, metrics)', async () => {
  const data = gaussianClusters(6, 10, 10, 2);
  const config: TrainConfig = { ...small, loss: 'broadface', queueSize: 40, compensate: true, epochs: 3, milestones: [1], gamma: 0.5 };
  const base: Omit<TrainOptions, 'runDir'> = { config, train: data, numClasses: 6 };
  const whole = await train({ ...base, runDir: tmp() });
  const dir = tmp();
  const part = await train({ ...base, runDir: dir, stopAfterSteps: 6 }); // 4 steps per epoch: stops inside epoch 2
  assert.equal(part.interrupted, true);
  const resumed = await train({ ...base, runDir: dir, resume: true });
  assert.deepEqual(resumed.weight, whole.weight);
  for (const [name, v] of whole.model.params) assert.deepEqual(resumed.model.params.get(name)!.value, v.value, name);
  assert.deepEqual(resumed.head!.queue.snapshot(), whole.head!.queue.snapshot());
  const steps = (d: string) => readFileSync(join(d, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.kind === 'step').map((r) => r.loss);
  const wholeDir = tmp();
  await train({ ...base, runDir: wholeDir });
  assert.equal(steps(dir).length, 12);
  assert.deepEqual(steps(dir), steps(wholeDir));
  assert.deepEqual(resumed.history.map((r) => r.loss), whole.history.map((r) => r.loss));
});

test('bad configs and labels get errors naming the option', async () => {
  const data = gaussianClusters(3, 4, 5, 3);
  const run = (config: Partial<TrainConfig>, numClasses = 3) => train({ runDir: tmp(), config: { ...small, ...config }, train: data, numClasses });
  await assert.rejects(run({ loss: 'broadface', queueSize: -1 }), /--queue-size: must be a non-negative integer, got -1/);
  // the queue is an option of every margin; compensation needs a queue
  await assert.rejects(run({ loss: 'cosface', compensate: true }), /--compensate: compensates queued embeddings: needs --queue-size N > 0/);
  await assert.rejects(run({ loss: 'triplet' as never }), /--loss: must be one of arcface, cosface, subcenter-arcface, .*broadface/);
  await assert.rejects(run({}, 2), /training label 2 of sample 2 is outside the head's classes 0…1/);
  const dir = tmp();
  await train({ runDir: dir, config: { ...small, epochs: 1 }, train: data, numClasses: 3 });
  await assert.rejects(train({ runDir: dir, config: { ...small, seed: 9 }, train: data, numClasses: 3, resume: true }), /trained with seed = 3, not 9/);
  await assert.rejects(train({ runDir: tmp(), config: small, train: data, numClasses: 3, resume: true }), /no checkpoint.json there/);
});

test('two heads (labelled + pseudo-labelled) share the backbone, mix every batch, resume exactly, and keep the best validation epoch (MAP@R)', async () => {
  const all = gaussianClusters(10, 12, 10, 4);
  const { train: tr, val, numClasses } = splitByClass(all, 0.2);
  // first 4 classes "labelled", the next 4 a second head with its own numbering
  const pick = (keep: (y: number) => boolean, relabel: (y: number) => number): Samples => {
    const idx = [...tr.labels.keys()].filter((i) => keep(tr.labels[i]));
    const x = new Float32Array(idx.length * 10);
    idx.forEach((i, r) => x.set(tr.x.subarray(i * 10, i * 10 + 10), r * 10));
    return { x, n: idx.length, sampleShape: [10], labels: Int32Array.from(idx, (i) => relabel(tr.labels[i])) };
  };
  const labelled = pick((y) => y < 4, (y) => y);
  const pseudo = { samples: pick((y) => y >= 4, (y) => y - 4), numClasses: numClasses - 4 };
  const config: TrainConfig = { ...small, loss: 'broadface', queueSize: 30, epochs: 3 };
  const base: Omit<TrainOptions, 'runDir'> = { config, train: labelled, numClasses: 4, extraHead: pseudo, val };
  const whole = await train({ ...base, runDir: tmp() });
  assert.equal(whole.heads.length, 2);
  const dir = tmp();
  await train({ ...base, runDir: dir, stopAfterSteps: 4 });
  const resumed = await train({ ...base, runDir: dir, resume: true });
  assert.deepEqual(resumed.heads[1].weight, whole.heads[1].weight);
  for (const [name, v] of whole.model.params) assert.deepEqual(resumed.model.params.get(name)!.value, v.value, name);
  const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.kind === 'step');
  // 48 labelled rows / 8 per batch and 48 pseudo rows / 8: 6 steps per epoch
  assert.equal(steps.length, 18);
  assert.equal(steps[0].headLosses.length, 2);
  assert.ok(Math.abs(steps[0].loss - (steps[0].headLosses[0] + steps[0].headLosses[1]) / 2) < 1e-9);
  const scores = whole.history.map((h) => (h.val as Record<string, number>).mapAtR);
  assert.equal(whole.best!.score, Math.max(...scores));
  assert.equal(whole.best!.epoch, scores.indexOf(Math.max(...scores)) + 1);
  await assert.rejects(train({ ...base, extraHead: undefined, runDir: dir, resume: true }), /the checkpoint has 2 head\(s\), this run 1/);
});
