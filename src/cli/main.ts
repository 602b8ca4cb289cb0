import { Command } from 'commander';
import { installConfigHooks } from './config.js';
import { registerCommands } from './commands.js';
import { setThreads } from '../compute/index.js';

export function buildProgram(): Command {
  const program = new Command('facet')
    .description('face recognition and metric learning: BroadFace training, NAAN pseudo-labels, semi-supervised loop')
    .version('0.1.0')
    .option('--config <file>', 'YAML/JSON file of option values for the command (flags override it)')
    .option('--threads <n>', 'threads for the native kernels (default: all cores)', (v) => Number(v))
    .showHelpAfterError()
    .hook('preAction', (root) => {
      const n = root.opts().threads as number | undefined;
      if (n !== undefined) setThreads(n);
    });
  registerCommands(program);
  installConfigHooks(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // a reader that closes early (`facet info | head`) ends the output, not the command with a stack trace
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  await buildProgram().parseAsync(argv);
}
