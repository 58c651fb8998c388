/** One stacked bar: a label and the share of each segment (in `segments` order). */
export interface StackedBar {
  readonly label: string;
  readonly shares: readonly number[];
  readonly note?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLOURS = ['#08306b', '#2171b5', '#6baed6', '#c6dbef', '#fdae6b', '#bdbdbd'];

/** Horizontal stacked bars (shares in [0, 1]) as a hand-written SVG: the oracle-scale distribution per question type. */
export function renderStackedBars(title: string, segments: readonly string[], bars: readonly StackedBar[]): string {
  const W = 640;
  const left = 90;
  const right = 110;
  const top = 44;
  const bar = 26;
  const gap = 12;
  const H = top + bars.length * (bar + gap) + 60;
  const width = W - left - right;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  bars.forEach((b, i) => {
    const y = top + i * (bar + gap);
    out.push(`<text x="${left - 8}" y="${y + bar / 2}" text-anchor="end" dominant-baseline="middle">${esc(b.label)}</text>`);
    let x = left;
    b.shares.forEach((share, k) => {
      const w = share * width;
      if (w <= 0) return;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${COLOURS[k % COLOURS.length]}"><title>${esc(`${b.label}: ${segments[k]} ${(100 * share).toFixed(1)}%`)}</title></rect>`,
      );
      if (w > 28)
        out.push(
          `<text x="${(x + w / 2).toFixed(1)}" y="${y + bar / 2}" text-anchor="middle" dominant-baseline="middle" fill="${k < 2 ? 'white' : 'black'}">${Math.round(100 * share)}%</text>`,
        );
      x += w;
    });
    if (b.note) out.push(`<text x="${left + width + 8}" y="${y + bar / 2}" dominant-baseline="middle">${esc(b.note)}</text>`);
  });
  const ly = top + bars.length * (bar + gap) + 16;
  segments.forEach((s, k) => {
    const lx = left + k * 80;
    out.push(
      `<rect x="${lx}" y="${ly}" width="10" height="10" fill="${COLOURS[k % COLOURS.length]}"/><text x="${lx + 14}" y="${ly + 5}" dominant-baseline="middle">${esc(s)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
