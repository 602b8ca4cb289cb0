import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readLabels, writeFeatures, writeLabels } from '../../src/data/files/index.js';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { repoRoot } from '../helpers/golden.js';
import { SEMI_STAGES } from '../../src/pipeline/semi/options.js';
import { checkPage, haveChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('facet-semi-');
const faces = synthFaces({ ids: 90, images: 2200, dim: 24, seed: 3 });
writeFeatures(join(dir, 'f.npy'), faces.features);
writeLabels(join(dir, 'l.meta'), faces.labels);
const out = join(dir, 'run');
const semiArgs = ['--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta'), '--labelled-fraction', '0.3', '--test-fraction', '0.3',
  '--hidden', '64', '--embedding-size', '16', '--epochs', '4', '--batch-size', '64', '--lr', '3e-3', '--knn-k', '21', '--naan-k-hops', '10,5',
  '--naan-sample-hops', '10', '--naan-epochs', '1', '--naan-max-steps', '30', '--predict-k-hops', '10,5', '--scorer', 'cosine'];
/** `args` with the value of `flag` replaced */
const withOption = (args: string[], flag: string, value: string) => args.map((a, i) => (args[i - 1] === flag ? value : a));
const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });
const res = facet('semi', ...semiArgs, '--out', out);
const json = (name: string) => JSON.parse(readFileSync(join(out, name), 'utf8'));

test('facet semi runs every stage into the run folder and prints the numbers the report shows', () => {
  assert.equal(res.status, 0, res.stderr);
  for (const f of ['config.json', 'split.json', 'supervised/checkpoint.json', 'embeddings/labelled.npy', 'embeddings/unlabelled_knn.npz',
    'pseudo/labels.txt', 'pseudo/labels_clean.txt', 'pseudo/analysis.json', 'retrain/checkpoint.json', 'evaluation.json', 'summary.json', 'report.html']) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const split = json('split.json');
  // class-disjoint: no labelled, unlabelled or test row shares a class with another part
  const cls = (rows: number[]) => new Set(rows.map((r) => faces.labels[r]));
  const [l, u, t] = [cls(split.labelledRows), cls(split.unlabelledRows), cls(split.testRows)];
  for (const c of l) assert.ok(!u.has(c) && !t.has(c));
  for (const c of u) assert.ok(!t.has(c));
  assert.equal(split.labelledClasses, Math.round(0.3 * (90 - 27)));
  const ev = json('evaluation.json');
  const printed = /supervised only ([\d.]+)% → after pseudo-labelling ([\d.]+)%/.exec(res.stdout)!;
  assert.equal(Number(printed[1]), Number(ev.before['recall@1'].toFixed(2)));
  assert.equal(Number(printed[2]), Number(ev.after['recall@1'].toFixed(2)));
  const pseudoF = Number(/BCubed F ([\d.]+)/.exec(res.stdout)![1]);
  // every image counted (−1 and singletons as their own clusters), learn-to-cluster's protocol
  assert.equal(pseudoF, Number(json('pseudo/report.json').metrics.all.bcubed.fscore.toFixed(4)));
  assert.match(res.stdout, /pseudo-labels by cosine CDP propagation: /);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.ok(html.includes(`${ev.before['recall@1'].toFixed(2)}% supervised only → ${ev.after['recall@1'].toFixed(2)}%`));
  assert.ok(html.includes(`MAP@R ${ev.before.mapAtR.toFixed(2)} → ${ev.after.mapAtR.toFixed(2)}`), 'MAP@R next to Recall@1 in the headline');
  assert.ok(html.includes(`BCubed F ${pseudoF.toFixed(4)}`));
  // the pseudo-labels are real clusters of the unlabelled pool, better than chance against the hidden classes
  assert.ok(pseudoF > 0.15, `pseudo-label BCubed F ${pseudoF}`);
  assert.ok(ev.before['recall@1'] > 20, `supervised Recall@1 ${ev.before['recall@1']}`);
  // the registry's Infomap is among the baselines the report compares
  const infomapRow = json('pseudo/analysis.json').methods.find((m: { method: string }) => m.method === 'cosine Infomap (threshold 0.58)');
  assert.ok(infomapRow && infomapRow.clusters > 0 && infomapRow.bcubedF > 0, JSON.stringify(infomapRow));
  assert.ok(html.includes('cosine Infomap (threshold 0.58)'));
  // validation curves with 8+ points per model (--val-every from the epochs when not given), the two models against the same steps
  const valSteps = (f: string) => readFileSync(join(out, f), 'utf8').split('\n').filter(Boolean).map((x) => JSON.parse(x)).filter((r) => r.val).map((r) => r.step as number);
  const [before, after] = [valSteps('supervised/metrics.jsonl'), valSteps('retrain/metrics.jsonl')];
  assert.ok(before.length >= 8 && after.length >= 8, `${before.length} and ${after.length} validation points`);
  for (const [name, steps] of [['supervised', before], ['retrained', after]] as const) {
    const line = new RegExp(`series: ${name}" role="graphics-symbol" aria-roledescription="line mark" d="([^"]*)"`).exec(html);
    assert.ok(line, `${name}: a line in the comparison chart`);
    assert.equal(line[1].split('L').length, steps.length, `${name}: one vertex per validation`);
  }
  assert.ok(html.includes('Validation MAP@R against the training step: supervised vs retrained'));
});

test('facet semi records its options under their flag names in config.json, and --config RUN/config.json reproduces the run', () => {
  assert.equal(res.status, 0, res.stderr);
  const config = json('config.json');
  assert.equal(config.dataset, `features:${join(dir, 'f.npy')}`);
  assert.equal(config['batch-size'], 64);
  assert.deepEqual(config['naan-k-hops'], [10, 5]);
  // the training flags are facet train's, with the same defaults
  assert.equal(config.scale, 32);
  assert.equal(config['val-fraction'], 0.1);
  assert.ok(!('out' in config) && !('train' in config));
  const again = join(dir, 'from-config');
  const r = facet('semi', '--config', join(out, 'config.json'), '--out', again);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(again, 'evaluation.json'), 'utf8')), json('evaluation.json'));
});

test('facet semi into a finished run folder is refused (no stage redone); --resume of a finished loop only redoes the report', () => {
  const again = facet('semi', ...semiArgs, '--out', out);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /--out .*run holds another run \(config\.json, report\.html, summary\.json\): continue it with --resume, replace it with --overwrite/);
  const splitMtime = statSync(join(out, 'split.json')).mtimeMs;
  const resumed = facet('semi', ...semiArgs, '--out', out, '--resume');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(resumed.stderr, 'facet semi: report…\n');
  assert.equal(statSync(join(out, 'split.json')).mtimeMs, splitMtime);
});

test('the loop report opens in chromium with its plots drawn and no console errors', { skip: !haveChromium() && 'chromium not installed' }, async () => {
  const seen = await checkPage(join(out, 'report.html'), join(out, 'report.png'));
  assert.deepEqual(seen.consoleErrors, []);
  assert.ok(seen.svgCount >= 8, `${seen.svgCount} plots`);
  for (const s of seen.svgSizes) assert.ok(s.width > 100 && s.height > 100);
  assert.match(seen.text, /Retrieval on held-out classes/);
  assert.match(seen.text, /Precision and recall against the edge-score threshold/);
  assert.ok(statSync(join(out, 'report.png')).size > 5000);
});

test('--from re-enters at every stage: earlier outputs are kept, the same inputs give the same result, swapped pseudo-labels are used', () => {
  const before = json('evaluation.json');
  for (const stage of SEMI_STAGES.slice(1)) {
    const splitMtime = statSync(join(out, 'split.json')).mtimeMs;
    const again = facet('semi', ...semiArgs, '--out', out, '--from', stage);
    assert.equal(again.status, 0, `${stage}: ${again.stderr}`);
    assert.equal(statSync(join(out, 'split.json')).mtimeMs, splitMtime, `--from ${stage} left the split alone`);
    assert.deepEqual(json('evaluation.json'), before, `--from ${stage} reproduces the evaluation`);
  }
  const supervisedCk = statSync(join(out, 'supervised/checkpoint.json')).mtimeMs;
  // a user's own pseudo-labels: the hidden truth itself, swapped in at the retrain stage
  const truth = readLabels(join(out, 'embeddings/unlabelled_truth.txt'));
  writeFileSync(join(out, 'pseudo/labels_clean.txt'), Array.from(truth).join('\n') + '\n');
  const swapped = facet('semi', ...semiArgs, '--out', out, '--from', 'retrain');
  assert.equal(swapped.status, 0, swapped.stderr);
  assert.equal(statSync(join(out, 'supervised/checkpoint.json')).mtimeMs, supervisedCk);
  const steps = readFileSync(join(out, 'retrain/metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((x) => JSON.parse(x)).filter((r) => r.kind === 'step');
  assert.equal(steps[0].headLosses.length, 2);
  assert.notDeepEqual(json('evaluation.json').after, before.after);
});

test('facet semi: a stage whose inputs are missing names the stage to run; bad options are refused', () => {
  const fresh = join(dir, 'fresh');
  const r = facet('semi', ...semiArgs, '--out', fresh, '--from', 'knn');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /embeddings\/labelled\.npy is missing: it is written by stage "embed" \(run with --from embed\)/);
  const bad = facet('semi', ...semiArgs, '--out', fresh, '--labelled-fraction', '0.001');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--labelled-fraction 0.001: 63 training classes give 0 labelled/);
  const queue = facet('semi', ...semiArgs, '--out', fresh, '--loss', 'broadface', '--queue-size', '-1');
  assert.notEqual(queue.status, 0);
  assert.match(queue.stderr, /--queue-size must be a non-negative integer, got "-1"/);
  const seed = facet('semi', ...semiArgs, '--out', fresh, '--seed', '1.5');
  assert.match(seed.stderr, /--seed must be an integer, got "1.5"/);
  assert.match(facet('semi', ...semiArgs, '--out', fresh, '--naan-train-on', 'nowhere').stderr, /--naan-train-on: one of labelled, holdout, got "nowhere"/);
  assert.match(facet('semi', ...semiArgs, '--out', fresh, '--naan-train-on', 'holdout', '--val-fraction', '0').stderr, /--naan-train-on holdout trains NAAN on held-out validation classes: --val-fraction must be > 0/);
  assert.match(facet('semi', ...semiArgs, '--out', fresh, '--naan-check-every', '0').stderr, /--naan-check-every must be a positive integer, got "0"/);
  assert.ok(!existsSync(fresh), 'a refused run leaves no folder');
  // 19 labelled classes at --val-fraction 0.1 hold out one class: nothing for NAAN to learn from and another to judge
  const one = facet('semi', ...semiArgs, '--out', join(dir, 'one-held-out'), '--naan-train-on', 'holdout', '--scorer', 'naan');
  assert.equal(one.status, 1);
  assert.match(one.stderr, /--naan-train-on holdout: 1 held-out class, need 2 or more \(raise --val-fraction\)/);
  const stage = facet('semi', ...semiArgs, '--out', fresh, '--from', 'everything');
  assert.notEqual(stage.status, 0);
  assert.match(stage.stderr, /--from: one of split, supervised/);
});

test('facet semi with NAAN: trains on the labelled graph (inputs scaled by √d), scores every unlabelled edge; too small a run to generalise says what to change', () => {
  const naanOut = join(dir, 'naan');
  const args = withOption(semiArgs, '--scorer', 'naan');
  const r = facet('semi', ...args, '--naan-batch-size', '32', '--naan-epochs', '2', '--out', naanOut);
  const ck = JSON.parse(readFileSync(join(naanOut, 'naan.json'), 'utf8'));
  assert.equal(ck.config.inputScale, 4);
  assert.equal(ck.config.dim, 16);
  const report = JSON.parse(readFileSync(join(naanOut, 'pseudo/report.json'), 'utf8'));
  assert.equal(report.scorer, 'naan');
  assert.equal(report.numNodes, json('split.json').unlabelledRows.length);
  // 19 labelled identities are too few for NAAN's pair classifier to transfer to unseen ones: its
  // scores stay near the prior, below the 0.8 start threshold, and the loop stops with the remedies
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /0 cluster\(s\) of 2 or more images, nothing to retrain on .*train NAAN longer \(--naan-epochs, --naan-max-steps\), lower --th, or use --scorer cosine/);
});

test('facet semi --scorer auto: every candidate tuned on held-out classes unseen by the embedder and NAAN; the best on them labels the pool', () => {
  const autoOut = join(dir, 'auto');
  // tighter identities than the other tests': candidates that differ, and pseudo-clusters to retrain on
  const easy = synthFaces({ ids: 90, images: 2200, dim: 24, seed: 3, spread: [0.6, 1.0] });
  writeFeatures(join(dir, 'easy.npy'), easy.features);
  const args = withOption(withOption(withOption(semiArgs, '--scorer', 'auto'), '--naan-max-steps', '20'), '--dataset', `features:${join(dir, 'easy.npy')}`);
  const r = facet('semi', ...args, '--val-fraction', '0.3', '--naan-check-every', '5', '--out', autoOut);
  assert.equal(r.status, 0, r.stderr);
  const read = (name: string) => JSON.parse(readFileSync(join(autoOut, name), 'utf8'));
  // NAAN trains on the embedder's classes; the held-out classes are in neither
  const trained = new Set(readLabels(join(autoOut, 'embeddings/labelled_labels.txt')));
  const held = readLabels(join(autoOut, 'embeddings/holdout_labels.txt'));
  assert.equal(new Set(held).size, Math.floor(0.3 * read('split.json').labelledClasses));
  for (const y of held) assert.ok(!trained.has(y), `held-out class ${y} was trained on`);
  // NAAN's held-out edge AUC every 5 of its 20 steps, the training ending on the best
  const checks = read('naan_train.json').heldOutAuc;
  assert.deepEqual(checks.map((k: { step: number }) => k.step), [5, 10, 15, 20].slice(0, checks.length));
  assert.ok(checks.length >= 1 && checks.every((k: { score: number }) => k.score > 0 && k.score < 1), JSON.stringify(checks));
  const sel = read('pseudo/selection.json');
  assert.deepEqual(sel.heldOut, { classes: new Set(held).size, images: held.length });
  const names = sel.candidates.map((k: { name: string }) => k.name);
  for (const scorer of ['cosine', 'NAAN']) for (const m of ['propagation', 'chinese-whispers', 'infomap', 'threshold']) assert.ok(names.includes(`${scorer} + ${m}`), `${scorer} + ${m}`);
  assert.ok(names.includes('cosine + infomap-directed'));
  assert.deepEqual(sel.scorers.map((k: { name: string }) => k.name), ['cosine', 'NAAN']);
  for (const k of sel.scorers) assert.ok(k.heldOutAuc >= 0 && k.heldOutAuc <= 1 && k.poolAuc >= 0 && k.poolAuc <= 1 && k.edges > 0, JSON.stringify(k));
  // cosine ranks the edges of tight identities well; NAAN after 20 steps need not
  assert.ok(sel.scorers[0].heldOutAuc > 0.7 && sel.scorers[0].poolAuc > 0.7, JSON.stringify(sel.scorers[0]));

  const bestHeldOut = Math.max(...sel.candidates.map((k: { heldOut: { bcubed: { fscore: number } } }) => k.heldOut.bcubed.fscore));
  const winner = sel.candidates.find((k: { name: string }) => k.name === sel.winner);
  assert.equal(winner.heldOut.bcubed.fscore, bestHeldOut);
  // the pool's labels are the winner's: its row in the analysis is the one used, and the report's F is its F
  const report = read('pseudo/report.json');
  assert.equal(report.labeller, sel.winner);
  assert.equal(report.numNodes, read('split.json').unlabelledRows.length);
  const used = read('pseudo/analysis.json').methods.find((m: { method: string }) => m.method.endsWith('(used)'));
  assert.equal(used.method, `${sel.winner} (used)`);
  assert.equal(used.bcubedF, report.metrics.all.bcubed.fscore);
  assert.match(r.stdout, new RegExp(`pseudo-labels by ${sel.winner.replace('+', '\\+')}: BCubed F ${report.metrics.all.bcubed.fscore.toFixed(4)}`));
  const html = readFileSync(join(autoOut, 'report.html'), 'utf8');
  assert.ok(html.includes(`${sel.winner} had the best held-out BCubed F and labelled the pool`));
  assert.ok(html.includes('Held-out BCubed F against the edge threshold'));
  assert.ok(html.includes('held-out edge AUC'));
  assert.ok(html.includes('NAAN&#39;s held-out edge AUC during its training') || html.includes("NAAN's held-out edge AUC during its training"));
  const bad = facet('semi', ...withOption(semiArgs, '--scorer', 'auto'), '--val-fraction', '0', '--out', join(dir, 'auto-bad'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--scorer auto chooses the pseudo-labeller on the held-out validation classes: --val-fraction must be > 0/);
  assert.match(facet('semi', ...withOption(semiArgs, '--scorer', 'best'), '--out', join(dir, 'auto-bad')).stderr, /--scorer: one of auto, naan, cosine, got "best"/);
});

test('the --scorer auto report opens in chromium: the candidates, the edge AUCs, the tuning curves drawn, no console errors', { skip: !haveChromium() && 'chromium not installed' }, async () => {
  const report = join(dir, 'auto', 'report.html');
  assert.ok(existsSync(report), 'made by the --scorer auto test above');
  const seen = await checkPage(report, join(dir, 'auto', 'report.png'));
  assert.deepEqual(seen.consoleErrors, []);
  for (const s of seen.svgSizes) assert.ok(s.width > 100 && s.height > 100);
  assert.match(seen.text, /--scorer auto: \d+ candidates tuned and judged on \d+ held-out labelled classes/);
  assert.match(seen.text, /Held-out BCubed F against the edge threshold/);
  assert.match(seen.text, /NAAN's held-out edge AUC during its training/);
});

test('Ctrl-C in a training stage stops the loop (exit 130) with its checkpoint saved; --resume alone continues at that stage and ends where an uninterrupted run ends', async () => {
  const { spawn } = await import('node:child_process');
  // batches of 8 for 12 epochs: long enough a supervised stage to interrupt
  const args = withOption(withOption(semiArgs, '--batch-size', '8'), '--epochs', '12');
  const whole = join(dir, 'whole');
  const ref = facet('semi', ...args, '--out', whole);
  assert.equal(ref.status, 0, ref.stderr);
  const cut = join(dir, 'cut');
  const child = spawn(process.execPath, [join(repoRoot, 'bin/facet.js'), 'semi', ...args, '--out', cut], { env: { ...process.env, FACET_QUIET: '1' } });
  let stderr = '';
  child.stderr.on('data', (b) => { stderr += b; });
  const metrics = join(cut, 'supervised', 'metrics.jsonl');
  while (!(existsSync(metrics) && readFileSync(metrics, 'utf8').length > 0)) await new Promise((res) => setTimeout(res, 20));
  child.kill('SIGINT');
  const code = await new Promise((res) => child.on('exit', res));
  assert.equal(code, 130);
  assert.match(stderr, /stage supervised interrupted; its checkpoint is in .*: continue with --resume/);
  assert.ok(!existsSync(join(cut, 'embeddings')), 'no stage ran on the partial model');
  const splitMtime = statSync(join(cut, 'split.json')).mtimeMs;
  const resumed = facet('semi', ...args, '--out', cut, '--resume');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /^facet semi: supervised…/, 'the finished split is not redone');
  assert.equal(statSync(join(cut, 'split.json')).mtimeMs, splitMtime);
  assert.deepEqual(JSON.parse(readFileSync(join(cut, 'stages.json'), 'utf8')).finished, SEMI_STAGES);
  const evalOf = (d: string) => JSON.parse(readFileSync(join(d, 'evaluation.json'), 'utf8'));
  assert.deepEqual(evalOf(cut), evalOf(whole));
});
