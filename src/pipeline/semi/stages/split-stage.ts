import { makeSplit } from '../data.js';
import { SemiContext } from './context.js';

export async function splitStage(c: SemiContext): Promise<void> {
  const split = makeSplit(c.o, await c.dataset());
  if (split.unlabelledIgnored > 0) process.stderr.write(`facet: ${split.unlabelledIgnored} unlabelled rows (label −1) ignored: in no class, part or evaluation of the loop\n`);
  c.run.writeJson('split.json', split);
}
