import type { PointResult } from './measure.js';

export interface ShapeResult {
  readonly id: string;
  readonly title: string;
  /** How the numbers were obtained when not measured directly (e.g. layer scaling). */
  readonly note?: string;
  readonly grid: number;
  readonly points: readonly PointResult[];
}

const MiB = 2 ** 20;
const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function find(points: readonly PointResult[], images: number, requested: number | 'full'): PointResult | undefined {
  return points.find((p) => p.images === images && p.requested === requested);
}

/** Headline ratios for one shape: prefill(36)/prefill(full), prefill(9)/prefill(full), pooling share of TTFT. */
export function ratios(shape: ShapeResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const images of [...new Set(shape.points.map((p) => p.images))]) {
    const full = find(shape.points, images, 'full');
    const tag = images === 1 ? '' : ` ×${images} images`;
    for (const n of [36, 9]) {
      const p = find(shape.points, images, n);
      if (full && p) {
        out[`prefill(${n})/prefill(full)${tag}`] = p.prefillMs / full.prefillMs;
        out[`ttft(${n})/ttft(full)${tag}`] = p.ttftMs / full.ttftMs;
      }
    }
  }
  const poolShare = shape.points.filter((p) => p.requested !== 'full').map((p) => p.poolMs / p.ttftMs);
  if (poolShare.length > 0) out['max pooling share of TTFT'] = Math.max(...poolShare);
  return out;
}

export function markdown(shapes: readonly ShapeResult[], header: string): string {
  const lines = [header, ''];
  for (const shape of shapes) {
    lines.push(`### ${shape.title}`, '');
    if (shape.note) lines.push(`_${shape.note}_`, '');
    lines.push(
      '| images | tokens/image | visual tokens | prompt | vision ms | pool ms | prefill ms | prefill CPU-s | decode ms/token | TTFT ms | pool % of TTFT | KV MiB | peak RSS MiB | runs |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const p of shape.points) {
      const perImage = p.requested === 'full' ? `full (${shape.grid ** 2})` : `${p.requested} → ${p.visualTokens / p.images}`;
      lines.push(
        `| ${p.images} | ${perImage} | ${p.visualTokens} | ${p.promptTokens} | ${ms(p.encodeMs)} | ${ms(p.poolMs)} | ${ms(p.prefillMs)} | ${(p.prefillCpuMs / 1000).toFixed(2)} | ${ms(p.decodeMsPerToken)} | ${ms(p.ttftMs)} | ${((100 * p.poolMs) / p.ttftMs).toFixed(2)} | ${(p.kvBytes / MiB).toFixed(1)} | ${(p.peakRssBytes / MiB).toFixed(0)} | ${p.runs} |`,
      );
    }
    lines.push('');
    for (const [k, v] of Object.entries(ratios(shape))) lines.push(`- ${k}: ${k.includes('share') ? `${(100 * v).toFixed(2)}%` : v.toFixed(3)}`);
    lines.push('');
  }
  return lines.join('\n');
}
