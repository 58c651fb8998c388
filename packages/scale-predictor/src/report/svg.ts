import { ErrorCode, argumentError } from '@matryoshka/core';
import { arrayOf, describe, optionsObject } from '@matryoshka/core/backend';

/** A point of the plot, in tokens and accuracy. */
export interface PlotPoint {
  readonly tokens: number;
  readonly accuracy: number;
}

export interface PlotInput {
  readonly title: string;
  /** The legend's name for the fixed-scale line (default "fixed scale"). */
  readonly fixedLabel?: string | undefined;
  /** Fixed scales, joined by a line, each labelled with its scale. */
  readonly fixed: readonly (PlotPoint & { readonly scale: number })[];
  /** The oracle: one marked point. */
  readonly oracle?: PlotPoint | undefined;
  /** The predictor's threshold curve as τ varies. */
  readonly curve?: readonly PlotPoint[] | undefined;
  /** The budgeted allocation at each fixed scale's tokens. */
  readonly budget?: readonly PlotPoint[] | undefined;
  /** More labelled lines (other models, baselines), drawn under the fixed scales. */
  readonly series?: readonly PlotSeries[] | undefined;
}

/** A labelled line of points; `dashed` for baselines. */
export interface PlotSeries {
  readonly label: string;
  readonly points: readonly PlotPoint[];
  readonly color?: string | undefined;
  readonly dashed?: boolean | undefined;
}

/** Colours for `series` without their own (after the ones the fixed/curve/budget/oracle marks use). */
const SERIES_COLOURS = ['#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const W = 640;
const H = 420;
const M = { left: 64, right: 24, top: 40, bottom: 56 };
/** Width kept for the legend's labels. */
const LEGEND = 230;

/** Colours written into attributes: `#rgb`, `#rrggbb(aa)`, a CSS name, or `rgb()`/`rgba()` of numbers. */
const COLOUR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30}|rgba?\(\s*[0-9.]+%?\s*(,\s*[0-9.]+%?\s*){2,3}\))$/;

function colour(value: unknown, argument: string): string {
  if (typeof value !== 'string' || !COLOUR.test(value)) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a colour such as '#9467bd' or 'teal', got ${describe(value)}`);
  }
  return value;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (x: number): string => (Math.round(x * 10) / 10).toString();

/**
 * Accuracy against tokens (log scale), written as an SVG string by hand: fixed scales, the
 * oracle point, and the predictor's curve and budgeted points when given. No dependencies, no DOM.
 */
export function renderPlot(plot: PlotInput): string {
  const input = checkPlot(plot);
  const extra = input.series ?? [];
  const all = [...input.fixed, ...(input.curve ?? []), ...(input.budget ?? []), ...(input.oracle ? [input.oracle] : []), ...extra.flatMap((s) => s.points)];
  const tokens = all.map((p) => p.tokens).filter((t) => t > 0);
  const lo = Math.log2(Math.min(...tokens, 1));
  const hi = Math.max(Math.log2(Math.max(...tokens, 2)), lo + 1);
  const accs = all.map((p) => p.accuracy);
  const yLo = Math.max(0, Math.floor((Math.min(...accs) - 0.05) * 10) / 10);
  const yHi = Math.min(1, Math.ceil((Math.max(...accs) + 0.05) * 10) / 10);
  const x = (t: number): number => M.left + ((Math.log2(Math.max(t, 2 ** lo)) - lo) / (hi - lo)) * (W - M.left - M.right);
  const y = (a: number): number => H - M.bottom - ((a - yLo) / (yHi - yLo || 1)) * (H - M.top - M.bottom);
  const path = (ps: readonly PlotPoint[]): string => ps.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(x(p.tokens))},${f(y(p.accuracy))}`).join(' ');

  const out: string[] = [];
  // Up to four legend entries fit inside the plot's top right; more get a margin of their own.
  const entries = 1 + extra.length + (input.curve?.length ? 1 : 0) + (input.budget?.length ? 1 : 0) + (input.oracle ? 1 : 0);
  const legendX = entries > 4 ? W + 8 : W - M.right - LEGEND;
  const width = entries > 4 ? W + LEGEND : W;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(input.title)}</text>`);
  // Axes, with a tick at every power of two and every tenth of accuracy.
  out.push(`<g stroke="#999" fill="none"><path d="M${M.left},${M.top} V${H - M.bottom} H${W - M.right}"/></g>`);
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    const tx = f(x(2 ** e));
    out.push(
      `<line x1="${tx}" y1="${H - M.bottom}" x2="${tx}" y2="${H - M.bottom + 5}" stroke="#999"/><text x="${tx}" y="${H - M.bottom + 18}" text-anchor="middle">${2 ** e}</text>`,
    );
  }
  for (let a = yLo; a <= yHi + 1e-9; a += 0.1) {
    const ty = f(y(a));
    out.push(
      `<line x1="${M.left - 5}" y1="${ty}" x2="${W - M.right}" y2="${ty}" stroke="#eee"/><text x="${M.left - 8}" y="${ty}" text-anchor="end" dominant-baseline="middle">${Math.round(a * 100)}%</text>`,
    );
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">mean visual tokens per sample (log scale)</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);

  const legend: [string, string][] = [];
  extra.forEach((series, i) => {
    const color = series.color === undefined ? SERIES_COLOURS[i % SERIES_COLOURS.length]! : colour(series.color, `input.series[${i}].color`);
    const sorted = [...series.points].sort((a, b) => a.tokens - b.tokens);
    out.push(`<path d="${path(sorted)}" fill="none" stroke="${color}" stroke-width="1.5"${series.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    for (const p of sorted) {
      out.push(
        `<circle cx="${f(x(p.tokens))}" cy="${f(y(p.accuracy))}" r="2.5" fill="${color}"><title>${esc(series.label)}: ${(100 * p.accuracy).toFixed(1)}% at ${p.tokens.toFixed(1)} tokens</title></circle>`,
      );
    }
    legend.push([color, series.label]);
  });
  legend.unshift(['#1f77b4', input.fixedLabel ?? 'fixed scale']);
  out.push(`<path d="${path(input.fixed)}" fill="none" stroke="#1f77b4" stroke-width="2"/>`);
  for (const p of input.fixed) {
    out.push(
      `<circle cx="${f(x(p.tokens))}" cy="${f(y(p.accuracy))}" r="4" fill="#1f77b4"><title>${p.scale} tokens: ${(100 * p.accuracy).toFixed(1)}%</title></circle>`,
    );
    out.push(`<text x="${f(x(p.tokens))}" y="${f(y(p.accuracy) + 16)}" text-anchor="middle" fill="#1f77b4">${p.scale}</text>`);
  }
  if (input.curve && input.curve.length > 0) {
    const sorted = [...input.curve].sort((a, b) => a.tokens - b.tokens);
    out.push(`<path d="${path(sorted)}" fill="none" stroke="#2ca02c" stroke-width="2"/>`);
    legend.push(['#2ca02c', 'predictor (threshold τ)']);
  }
  if (input.budget && input.budget.length > 0) {
    for (const p of input.budget) out.push(`<rect x="${f(x(p.tokens) - 4)}" y="${f(y(p.accuracy) - 4)}" width="8" height="8" fill="#ff7f0e"/>`);
    legend.push(['#ff7f0e', 'predictor (budgeted)']);
  }
  if (input.oracle) {
    const ox = x(input.oracle.tokens);
    const oy = y(input.oracle.accuracy);
    out.push(
      `<path d="M${f(ox)},${f(oy - 7)} L${f(ox + 6)},${f(oy + 5)} L${f(ox - 6)},${f(oy + 5)} Z" fill="#d62728"><title>oracle: ${(100 * input.oracle.accuracy).toFixed(1)}% at ${input.oracle.tokens.toFixed(1)} tokens</title></path>`,
    );
    legend.push(['#d62728', 'oracle']);
  }
  legend.forEach(([color, label], i) => {
    const ly = M.top + 8 + i * 16;
    out.push(
      `<rect x="${legendX}" y="${ly - 5}" width="10" height="10" fill="${color}"/><text x="${legendX + 15}" y="${ly}" dominant-baseline="middle">${esc(label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The plot's input, checked and copied: every number that reaches the SVG is finite. */
function checkPlot(value: PlotInput): PlotInput {
  if (value === undefined) throw argumentError(ErrorCode.InvalidArgument, 'input', 'expected the plot input, got undefined');
  const o = optionsObject(value, 'input');
  const text = (v: unknown, argument: string): string => {
    if (typeof v !== 'string') throw argumentError(ErrorCode.InvalidArgument, argument, `expected text, got ${describe(v)}`);
    return v;
  };
  const point = (v: unknown, argument: string): PlotPoint => {
    const p = optionsObject(v as PlotPoint, argument);
    const tokens = p.tokens;
    const accuracy = p.accuracy;
    if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0)
      throw argumentError(ErrorCode.InvalidArgument, `${argument}.tokens`, `expected a finite token count ≥ 0, got ${describe(tokens)}`);
    if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1))
      throw argumentError(ErrorCode.InvalidArgument, `${argument}.accuracy`, `expected an accuracy in [0, 1], got ${describe(accuracy)}`);
    return { tokens, accuracy };
  };
  const points = (v: unknown, argument: string): PlotPoint[] => arrayOf(v, argument, 'an array of points').map((p, i) => point(p, `${argument}[${i}]`));
  const fixed = arrayOf(o.fixed, 'input.fixed', 'an array of fixed-scale points').map((p, i) => {
    const scale = optionsObject(p as { scale: number }, `input.fixed[${i}]`).scale;
    if (typeof scale !== 'number' || !Number.isFinite(scale))
      throw argumentError(ErrorCode.InvalidArgument, `input.fixed[${i}].scale`, `expected a scale, got ${describe(scale)}`);
    return { scale, ...point(p, `input.fixed[${i}]`) };
  });
  if (fixed.length === 0) throw argumentError(ErrorCode.InvalidArgument, 'input.fixed', 'expected at least one fixed-scale point');
  const series =
    o.series === undefined
      ? undefined
      : arrayOf(o.series, 'input.series', 'an array of series').map((v, i) => {
          const s = optionsObject(v as PlotSeries, `input.series[${i}]`);
          if (s.dashed !== undefined && typeof s.dashed !== 'boolean')
            throw argumentError(ErrorCode.InvalidArgument, `input.series[${i}].dashed`, `expected true or false, got ${describe(s.dashed)}`);
          return {
            label: text(s.label, `input.series[${i}].label`),
            points: points(s.points, `input.series[${i}].points`),
            ...(s.color === undefined ? {} : { color: colour(s.color, `input.series[${i}].color`) }),
            ...(s.dashed === undefined ? {} : { dashed: s.dashed }),
          };
        });
  return {
    title: text(o.title, 'input.title'),
    fixedLabel: o.fixedLabel === undefined ? undefined : text(o.fixedLabel, 'input.fixedLabel'),
    fixed,
    oracle: o.oracle === undefined ? undefined : point(o.oracle, 'input.oracle'),
    curve: o.curve === undefined ? undefined : points(o.curve, 'input.curve'),
    budget: o.budget === undefined ? undefined : points(o.budget, 'input.budget'),
    series,
  };
}
