import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { repoRoot } from '../helpers/golden.js';

/**
 * The layers of src/, top to bottom (README "Layers"): a module may import its own folder and the
 * folders below it, never one above. src/index.ts (the public API) sits above them all.
 */
export const LAYERS = ['cli', 'pipeline', 'train', 'cluster', 'heads', 'models', 'nn', 'report', 'knn', 'eval', 'data', 'compute'];

const src = join(repoRoot, 'src');
const importRe = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^\s*import\s+['"](\.[^'"]+)['"]/gm;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** every relative import of every file under src/, as repo-relative .ts paths */
function imports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      targets.push(relative(src, normalize(join(dirname(file), spec))).replace(/\.js$/, '.ts'));
    }
    graph.set(relative(src, file), targets);
  }
  return graph;
}

const folderOf = (path: string) => (path.includes(sep) ? path.split(sep)[0] : '(root)');

/** `file → target` for every import into a folder above the file's own (or into src/index.ts) */
function upwardImports(graph: Map<string, string[]>): string[] {
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    if (from === '(root)') continue;
    for (const t of targets) {
      const to = folderOf(t);
      if (to === '(root)' || LAYERS.indexOf(to) < LAYERS.indexOf(from)) upward.push(`${file} → ${t}`);
    }
  }
  return upward;
}

/** every import cycle between files, as `a → b → … → a` */
function cycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') { found.push([...path.slice(path.indexOf(f)), f].join(' → ')); return; }
    state.set(f, 'open');
    for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  return found;
}

test('no module imports from a folder above its own, and every folder of src/ has its layer', () => {
  const graph = imports();
  const folders = new Set([...graph.keys()].map(folderOf).filter((f) => f !== '(root)'));
  assert.deepEqual([...folders].filter((f) => !LAYERS.includes(f)), [], 'folders without a layer (add them to LAYERS and the README)');
  assert.ok(graph.size > 100, `read ${graph.size} files`);
  assert.deepEqual(upwardImports(graph), []);
});

test('no import cycle between files', () => {
  assert.deepEqual(cycles(imports()), []);
});

test('the checks see an upward import and a cycle (so a pass above means something)', () => {
  const fake = new Map([['train/a.ts', ['cli/b.ts', 'data/c.ts']], ['cli/b.ts', ['train/a.ts']], ['data/c.ts', []]]);
  assert.deepEqual(upwardImports(fake), ['train/a.ts → cli/b.ts']);
  assert.deepEqual(cycles(fake), ['train/a.ts → cli/b.ts → train/a.ts']);
  assert.deepEqual(upwardImports(new Map([['models/m.ts', ['index.ts']]])), ['models/m.ts → index.ts'], 'the public API is above every layer');
});
