import { arcFace } from './arcface.js';
import { cosFace } from './cosface.js';
import type { MarginDefinition } from './margin.js';
import { subcenterArcFace } from './subcenter-arcface.js';

const registry = new Map<string, MarginDefinition>();

/**
 * Loss names kept for configs and checkpoints written before the queue was an option of every margin:
 * `broadface` is ArcFace with the BroadFace queue always on (even of size 0, where its loss is
 * batch + broad, twice ArcFace's).
 */
const lossAliases: Record<string, { margin: string; queue: true }> = { broadface: { margin: 'arcface', queue: true } };

/** Adds a margin head under `name` (then `--loss NAME`); a new margin is one file and one line below. */
export function registerMargin(name: string, def: MarginDefinition): void {
  if (registry.has(name) || name in lossAliases) throw new Error(`margin "${name}" is registered already`);
  registry.set(name, def);
}

registerMargin('arcface', arcFace);
registerMargin('cosface', cosFace);
registerMargin('subcenter-arcface', subcenterArcFace);

/** The registered margins' names, in registration order. */
export function marginNames(): string[] {
  return [...registry.keys()];
}

export function marginNamed(name: string): MarginDefinition {
  const def = registry.get(name);
  if (!def) throw new Error(`unknown margin "${name}": one of ${marginNames().join(', ')}`);
  return def;
}

/** `--loss` resolved: the margin head, and whether the BroadFace queue is on whatever --queue-size says. */
export function resolveLoss(loss: string): { margin: string; queue: boolean } {
  const alias = lossAliases[loss];
  if (alias) return alias;
  marginNamed(loss);
  return { margin: loss, queue: false };
}

/** Every accepted `--loss` name: the margins, then the aliases. */
export function lossNames(): string[] {
  return [...marginNames(), ...Object.keys(lossAliases)];
}
