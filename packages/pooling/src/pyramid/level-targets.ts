import { ErrorCode, argumentError, describe, type LevelPlan, type TokenGrid } from '@matryoshka/core';

/**
 * The arrays the levels are written to: fresh ones, or the caller's `out` (one Float32Array per
 * level, exact length, overlapping neither the input nor each other) — for loops that pool many
 * grids of one shape and want to reuse memory.
 */
export function levelTargets(grid: TokenGrid, plans: readonly LevelPlan[], out: unknown): Float32Array[] {
  const lengths = plans.map((p) => grid.frames * p.rows * p.cols * grid.channels);
  if (out === undefined) return lengths.map((n) => new Float32Array(n));
  if (!Array.isArray(out) || out.length !== plans.length) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.out', `expected an array of ${plans.length} Float32Arrays (one per scale), got ${describe(out)}`);
  }
  const targets = out.map((t: unknown, i) => {
    if (!(t instanceof Float32Array)) {
      throw argumentError(ErrorCode.InvalidArgument, `options.out[${i}]`, `expected a Float32Array, got ${describe(t)}`);
    }
    if (t.length !== lengths[i]) {
      const p = plans[i]!;
      throw argumentError(
        ErrorCode.ShapeMismatch,
        `options.out[${i}]`,
        `expected ${lengths[i]} values (${grid.frames}×${p.rows}×${p.cols}×${grid.channels}), got ${t.length}`,
      );
    }
    if (overlaps(t, grid.data)) throw argumentError(ErrorCode.InvalidArgument, `options.out[${i}]`, 'overlaps the input grid; inputs are never written to');
    return t;
  });
  targets.forEach((t, i) => {
    for (let j = 0; j < i; j++) {
      if (overlaps(t, targets[j]!)) throw argumentError(ErrorCode.InvalidArgument, `options.out[${i}]`, `overlaps options.out[${j}]`);
    }
  });
  return targets;
}

function overlaps(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
