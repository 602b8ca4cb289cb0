// The child process `infomap()` runs (from infomap-relay.ts): @mapequation/infomap's Infomap (WebAssembly) on
// the link list read from stdin; the module of each node (Infomap's .clu) goes to stdout, each line Infomap
// prints (its progress) to fd 3 as it prints it. Arguments: Infomap's options.
// A child because the package's engine starts asynchronously and a GraphClusterer's run is not. The
// engine module the package's Node API (`@mapequation/infomap/node`, run) loads is used directly: run
// takes the network only as a string and turns it into a plain JS array of bytes, which V8 refuses
// somewhere past 130 MB of text (measured: 130 M elements fit, 180 M do not; 6–8 M pairs, fewer than
// part1 has at k 50); the engine's file system takes the bytes as they are. The steps are run's own (mkdir, writeFile, callMain, readFile).
import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = dirname(createRequire(import.meta.url).resolve('@mapequation/infomap/package.json'));
const { default: createInfomapModule } = await import(pathToFileURL(join(pkg, 'infomap.node.mjs')).href);
const stderr: string[] = [];
const engine = await createInfomapModule({ noInitialRun: true, print: (line: string) => writeSync(3, line + '\n'), printErr: (line: string) => stderr.push(line) });
engine.FS.mkdir('/work');
engine.FS.writeFile('/work/knn.txt', readFileSync(0));
let status: number;
try {
  status = engine.callMain(['/work/knn.txt', '/work', ...process.argv.slice(2)]);
} catch (e) {
  // Emscripten's exit(): an ExitStatus carrying the code
  if (!(e && typeof e === 'object' && 'status' in e)) throw e;
  status = Number(e.status);
}
if (status === 0) process.stdout.write(engine.FS.readFile('/work/knn.clu', { encoding: 'utf8' }));
else {
  process.stderr.write(`Infomap exited with status ${status}\n${stderr.join('\n')}`);
  process.exitCode = 1;
}
