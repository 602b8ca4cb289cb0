import type { Command } from 'commander';
import { registerGolden } from './golden.js';
import { registerInspect } from './inspect.js';
import { registerInfo } from './info.js';
import { registerData } from './data.js';
import { registerKnn } from './knn.js';
import { registerDemo } from './demo.js';
import { registerEval } from './eval.js';
import { registerTrain } from './train.js';
import { registerEmbed } from './embed.js';
import { registerExport } from './export.js';
import { registerSemi } from './semi.js';
import { registerCluster } from './cluster.js';
import { registerCompare } from './compare.js';

/** Every `facet <command>`; each area of the project adds its own register function here. */
export function registerCommands(program: Command): void {
  registerGolden(program);
  registerInspect(program);
  registerInfo(program);
  registerData(program);
  registerKnn(program);
  registerDemo(program);
  registerEval(program);
  registerTrain(program);
  registerEmbed(program);
  registerExport(program);
  registerSemi(program);
  registerCluster(program);
  registerCompare(program);
}
