import type { ContenderResult, ShapeResult } from './bench-shape.js';
import { BASELINES } from './contenders.js';

function pad(cells: readonly string[], widths: readonly number[], left: number): string {
  return cells.map((c, i) => (i < left ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

/** A text table; the first `left` columns are left-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], left = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [pad(header, widths, left), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths, left))].join('\n');
}

const ms = (x: number): string => (x < 10 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(1));
const ratio = (c: ContenderResult): string =>
  c.ratioToBaseline === null ? '–' : `${c.ratioToBaseline < 0.1 ? c.ratioToBaseline.toPrecision(2) : c.ratioToBaseline.toFixed(2)}×`;
const share = (c: ContenderResult): string =>
  c.shareOfCopy === null ? '–' : `${100 * c.shareOfCopy < 1 ? (100 * c.shareOfCopy).toPrecision(1) : (100 * c.shareOfCopy).toFixed(0)}%`;
const gbs = (c: ContenderResult): string =>
  c.gbPerSecond < 1 ? c.gbPerSecond.toPrecision(2) : c.gbPerSecond < 10 ? c.gbPerSecond.toFixed(2) : c.gbPerSecond.toFixed(1);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

function failureLines(r: ShapeResult): string[] {
  return r.failures.map((f) => `  not run: ${f.name} (${f.stage}): ${f.reason}`);
}

/** The per-shape table: one row per contender that ran, then the ones that could not. */
export function shapeTable(r: ShapeResult): string {
  const header = ['contender', 'median ms', 'p10 ms', 'p90 ms', 'n', '÷ ours', 'GB/s', '% copy BW', 'max rel err'];
  const rows = r.contenders.map((c) => [
    c.name,
    ms(c.stats.medianMs),
    ms(c.stats.p10Ms),
    ms(c.stats.p90Ms),
    String(c.stats.samples),
    ratio(c),
    gbs(c),
    share(c),
    c.maxRelativeError === null ? '–' : c.maxRelativeError.toExponential(1),
  ]);
  const title = `${r.label} (shape ${r.id}): input ${mib(r.inputBytes)}, levels ${mib(r.outputBytes)}`;
  return [title, table(header, rows), ...failureLines(r)].join('\n');
}

/** Every shape in one table (what scripts/gpu-check.sh ends with). */
export function summaryTable(results: readonly ShapeResult[]): string {
  const header = ['shape', 'contender', 'median ms', 'p10 ms', 'p90 ms', 'n', '÷ ours', 'GB/s', '% copy BW', 'verified'];
  const rows = results.flatMap((r) => [
    ...r.contenders.map((c) => [
      r.label,
      c.name,
      ms(c.stats.medianMs),
      ms(c.stats.p10Ms),
      ms(c.stats.p90Ms),
      String(c.stats.samples),
      ratio(c),
      gbs(c),
      share(c),
      c.maxRelativeError === null ? '–' : `ok ${c.maxRelativeError.toExponential(0)}`,
    ]),
    ...r.failures.map((f) => [r.label, f.name, 'not run', '', '', '', '', '', '', f.stage]),
  ]);
  const reasons = results.flatMap(failureLines);
  return [table(header, rows, 2), ...(reasons.length > 0 ? ['', 'Not run:', ...new Set(reasons.map((l) => l.replace(/^ {2}not run: /, '  ')))] : [])].join(
    '\n',
  );
}

export const LEGEND = [
  `÷ ours: median / the median of ours with the same residency ('${BASELINES.gpu}' for gpu in/out, '${BASELINES.cpu}' for cpu in/out); > 1: ours is faster.`,
  'gpu in, gpu out: the input already in a device buffer, levels left on the device, timed until the device finished.',
  'cpu in, cpu out: a Float32Array in, CPU levels out (upload and read-back included).',
  'GB/s: (input bytes read + level bytes written) / median; the device copy: input bytes read + written.',
  '% copy BW: GB/s as a share of the device copy (copyBufferToBuffer) of the same input on the same device.',
  `max rel err: max |Δ| / max |value| over the levels against ${BASELINES.gpu} (its own row: a float64 reference).`,
].join('\n');
