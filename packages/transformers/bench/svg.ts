import type { PointResult } from './measure.js';
import type { ShapeResult } from './report.js';

const W = 420;
const H = 300;
const M = { left: 56, right: 12, top: 36, bottom: 44 };
const SERIES: [keyof PointResult, string, string][] = [
  ['ttftMs', 'time to first token', '#1f77b4'],
  ['prefillMs', 'decoder prefill', '#d62728'],
  ['encodeMs', 'vision encoder', '#2ca02c'],
  ['decodeMsPerToken', 'decode / token', '#9467bd'],
  ['poolMs', 'pooling', '#ff7f0e'],
];

const f = (v: number): string => v.toFixed(1);
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One panel per shape (single-image points): cost in ms against visual tokens, both log scale. */
export function renderCostPlot(shapes: readonly ShapeResult[], title: string): string {
  const panels = shapes
    .map((s) => ({ shape: s, points: s.points.filter((p) => p.images === 1).sort((a, b) => a.visualTokens - b.visualTokens) }))
    .filter((p) => p.points.length > 0);
  const width = Math.max(panels.length * W, M.left + SERIES.length * 150);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 40}" viewBox="0 0 ${width} ${H + 40}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${H + 40}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  panels.forEach(({ shape, points }, i) => {
    const ox = i * W;
    const xs = points.map((p) => p.visualTokens);
    const ys = points.flatMap((p) => SERIES.map(([k]) => p[k] as number)).filter((v) => v > 0);
    const x0 = Math.log10(Math.min(...xs));
    const x1 = Math.max(Math.log10(Math.max(...xs)), x0 + 1);
    const y0 = Math.floor(Math.log10(Math.min(...ys)));
    const y1 = Math.max(Math.ceil(Math.log10(Math.max(...ys))), y0 + 1);
    const x = (t: number): number => ox + M.left + ((Math.log10(t) - x0) / (x1 - x0)) * (W - M.left - M.right);
    const y = (v: number): number => 20 + H - M.bottom - ((Math.log10(Math.max(v, 10 ** y0)) - y0) / (y1 - y0)) * (H - M.top - M.bottom);
    out.push(`<text x="${ox + W / 2}" y="${20 + M.top - 10}" text-anchor="middle" font-size="12">${esc(shape.title)}</text>`);
    out.push(`<path d="M${ox + M.left},${20 + M.top} V${20 + H - M.bottom} H${ox + W - M.right}" stroke="#999" fill="none"/>`);
    for (let e = y0; e <= y1; e++) {
      out.push(`<line x1="${ox + M.left}" x2="${ox + W - M.right}" y1="${f(y(10 ** e))}" y2="${f(y(10 ** e))}" stroke="#eee"/>`);
      out.push(
        `<text x="${ox + M.left - 4}" y="${f(y(10 ** e))}" text-anchor="end" dominant-baseline="middle">${10 ** e >= 1000 ? `${10 ** (e - 3)} s` : `${10 ** e} ms`}</text>`,
      );
    }
    for (const t of xs) out.push(`<text x="${f(x(t))}" y="${20 + H - M.bottom + 14}" text-anchor="middle">${t}</text>`);
    out.push(`<text x="${ox + (M.left + W - M.right) / 2}" y="${20 + H - 12}" text-anchor="middle">visual tokens (log)</text>`);
    SERIES.forEach(([key, label, color], j) => {
      const d = points.map((p, k) => `${k === 0 ? 'M' : 'L'}${f(x(p.visualTokens))},${f(y(p[key] as number))}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
      for (const p of points)
        out.push(
          `<circle cx="${f(x(p.visualTokens))}" cy="${f(y(p[key] as number))}" r="2.5" fill="${color}"><title>${esc(label)}: ${(p[key] as number).toFixed(1)} ms at ${p.visualTokens} tokens</title></circle>`,
        );
      // One legend row under the panels, so it never covers a line.
      if (i === 0)
        out.push(
          `<rect x="${M.left + j * 150}" y="${H + 22}" width="12" height="3" fill="${color}"/><text x="${M.left + j * 150 + 16}" y="${H + 26}">${esc(label)}</text>`,
        );
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
