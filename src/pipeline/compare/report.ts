import { join } from 'node:path';
import { writeFileAtomic } from '../../data/files/index.js';
import { renderReport, type Block, type Section } from '../../report/html.js';
import { barChart, lineChart, type Series } from '../../report/plots.js';
import { jsonLines } from '../../report/training-curves.js';
import type { Comparison, MetricTable } from './comparison.js';
import { GRID_COMMANDS } from './grid.js';

const num = (x: number | null): string => (x === null ? '—' : String(Number(x.toPrecision(4))));
const signed = (x: number | null): string => (x === null ? '—' : `${x > 0 ? '+' : ''}${num(x)}`);

/** The grid's report.html: per metric the mean ± sd table with the paired differences, the runs' validation curves, wall time per run. */
export async function writeComparisonReport(out: string, c: Comparison): Promise<string> {
  const html = renderReport({
    title: `facet compare: ${c.grid.variants.map((v) => v.name).join(' vs ')}`,
    subtitle: `facet ${c.grid.command}, ${c.grid.variants.length} variants × ${c.grid.seeds.length} seeds; ${c.done} of ${c.total} runs finished`,
    sections: [
      { heading: 'Grid', blocks: [{ kind: 'keyValue', rows: [
        ['grid file', c.grid.file], ['command', `facet ${c.grid.command}`], ['seeds', c.grid.seeds.join(', ')],
        ['base options', JSON.stringify(c.grid.base)],
        ...c.grid.variants.map((v, i): [string, string] => [`variant ${v.name}${i === 0 ? ' (reference)' : ''}`, JSON.stringify(v.options)]),
        ['runs finished', `${c.done} of ${c.total}`],
      ] }] },
      ...c.metrics.map((m) => metricSection(m, c)),
      await curvesSection(out, c),
      await runsSection(c),
    ],
  });
  const path = join(out, 'report.html');
  writeFileAtomic(path, html);
  return path;
}

function metricSection(m: MetricTable, c: Comparison): Section {
  const pct = `${Math.round(100 * c.level)} %`;
  const reference = c.grid.variants[0].name;
  const rows = m.variants.map((v) => [
    v.variant, v.n, v.n === 0 ? '—' : `${num(v.mean)} ± ${num(v.sd)}`, ...v.perSeed.map((s) => s.value),
    v.difference ? signed(v.difference.mean) : 'reference',
    v.difference?.interval ? `[${signed(v.difference.interval[0])}, ${signed(v.difference.interval[1])}]` : '—',
    v.difference ? v.difference.n : null,
  ]);
  const blocks: Block[] = [
    { kind: 'table', columns: ['variant', 'seeds', 'mean ± sd', ...c.grid.seeds.map((s) => `seed ${s}`), `Δ vs ${reference}`, `${pct} interval of Δ`, 'paired seeds'], rows },
    { kind: 'notice', tone: 'info', text: `sd: sample standard deviation over seeds (n − 1). Δ: the variant minus ${reference} on the same seed, averaged over the seeds both finished; its ${pct} interval is mean Δ ± t(n − 1) · sd(Δ) / √n (Student t, paired over seeds). With fewer than two paired seeds there is no sd and no interval (—), not a zero.` },
  ];
  const oneSeed = m.variants.filter((v) => v.difference && v.difference.n < 2).map((v) => v.variant);
  if (oneSeed.length) blocks.push({ kind: 'notice', tone: 'bad', text: `No interval for ${oneSeed.join(', ')}: fewer than two seeds pair with ${reference}.` });
  if (m.missing.length) blocks.push({ kind: 'notice', tone: 'bad', text: `Finished runs without "${m.metric}" in their ${GRID_COMMANDS[c.grid.command].resultFile}: ${m.missing.join(', ')}.` });
  return { heading: `${m.metric}: mean ± sd over seeds, paired ${pct} intervals`, blocks };
}

/** Validation Recall@1 and MAP@R per epoch of every run (started ones too), one colour per variant. */
async function curvesSection(out: string, c: Comparison): Promise<Section> {
  const file = GRID_COMMANDS[c.grid.command].curvesFile;
  const epochs = c.runs.map((r) => ({ r, rows: jsonLines(join(out, r.folder, file)).filter((row) => row.kind === 'epoch' && row.val) }));
  const blocks: Block[] = [];
  for (const [key, label] of [['recall@1', 'validation Recall@1'], ['mapAtR', 'validation MAP@R']]) {
    const series: Series[] = epochs.filter((e) => e.rows.length).map(({ r, rows }) => ({
      name: `${r.variant} seed ${r.seed}`, group: r.variant,
      x: rows.map((row) => row.epoch as number), y: rows.map((row) => (row.val as Record<string, number>)[key]),
    }));
    if (series.length) blocks.push({ kind: 'plot', svg: await lineChart({ title: `${label} per epoch, every run`, xLabel: 'epoch', yLabel: 'percent', series }) });
  }
  if (!blocks.length) blocks.push({ kind: 'notice', tone: 'info', text: `No run has validation rows in its ${file} yet (or the runs have no validation split).` });
  return { heading: `Validation curves (${file}, colour by variant)`, blocks };
}

async function runsSection(c: Comparison): Promise<Section> {
  const timed = c.runs.filter((r) => r.wallSeconds !== null);
  return { heading: 'Runs', blocks: [
    { kind: 'table', columns: ['variant', 'seed', 'status', 'wall seconds', 'folder'], rows: c.runs.map((r) => [r.variant, r.seed, r.exitCode === undefined ? r.status : `${r.status} (exit ${r.exitCode})`, r.wallSeconds, r.folder]) },
    ...(timed.length ? [{ kind: 'plot' as const, svg: await barChart({ title: 'Wall time per run', xLabel: 'run', yLabel: 'seconds', bars: timed.map((r) => ({ label: `${r.variant} seed ${r.seed}`, value: r.wallSeconds! })) }) }] : []),
    { kind: 'notice', tone: 'info', text: 'Wall seconds: the time the grid spent running the run, summed over re-entries; — for a run it found already finished.' },
  ] };
}
