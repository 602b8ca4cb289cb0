import { train } from '../../../train/trainer.js';
import { trainingProgress } from '../../../report/progress.js';
import { resuming, SemiContext, stopIfInterrupted } from './context.js';

export async function supervisedStage(c: SemiContext): Promise<void> {
  const { train: tr, val, numClasses } = await c.labelledTrainVal();
  const r = await train({ runDir: c.file('supervised'), config: c.o.train, train: tr, val, numClasses, resume: resuming(c, 'supervised'), onProgress: trainingProgress() });
  stopIfInterrupted(c, 'supervised', r.interrupted);
}
