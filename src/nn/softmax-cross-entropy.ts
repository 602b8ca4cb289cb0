/**
 * Mean softmax cross-entropy of logits [rows, classes] against integer targets (torch's
 * CrossEntropyLoss with its default mean). When dLogits is given it gets the gradient of that mean,
 * (softmax − onehot) / rows. The loss is summed in float64.
 */
export function softmaxCrossEntropy(logits: Float32Array, rows: number, classes: number, targets: Int32Array, dLogits?: Float32Array): number {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(classes) || classes < 1) {
    throw new Error(`softmaxCrossEntropy: rows ${rows} and classes ${classes} must be positive integers`);
  }
  if (logits.length < rows * classes) throw new Error(`softmaxCrossEntropy: logits has ${logits.length} values, ${rows} rows × ${classes} classes need ${rows * classes}`);
  if (targets.length < rows) throw new Error(`softmaxCrossEntropy: ${targets.length} targets for ${rows} rows`);
  if (dLogits && dLogits.length < rows * classes) throw new Error(`softmaxCrossEntropy: dLogits has ${dLogits.length} values, ${rows * classes} needed`);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * classes, t = targets[r];
    if (!(Number.isInteger(t) && t >= 0 && t < classes)) throw new Error(`softmaxCrossEntropy: target ${t} of row ${r} is not a class in 0…${classes - 1}`);
    let mx = -Infinity;
    for (let c = 0; c < classes; c++) mx = Math.max(mx, logits[o + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c] - mx);
    loss += Math.log(sum) + mx - logits[o + t];
    if (dLogits) for (let c = 0; c < classes; c++) dLogits[o + c] = (Math.exp(logits[o + c] - mx) / sum - (c === t ? 1 : 0)) / rows;
  }
  return loss / rows;
}
