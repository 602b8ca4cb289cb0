import type { Clusterer, GraphClusterer } from './clusterer.js';
import { thresholdClusterer } from './threshold.js';
import { cdpClusterer } from './cdp.js';
import { chineseWhispersClusterer } from './chinese-whispers.js';
import { kMeansClusterer } from './kmeans.js';
import { infomapClusterer } from './infomap.js';

const registry = new Map<string, Clusterer>();

/** Adds a method: `facet cluster baseline --method <name>`, its help and the loop's comparisons reach it. */
export function registerClusterer(c: Clusterer): void {
  if (registry.has(c.name)) throw new Error(`clusterer "${c.name}" is already registered`);
  registry.set(c.name, c);
}

// one line per method
registerClusterer(thresholdClusterer);
registerClusterer(cdpClusterer);
registerClusterer(chineseWhispersClusterer);
registerClusterer(kMeansClusterer);
registerClusterer(infomapClusterer);

/** The registered methods' names, in registration order. */
export function clustererNames(): string[] {
  return [...registry.keys()];
}

/** The registered clusterers, in registration order. */
export function clusterers(): Clusterer[] {
  return [...registry.values()];
}

/** The method called `name`; an error listing the methods when there is none. */
export function clusterer(name: string): Clusterer {
  const c = registry.get(name);
  if (!c) throw new Error(`--method must be one of ${clustererNames().join(', ')}, got "${name}"`);
  return c;
}

/** The graph method called `name` (one with a threshold). */
export function graphClusterer(name: string): GraphClusterer {
  const c = clusterer(name);
  if (c.input !== 'graph') throw new Error(`${name} clusters features, not a graph: it has no threshold`);
  return c;
}
