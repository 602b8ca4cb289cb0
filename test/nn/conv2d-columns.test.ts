import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, type Kernels } from '../../src/compute/index.js';
import { Conv2d } from '../../src/nn/index.js';
import { rand } from './grad-check.js';

function near(got: Float32Array, want: Float32Array, what: string): void {
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 + 1e-5 * Math.abs(want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

/** fallbackKernels with convColumns as given, recording whether the forward was handed columns and which filter gradient ran. */
function spied(convColumns: boolean) {
  const calls: string[] = [];
  const k: Kernels = {
    ...fallbackKernels,
    convColumns,
    conv2dForward: (s, x, f, y, cols) => (calls.push(cols ? 'forward with columns' : 'forward'), fallbackKernels.conv2dForward(s, x, f, y, cols)),
    conv2dBackpropFilter: (s, x, dy, df) => (calls.push('filter from x'), fallbackKernels.conv2dBackpropFilter(s, x, dy, df)),
    conv2dBackpropFilterColumns: (s, cols, dy, df) => (calls.push('filter from columns'), fallbackKernels.conv2dBackpropFilterColumns(s, cols, dy, df)),
  };
  return { k, calls };
}

test('Conv2d keeps im2col columns only when the kernels say convColumns; the gradients are the same either way', () => {
  const x = rand(2 * 6 * 5 * 3, 1), dy = rand(2 * 3 * 3 * 4, 2), w = rand(3 * 3 * 3 * 4, 3);
  const run = (convColumns: boolean) => {
    const { k, calls } = spied(convColumns);
    const conv = new Conv2d('c', [6, 5, 3], 4, Float32Array.from(w), { size: 3, stride: 2 }, k);
    const y = Float32Array.from(conv.forward(x, 2, true)), dx = Float32Array.from(conv.backward(dy, true)!);
    return { calls, y, dx, dw: Float32Array.from(conv.params[0].grad!) };
  };
  const kept = run(true), rebuilt = run(false);
  assert.deepEqual(kept.calls, ['forward with columns', 'filter from columns']);
  assert.deepEqual(rebuilt.calls, ['forward', 'filter from x']);
  assert.deepEqual(rebuilt.y, kept.y);
  near(rebuilt.dx, kept.dx, 'dx');
  near(rebuilt.dw, kept.dw, 'dfilter');
});
