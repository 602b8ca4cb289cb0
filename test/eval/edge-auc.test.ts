import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeAuc } from '../../src/eval/edge-auc.js';

test('edge AUC: sklearn roc_auc_score\'s values, ties at their mean rank, NaN without both kinds', () => {
  // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
  assert.equal(edgeAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(edgeAuc([0.5, 0.5, 0.9], [1, 0, 1]), 0.75);
  assert.equal(edgeAuc([0.2, 0.3], [1, 0]), 0);
  assert.ok(Number.isNaN(edgeAuc([0.2, 0.3], [1, 1])));
  assert.throws(() => edgeAuc([0.2], [1, 0]), /1 scores for 2 edge labels/);
});
