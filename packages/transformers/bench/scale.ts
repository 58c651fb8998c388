import type { PointResult } from './measure.js';

/**
 * Decoder costs at `target` layers from measurements at one or two depths. Two depths give a line
 * (per-layer cost = slope; embedding, lm_head and generate's own work = intercept); one depth is
 * scaled proportionally, which overstates the lm_head's share. Vision, pooling and preprocessing
 * do not depend on the decoder depth and are taken from the deepest measurement.
 */
export function scaleByLayers(byDepth: ReadonlyMap<number, PointResult>, target: number, kvBytesPerTokenAtTarget: number): PointResult {
  const depths = [...byDepth.keys()].sort((a, b) => a - b);
  const deep = byDepth.get(depths.at(-1)!)!;
  const fit = (key: 'prefillMs' | 'prefillCpuMs' | 'decodeMsPerToken'): number => {
    const d2 = depths.at(-1)!;
    const x2 = deep[key];
    if (depths.length === 1) return (x2 * target) / d2;
    const d1 = depths[0]!;
    const x1 = byDepth.get(d1)![key];
    const slope = (x2 - x1) / (d2 - d1);
    // A noisy machine can make the deeper run faster; fall back to proportional scaling then.
    if (!(slope > 0)) return (x2 * target) / d2;
    return x2 + slope * (target - d2);
  };
  const prefillMs = fit('prefillMs');
  return {
    ...deep,
    prefillMs,
    prefillCpuMs: fit('prefillCpuMs'),
    decodeMsPerToken: fit('decodeMsPerToken'),
    ttftMs: deep.ttftMs - deep.prefillMs + prefillMs,
    kvBytes: deep.promptTokens * kvBytesPerTokenAtTarget,
  };
}
