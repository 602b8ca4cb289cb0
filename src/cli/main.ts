import { Command } from 'commander';
import { applyConfig } from './config.js';
import { registerCommands } from './commands.js';

export function buildProgram(): Command {
  const program = new Command('facet')
    .description('face recognition and metric learning: BroadFace training, NAAN pseudo-labels, semi-supervised loop')
    .version('0.1.0')
    .option('--config <file>', 'YAML/JSON file of option values for the command (flags override it)')
    .showHelpAfterError()
    .hook('preAction', (_root, action) => applyConfig(action));
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
