/**
 * A run's report.html: one self-contained file (inline CSS, inline SVG plots, inline thumbnails),
 * so it opens anywhere with no network. Built from typed blocks so every command reports alike.
 */
export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'keyValue'; rows: [string, string | number | boolean][] }
  | { kind: 'table'; caption?: string; columns: string[]; rows: (string | number | null)[][] }
  | { kind: 'plot'; svg: string; caption?: string }
  | { kind: 'gallery'; caption?: string; groups: { title: string; images: { src: string; label?: string }[] }[] }
  | { kind: 'notice'; tone: 'good' | 'bad' | 'info'; text: string };

export interface Section {
  heading: string;
  blocks: Block[];
}

export interface Report {
  title: string;
  subtitle?: string;
  sections: Section[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function formatCell(v: string | number | null | boolean): string {
  if (v === null) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return 'NaN';
    return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  }
  return escapeHtml(String(v));
}

/** Only data: URIs of images may be inlined; anything else would need the network or the disk. */
function safeImageSrc(src: string): string {
  if (!/^data:image\/(png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(src)) {
    throw new Error('report gallery images must be base64 data: URIs (png, jpeg, webp, svg)');
  }
  return src;
}

function renderBlock(b: Block): string {
  switch (b.kind) {
    case 'text':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'notice':
      return `<p class="notice ${b.tone}">${escapeHtml(b.text)}</p>`;
    case 'keyValue':
      return `<table class="kv">${b.rows
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${formatCell(v)}</td></tr>`)
        .join('')}</table>`;
    case 'table':
      return `<table class="grid">${b.caption ? `<caption>${escapeHtml(b.caption)}</caption>` : ''}<thead><tr>${b.columns
        .map((c) => `<th>${escapeHtml(c)}</th>`)
        .join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${formatCell(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'plot':
      if (!b.svg.trimStart().startsWith('<svg')) throw new Error('report plot must be an SVG document');
      return `<figure class="plot">${b.svg}${b.caption ? `<figcaption>${escapeHtml(b.caption)}</figcaption>` : ''}</figure>`;
    case 'gallery':
      return `<div class="gallery">${b.caption ? `<p>${escapeHtml(b.caption)}</p>` : ''}${b.groups
        .map(
          (g) =>
            `<div class="group"><h4>${escapeHtml(g.title)}</h4>${g.images
              .map(
                (im) =>
                  `<img src="${safeImageSrc(im.src)}" alt="${escapeHtml(im.label ?? '')}" title="${escapeHtml(im.label ?? '')}">`,
              )
              .join('')}</div>`,
        )
        .join('')}</div>`;
  }
}

const style = `
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem}.subtitle{color:#666;margin-top:0}
section{border-top:1px solid #ddd;margin-top:1.5rem;padding-top:.5rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:right}
table.kv th{text-align:left;background:#f6f6f6}caption{text-align:left;font-weight:600;padding:.3rem 0}
figure.plot{display:inline-block;margin:.5rem 1rem .5rem 0}figcaption{color:#555;font-size:.9rem}
.notice{padding:.5rem .8rem;border-radius:4px}.notice.good{background:#e6f4ea}.notice.bad{background:#fde8e8}.notice.info{background:#eef3fb}
.gallery .group{margin:.4rem 0}.gallery h4{margin:.2rem 0;font-size:.9rem}.gallery img{width:56px;height:56px;image-rendering:pixelated;margin:1px;border:1px solid #ccc}
`;

export function renderReport(r: Report): string {
  const body = r.sections
    .map((s) => `<section><h2>${escapeHtml(s.heading)}</h2>${s.blocks.map(renderBlock).join('\n')}</section>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(r.title)}</title><style>${style}</style></head>
<body><h1>${escapeHtml(r.title)}</h1>${r.subtitle ? `<p class="subtitle">${escapeHtml(r.subtitle)}</p>` : ''}
${body}
</body></html>
`;
}
