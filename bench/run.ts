import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './registry.js';

const names = process.argv.slice(2);
const known = Object.keys(benchmarks).sort();
if (names.length === 1) {
  const run = benchmarks[names[0]];
  if (!run) {
    console.error(`unknown benchmark "${names[0]}"; known: ${known.join(', ') || '(none)'}`);
    process.exit(2);
  }
  await run();
} else {
  // Several (or all): one child process each, so that peak memory is measured per benchmark.
  let failed = 0;
  for (const name of names.length ? names : known) {
    console.error(`== bench ${name}`);
    const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), name], { stdio: 'inherit' });
    if (res.status !== 0) failed++;
  }
  process.exit(failed ? 1 : 0);
}
