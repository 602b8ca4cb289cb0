/**
 * When validation runs inside an epoch: `valEvery` is a fraction of an epoch, as PyTorch Lightning's
 * float `val_check_interval`, so one setting gives the same number of points per epoch whatever the
 * dataset size. The points are the steps round(k · f · S) of an S-step epoch for every k with k · f < 1,
 * i.e. a pure function of (f, S): a resumed run validates at the same steps as an uninterrupted one.
 * The epoch's end is not among them: its validation is the epoch row's, as without the option.
 */
export function midEpochValSteps(stepsPerEpoch: number, valEvery = 1): Set<number> {
  const steps = new Set<number>();
  // k · f < 1 with a little slack, so that f = 0.1 stops at k = 9 despite rounding
  for (let k = 1; k * valEvery < 1 - 1e-9; k++) {
    const s = Math.round(k * valEvery * stepsPerEpoch);
    if (s >= 1 && s < stepsPerEpoch) steps.add(s);
  }
  return steps;
}

/**
 * The fraction of an epoch that gives a run of `epochs` epochs at least `points` validation points,
 * evenly spread: 1 / ⌈points / epochs⌉ (2 epochs: 0.25, 3 epochs: 1/3, 8 or more: once per epoch).
 */
export function autoValEvery(epochs: number, points = 8): number {
  return 1 / Math.ceil(points / epochs);
}
