import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport, escapeHtml } from '../../src/report/html.js';
import { lineChart, sizeHistogram } from '../../src/report/plots.js';
import { checkPage, haveChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp.js';

test('plots render to standalone SVG with the data in them', async () => {
  const svg = await lineChart({
    title: 'loss', xLabel: 'epoch', yLabel: 'loss',
    series: [{ name: 'train', x: [1, 2, 3], y: [2.5, 1.25, 0.75] }, { name: 'val', x: [1, 2, 3], y: [3, 2, NaN] }],
  });
  assert.match(svg, /^<svg/);
  assert.match(svg, /epoch/);
  assert.match(svg, /train/);
  const hist = await sizeHistogram('sizes', [1, 1, 2, 3, 4, 9, 600]);
  // bins 1, 2–3, 4–7, 8–15, …, 512–1023 labelled on the axis
  assert.match(hist, /2–3/);
  assert.match(hist, /512–1023/);
});

test('a line chart of grouped series: one line per series, one colour per group (a grid\'s runs by variant)', async () => {
  const svg = await lineChart({ title: 'val', xLabel: 'epoch', yLabel: 'R@1', series: [
    { name: 'a seed 0', group: 'a', x: [1, 2], y: [1, 2] }, { name: 'a seed 1', group: 'a', x: [1, 2], y: [2, 1] }, { name: 'b seed 0', group: 'b', x: [1, 2], y: [3, 3] },
  ] });
  const colour = new Map([...svg.matchAll(/series: ([^"]+)" role="graphics-symbol" aria-roledescription="line mark" d="[^"]*" stroke="(#[0-9a-f]+)"/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual([...colour.keys()].sort(), ['a seed 0', 'a seed 1', 'b seed 0']);
  assert.equal(colour.get('a seed 0'), colour.get('a seed 1'));
  assert.notEqual(colour.get('a seed 0'), colour.get('b seed 0'));
});

test('report escapes text and refuses non-inline images', () => {
  assert.equal(escapeHtml('<a href="x">&</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  const html = renderReport({ title: 'run <1>', sections: [{ heading: 'h', blocks: [{ kind: 'table', columns: ['k', 'R@1'], rows: [['<b>', 0.123456], ['nan', NaN]] }] }] });
  assert.match(html, /run &lt;1&gt;/);
  assert.match(html, /0\.1235/);
  assert.match(html, /<td>NaN<\/td>/);
  assert.ok(!html.includes('<b>'));
  assert.throws(
    () => renderReport({ title: 't', sections: [{ heading: 'g', blocks: [{ kind: 'gallery', groups: [{ title: 'c', images: [{ src: 'http://x/y.png' }] }] }] }] }),
    /data: URIs/,
  );
});

test('report opens in headless chromium with its plots drawn and no console errors', { skip: !haveChromium() && 'chromium not installed (scripts/install-system-deps.sh installs it)' }, async () => {
  const dir = tempDir('facet-report-');
  const file = join(dir, 'report.html');
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  writeFileSync(file, renderReport({
    title: 'facet test run',
    sections: [
      { heading: 'Curves', blocks: [{ kind: 'plot', svg: await lineChart({ title: 'Recall@1', xLabel: 'epoch', yLabel: 'R@1', series: [{ name: 'val', x: [1, 2], y: [0.4, 0.5] }] }) }] },
      { heading: 'Clusters', blocks: [{ kind: 'plot', svg: await sizeHistogram('cluster sizes', [1, 2, 2, 5, 40]) }, { kind: 'gallery', groups: [{ title: 'cluster 0', images: [{ src: png, label: 'item 3' }] }] }] },
    ],
  }));
  const shot = join(dir, 'report.png');
  const seen = await checkPage(file, shot);
  assert.deepEqual(seen.consoleErrors, []);
  assert.equal(seen.title, 'facet test run');
  assert.equal(seen.svgCount, 2);
  for (const s of seen.svgSizes) assert.ok(s.width > 100 && s.height > 100, `plot drawn at ${s.width}×${s.height}`);
  assert.match(seen.text, /cluster 0/);
  assert.ok(statSync(shot).size > 5000, 'screenshot written');
});
