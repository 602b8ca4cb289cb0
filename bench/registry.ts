/** Every benchmark, by name: `npm run bench -- <name>`. Each runs in its own process (peak memory is per run). */
import { benchSgemm } from './sgemm.js';

export const benchmarks: Record<string, () => Promise<void>> = {
  sgemm: benchSgemm,
};
