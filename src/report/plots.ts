import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite spec to an SVG string, offline (no canvas, no network). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** series of one group share a colour (the runs of one variant); given for all series or none */
  group?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logY?: boolean;
}

/** Lines of y against x, one colour per series, or per group of series (training curves, P/R against threshold, ROC, a grid's runs). */
export function lineChart(o: LineChartOptions): Promise<string> {
  const grouped = o.series.some((s) => s.group !== undefined);
  const values = o.series.flatMap((s) =>
    Array.from({ length: s.x.length }, (_, i) => ({ series: s.name, group: s.group, x: s.x[i], y: s.y[i] })).filter((v) =>
      Number.isFinite(v.x) && Number.isFinite(v.y),
    ),
  );
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: 480,
    height: 260,
    data: { values },
    mark: { type: 'line', point: values.length <= 60 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.xLabel },
      y: { field: 'y', type: 'quantitative', title: o.yLabel, scale: o.logY ? { type: 'log' } : { zero: false } },
      color: { field: grouped ? 'group' : 'series', type: 'nominal', title: null },
      ...(grouped && { detail: { field: 'series', type: 'nominal' } }),
    },
  });
}

export interface BarChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  bars: { label: string; value: number }[];
  logY?: boolean;
}

/** Bars with ordinal labels kept in the given order (histograms of cluster sizes, per-stage timings). */
export function barChart(o: BarChartOptions): Promise<string> {
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: 480,
    height: 260,
    data: { values: o.bars.map((b, order) => ({ ...b, order })) },
    mark: 'bar',
    encoding: {
      x: { field: 'label', type: 'ordinal', title: o.xLabel, sort: { field: 'order' } },
      y: {
        field: 'value', type: 'quantitative', title: o.yLabel,
        scale: o.logY ? { type: 'symlog' } : {},
        axis: { tickMinStep: Number.isInteger(o.bars[0]?.value ?? 0) ? 1 : undefined },
      },
    },
  });
}

/**
 * Histogram of integer sizes in power-of-two bins (1, 2–3, 4–7, …): cluster sizes span four orders
 * of magnitude, so linear bins would hide everything but the first.
 */
export function sizeHistogram(title: string, sizes: ArrayLike<number>, what = 'clusters'): Promise<string> {
  const counts: number[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i];
    if (s < 1) continue;
    const bin = Math.floor(Math.log2(s));
    while (counts.length <= bin) counts.push(0);
    counts[bin]++;
  }
  const bars = counts.map((value, b) => {
    const lo = 2 ** b;
    const hi = 2 ** (b + 1) - 1;
    return { label: lo === hi ? `${lo}` : `${lo}–${hi}`, value };
  });
  return barChart({ title, xLabel: 'size', yLabel: what, bars });
}
