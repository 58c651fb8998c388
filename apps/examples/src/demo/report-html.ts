import { readFileSync } from 'node:fs';
import { pyramidColours, upscaleNearest } from '../visual/pyramid-colours.js';
import { PREDICTOR_SCOPE } from './mosaic.js';
import { fileDataUri, pngDataUri } from './png.js';
import type { DemoResult, ImageResult } from './run.js';
import { BUDGET_EXPLAINED } from './table.js';

/** Level pictures are upscaled nearest-neighbour to about this many pixels a side. */
const PICTURE_PX = 168;

const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The demo's report as one self-contained HTML page: for each photo, the photo beside its pyramid
 * drawn like Figure 1 of the M3 paper (tokens → RGB by a PCA fitted on the full level, one basis
 * and one scaling for every level), with its token counts and choices; then the mosaic-QA
 * samples. Pictures are PNG data URIs, so the file works offline and can be mailed.
 * Cells carry `data-field` attributes so tests can read the numbers back.
 */
export function renderReport(r: DemoResult): string {
  const passed = r.backend.skipped.map((s) => s.name).join(' and ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Matryoshka demo report</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1c1c1c; max-width: 1280px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  h2 { font-size: 17px; margin: 28px 0 8px; }
  .muted { color: #666; }
  ul.backends { font-size: 12px; margin: 0; padding-left: 18px; }
  .row { display: flex; gap: 14px; align-items: flex-end; flex-wrap: wrap; }
  figure { margin: 0; text-align: center; }
  figcaption { font-size: 12px; color: #444; margin-top: 2px; }
  img.photo { height: ${PICTURE_PX}px; width: auto; border-radius: 3px; }
  img.level, img.sample { image-rendering: pixelated; width: ${PICTURE_PX}px; height: ${PICTURE_PX}px; }
  img.sample { width: 96px; height: 96px; image-rendering: auto; }
  figure.chosen img { outline: 3px solid #d9480f; outline-offset: 2px; }
  table { border-collapse: collapse; margin-top: 8px; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: right; }
  th:first-child, td:first-child, .text { text-align: left; }
  td.yes { color: #2b8a3e; } td.no { color: #c92a2a; }
</style>
</head>
<body>
<h1>Matryoshka demo: nested visual tokens (M3)</h1>
<p>Pooled on <b data-field="backend">${esc(r.backend.name)}</b>${r.backend.forced ? ' (forced with --backend)' : passed === '' ? ', the best available' : `, the best available (passed over ${esc(passed)})`};
encoder: ${esc(r.encoder.description)} on ${esc(r.encoder.executionProvider)}. Levels: ${esc(r.scales.join(', '))} tokens, mode ${esc(r.mode)}.</p>
<ul class="muted backends">${r.backend.statuses.map((b) => `<li>${esc(b.name)}: ${b.available ? 'available' : `unavailable: ${esc(b.reason ?? '')}`}</li>`).join('')}</ul>
<p>Each level is drawn one pixel per token: the 3 principal components of the photo's full-level tokens are red, green and blue,
and every level uses that same basis and scaling, so a coarse token shows the average of the fine tokens it replaced.
An orange frame marks the level the budget chose.</p>
${summaryTable(r)}
<p class="muted">${esc(BUDGET_EXPLAINED)}</p>
${r.images.map((im) => imageSection(r, im)).join('\n')}
${mosaicSection(r)}
</body>
</html>
`;
}

function summaryTable(r: DemoResult): string {
  const rows = r.images
    .map(
      (im) =>
        `<tr data-image="${esc(im.name)}"><td>${esc(im.name)}</td><td data-field="backend">${esc(r.backend.name)}</td>` +
        `<td data-field="levels">${im.levels.map((l) => l.tokens).join('/')}</td><td data-field="fixed">${im.levels[im.fixedLevel]!.tokens}</td>` +
        `<td data-field="budget">${im.levels[im.budgetLevel]!.tokens}</td><td>–</td><td data-field="encode-ms">${im.encodeMs.toFixed(1)}</td>` +
        `<td data-field="pyramid-ms">${im.pyramidMs.toFixed(2)}</td></tr>`,
    )
    .join('\n');
  return `<table id="summary">
<tr><th>image</th><th>backend</th><th>tokens per level</th><th>fixed ${r.scale}</th><th>budget ${r.budgeted.budget}</th><th>predicted p</th><th>encode ms</th><th>pyramid ms</th></tr>
${rows}
<tr><td>total</td><td></td><td></td><td data-field="fixed-total">${r.fixed.tokens}</td><td data-field="budget-total">${r.budgeted.tokens}</td><td></td><td></td><td></td></tr>
</table>`;
}

function imageSection(r: DemoResult, im: ImageResult): string {
  const colours = pyramidColours(im.pyramid.levels);
  const explained =
    colours.pca === null
      ? 'no variance to draw'
      : `3 components explain ${(100 * colours.pca.explained.reduce((s, v) => s + v, 0)).toFixed(0)}% of the variance`;
  const figures = colours.pictures
    .map((p, i) => {
      const l = im.levels[i]!;
      const factor = Math.max(1, Math.floor(PICTURE_PX / Math.max(p.rows, p.cols)));
      return `<figure class="${i === im.budgetLevel ? 'chosen' : ''}" data-tokens="${l.tokens}"><img class="level" alt="${l.tokens} tokens" src="${pngDataUri(upscaleNearest(p, factor))}"><figcaption>${l.tokens} tokens (${l.rows}×${l.cols})</figcaption></figure>`;
    })
    .join('');
  const rows = im.levels
    .map(
      (l, i) =>
        `<tr><td>${l.requested === l.tokens ? l.tokens : `${l.requested} → ${l.tokens}`}</td><td data-field="tokens">${l.tokens}</td><td>${l.rows}×${l.cols}</td>` +
        `<td data-field="coverage">${l.coverage.toFixed(3)}</td><td>${i === im.fixedLevel ? 'fixed' : ''}${i === im.fixedLevel && i === im.budgetLevel ? ', ' : ''}${i === im.budgetLevel ? 'budget' : ''}</td></tr>`,
    )
    .join('\n');
  return `<section class="image" data-image="${esc(im.name)}">
<h2>${esc(im.name)}</h2>
<div class="row"><figure><img class="photo" alt="${esc(im.name)}" src="${fileDataUri(im.bytes, im.format)}"><figcaption>the photo</figcaption></figure>${figures}</div>
<p class="muted">PCA of the ${im.levels[0]!.tokens} full-level tokens: ${explained}. Encoded in ${im.encodeMs.toFixed(1)} ms, pyramid on ${esc(r.backend.name)} in ${im.pyramidMs.toFixed(2)} ms.
Fixed: <b data-field="fixed">${im.levels[im.fixedLevel]!.tokens}</b> tokens; budget: <b data-field="budget">${im.levels[im.budgetLevel]!.tokens}</b> tokens; predicted p: – (no predictor for photos).</p>
<table><tr><th>level</th><th>tokens</th><th>grid</th><th>kept</th><th>chosen by</th></tr>
${rows}
</table>
</section>`;
}

function mosaicSection(r: DemoResult): string {
  const m = r.mosaic;
  const head = `<h2>Mosaic-QA samples with a learned scale predictor</h2>\n<p>${esc(PREDICTOR_SCOPE)}</p>`;
  if (m.kind === 'skipped') return `<section id="mosaic" data-state="skipped">${head}<p data-field="skipped">Skipped: ${esc(m.reason)}.</p></section>`;
  const cell = (v: boolean | undefined) => `<td class="${v === undefined ? '' : v ? 'yes' : 'no'}">${v === undefined ? '?' : v ? 'yes' : 'no'}</td>`;
  const rows = m.samples
    .map((s) => {
      const p = s.probabilities[m.scales.indexOf(s.chosen)]!;
      return (
        `<tr data-sample="${esc(s.sample.image)}"><td><img class="sample" alt="${esc(s.sample.image)}" src="${fileDataUri(new Uint8Array(readFileSync(s.path)), 'png')}"></td>` +
        `<td class="text">${esc(s.sample.question)}</td><td class="text">${esc(s.sample.type)}</td><td class="text">${esc(s.sample.answer)}</td>` +
        `<td>${s.probabilities.map((q) => q.toFixed(2)).join(' ')}</td><td data-field="chosen">${s.chosen}</td><td data-field="p">${p.toFixed(2)}</td>${cell(s.rightAtChosen)}` +
        `<td data-field="budget-scale">${s.budgetScale}</td>${cell(s.rightAtBudget)}</tr>`
      );
    })
    .join('\n');
  const n = m.samples.length;
  return `<section id="mosaic" data-state="ran">${head}
${m.note === '' ? '' : `<p class="muted">${esc(m.note)}</p>`}
<p>τ = ${m.tau}: the smallest scale whose predicted p ≥ τ. Budget: ${m.budget.budget} tokens spread to maximise the expected number of right answers.</p>
<table><tr><th>mosaic</th><th class="text">question</th><th class="text">type</th><th class="text">answer</th><th>p at ${m.scales.join('/')}</th><th>τ scale</th><th>p there</th><th>right there</th><th>budget scale</th><th>right there</th></tr>
${rows}
</table>
<p>threshold: ${m.threshold.tokens} tokens, ${m.threshold.right}/${n} right; budget: ${m.budget.tokens} tokens, ${m.budget.right}/${n} right${m.fixed === undefined ? '' : `; fixed ${m.fixed.scale}: ${m.fixed.tokens} tokens, ${m.fixed.right}/${n} right`}.</p>
</section>`;
}
