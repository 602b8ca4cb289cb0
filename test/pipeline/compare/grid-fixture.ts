import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFeatures, writeLabels } from '../../../src/data/files/index.js';
import { Random } from '../../../src/data/random.js';
import { repoRoot } from '../../helpers/golden.js';

/** facet's CLI as a user runs it; FACET_QUIET silences the runs' bars (the grid's own lines are always printed). */
export const facetArgs = (...args: string[]) => [join(repoRoot, 'bin/facet.js'), ...args];
const env = { ...process.env, FACET_QUIET: '1' };
export const facet = (...args: string[]) => spawnSync(process.execPath, facetArgs(...args), { encoding: 'utf8', env });
export const spawnFacet = (...args: string[]) => spawn(process.execPath, facetArgs(...args), { env });

/**
 * A small features dataset (n rows, 8 classes, noisy, so seeds and variants give different numbers)
 * and a grid file of facet train runs on it with the MLP: `variants` and `seeds` as given, `epochs` each.
 */
export function writeGrid(dir: string, o: { n: number; epochs: number; variants: { name: string; options?: Record<string, unknown> }[]; seeds: number[]; batchSize?: number; metrics?: string[] }): string {
  const r = new Random(5);
  const d = 8;
  writeFeatures(join(dir, 'f.npy'), { data: Float32Array.from({ length: o.n * d }, (_, i) => (Math.floor(i / d) % 8 === i % d ? 1.5 : 0) + r.normal()), rows: o.n, cols: d });
  writeLabels(join(dir, 'l.meta'), Int32Array.from({ length: o.n }, (_, i) => i % 8));
  const grid = {
    command: 'train',
    base: {
      dataset: `features:${join(dir, 'f.npy')}`, labels: join(dir, 'l.meta'), 'test-features': join(dir, 'f.npy'), 'test-labels': join(dir, 'l.meta'),
      epochs: o.epochs, 'batch-size': o.batchSize ?? 20, lr: 1e-2, scale: 16, 'embedding-size': 4, 'val-fraction': 0.25,
    },
    variants: o.variants, seeds: o.seeds, ...(o.metrics && { metrics: o.metrics }),
  };
  const path = join(dir, 'grid.json');
  writeFileSync(path, JSON.stringify(grid, null, 2));
  return path;
}
