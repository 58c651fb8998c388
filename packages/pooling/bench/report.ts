import type { ShapeResult } from './bench-shape.js';
import { BASELINE, BASELINE_REUSED } from './contenders.js';
import type { MachineInfo } from './machine.js';

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

const ms = (x: number): string => (x < 10 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(1));

/** The per-shape table: one row per contender. */
export function shapeTable(result: ShapeResult): string {
  const header = ['contender', 'median ms', 'p10 ms', 'p90 ms', 'n', 'outputs', '÷ ours', 'GB/s', '% copy BW', 'max rel err'];
  const rows = result.contenders.map((c) => [
    c.name,
    ms(c.stats.medianMs),
    ms(c.stats.p10Ms),
    ms(c.stats.p90Ms),
    String(c.stats.samples),
    c.outputs,
    c.ratioToBaseline === null ? '–' : `${c.ratioToBaseline.toFixed(2)}×`,
    c.gbPerSecond.toFixed(1),
    c.shareOfCopy === null ? '–' : `${(100 * c.shareOfCopy).toFixed(0)}%`,
    c.maxRelativeError === null ? '–' : c.maxRelativeError.toExponential(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const title = `${result.label} (shape ${result.id}): input ${mb(result.inputBytes)}, levels ${mb(result.outputBytes)}`;
  return [title, pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths))].join('\n');
}

export function machineLine(m: MachineInfo): string {
  return `${m.cpuModel} (${m.cpuCount} CPUs, ${m.totalMemoryGiB} GiB), ${m.os} ${m.arch}, Node ${m.node}`;
}

export const LEGEND = [
  `÷ ours: contender median / ours in the same outputs group ('${BASELINE}' for fresh, '${BASELINE_REUSED}' for reused); > 1: ours is faster.`,
  'outputs: fresh = every run allocates its result arrays (a plain call); reused = results written into arrays allocated once.',
  'GB/s: (input bytes read + level bytes written) / median time; copy: input bytes read + written.',
  `% copy BW: GB/s as a share of copy (dst.set)'s on the same input. max rel err: max |Δ| / max |value| against ${BASELINE}`,
  `(${BASELINE}'s own row: against a float64 reference).`,
].join('\n');
