/** MultiStepLR stepped once per epoch, as the reference: lr · gamma^(milestones passed by `epoch`), epoch counted from 0. */
export function multiStepLr(baseLr: number, milestones: number[], gamma: number, epoch: number): number {
  return baseLr * gamma ** milestones.filter((m) => epoch >= m).length;
}
