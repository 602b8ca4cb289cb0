#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci` / `npm install`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`facet: ${err instanceof Error ? err.message : String(err)}\n`);
  // 130 after a Ctrl-C that saved the run's state (InterruptedError), 1 for every other error
  process.exit(err && typeof err.exitCode === 'number' ? err.exitCode : 1);
});
