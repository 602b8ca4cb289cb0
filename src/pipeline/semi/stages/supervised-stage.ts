import { train } from '../../../train/trainer.js';
import { autoValEvery } from '../../../train/val-schedule.js';
import { trainingProgress } from '../../../report/progress.js';
import { resuming, SemiContext, stopIfInterrupted } from './context.js';

export async function supervisedStage(c: SemiContext): Promise<void> {
  const { train: tr, val, numClasses } = await c.labelledTrainVal();
  // at least 8 validation points, as the retrained model, so that the before/after curves compare step by step
  const config = { ...c.o.train, valEvery: c.o.train.valEvery ?? autoValEvery(c.o.train.epochs) };
  const r = await train({ runDir: c.file('supervised'), config, train: tr, val, numClasses, resume: resuming(c, 'supervised'), onProgress: trainingProgress() });
  stopIfInterrupted(c, 'supervised', r.interrupted);
}
