import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addTrainingFlags, trainConfigOf, type TrainingFlagValues } from '../../src/cli/training-flags.js';
import { semiOptions } from '../../src/cli/semi.js';
import { defaultTrainConfig } from '../../src/train/config.js';

function parsed(add: (c: Command) => Command, args: string[]): TrainingFlagValues {
  let seen: TrainingFlagValues | undefined;
  const program = new Command().exitOverride();
  add(program.command('x').exitOverride().configureOutput({ writeErr: () => {} })).action((o: TrainingFlagValues) => { seen = o; });
  program.parse(['node', 'facet', 'x', ...args]);
  return seen!;
}

test('facet train, semi and demo parse the same training flags into the same config, with one set of defaults', () => {
  const train = trainConfigOf(parsed((c) => addTrainingFlags(c), []), 'mlp');
  assert.deepEqual(train, { ...defaultTrainConfig, margin: undefined, headLr: undefined, valEvery: undefined });
  const semi = trainConfigOf(parsed((c) => semiOptions(c, { out: 'runs/semi' }), []), 'mlp');
  assert.deepEqual(semi, train);
  // the demo's recipe changes its epochs only
  const demo = trainConfigOf(parsed((c) => semiOptions(c, { out: 'runs/demo', epochs: 15 }), []), 'mlp');
  assert.deepEqual(demo, { ...train, epochs: 15 });
  assert.equal(parsed((c) => semiOptions(c, { out: 'runs/semi' }), []).valFraction, parsed((c) => addTrainingFlags(c), []).valFraction);
});

test('flags reach their config keys (one mapping table), "" empties a list, and bad values name the flag', () => {
  const args = ['--loss', 'cosface', '--queue-size', '12', '--compensate', '--embedding-size', '16', '--lr-decay-epochs', '', '--lr-decay-gamma', '0.5', '--recall', '1,4', '--model', 'small-cnn'];
  const c = trainConfigOf(parsed((x) => addTrainingFlags(x), args), 'mlp');
  assert.deepEqual([c.loss, c.queueSize, c.compensate, c.embeddingDim, c.milestones, c.gamma, c.evalKs, c.model], ['cosface', 12, true, 16, [], 0.5, [1, 4], 'small-cnn']);
  assert.throws(() => parsed((x) => addTrainingFlags(x), ['--seed', '1.5']), /--seed must be an integer, got "1.5"/);
  // --val-every: a fraction of an epoch, in every command that trains (absent: once per epoch, the loop's stages choose)
  assert.equal(trainConfigOf(parsed((x) => addTrainingFlags(x), ['--val-every', '0.25']), 'mlp').valEvery, 0.25);
  assert.equal(trainConfigOf(parsed((x) => semiOptions(x, { out: 'runs/demo', epochs: 15 }), ['--val-every', '1']), 'mlp').valEvery, 1);
  for (const bad of ['0', '1.01', 'x']) assert.throws(() => parsed((x) => addTrainingFlags(x), ['--val-every', bad]), new RegExp(`--val-every must be a fraction in \\(0, 1\\], got "${bad}"`));
  assert.throws(() => trainConfigOf(parsed((x) => addTrainingFlags(x), ['--loss', 'arcface', '--compensate']), 'mlp'), /--compensate: compensates queued embeddings: needs --queue-size N > 0/);
});
