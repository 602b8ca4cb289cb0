/**
 * Module hooks that let Node load @tensorflow/tfjs-core's ES-module build (dist/**.js), which uses
 * extensionless relative imports and sits in a package Node treats as CommonJS. Only files under
 * that folder are touched. Used once, to run dist/register_all_gradients.js (see tfjs-gradients.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const distMarker = '/@tensorflow/tfjs-core/dist/';

type Next<T> = (specifier: string, context?: unknown) => Promise<T>;

export async function resolve(specifier: string, context: { parentURL?: string }, next: Next<{ url: string }>) {
  const parent = context.parentURL ?? '';
  if (parent.includes(distMarker) && specifier.startsWith('.') && !specifier.endsWith('.js')) {
    const base = new URL(specifier, parent);
    const url = existsSync(fileURLToPath(base.href + '.js')) ? base.href + '.js' : base.href + '/index.js';
    return { url, shortCircuit: true, format: 'module' };
  }
  return next(specifier, context);
}

export async function load(url: string, context: unknown, next: Next<unknown>) {
  if (url.includes(distMarker) && url.endsWith('.js') && !url.endsWith('tf-core.node.js')) {
    return { format: 'module', source: readFileSync(fileURLToPath(url), 'utf8'), shortCircuit: true };
  }
  return next(url, context);
}
