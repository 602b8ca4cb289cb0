// The child process `infomap()` runs: @mapequation/infomap's Node API is async (a Promise) and a
// GraphClusterer's run is not, so the package runs here, on the link list read from stdin, and the
// module of each node (Infomap's .clu) goes to stdout. Arguments: Infomap's options.
import { readFileSync } from 'node:fs';
import { run } from '@mapequation/infomap/node';

try {
  const result = await run(readFileSync(0, 'utf8'), { filename: 'knn.txt', args: process.argv.slice(2) });
  process.stdout.write(result.clu ?? '');
} catch (e) {
  process.stderr.write(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
