import { ErrorCode, argumentError, type LevelPlan, type TokenGrid } from '@matryoshka/core';
import { arrayOf, checkOutputBytes, describe, overlapsMemory } from '@matryoshka/core/backend';

/**
 * The arrays the levels are written to: fresh ones, or the caller's `out` (one Float32Array per
 * level, exact length, overlapping neither the input nor each other) — for loops that pool many
 * grids of one shape and want to reuse memory.
 */
export function levelTargets(grid: TokenGrid, plans: readonly LevelPlan[], out: unknown, maxOutputBytes: number): Float32Array[] {
  const lengths = plans.map((p) => grid.frames * p.rows * p.cols * grid.channels);
  if (out === undefined) {
    // Every level's size is known before the first allocation.
    checkOutputBytes(
      lengths.reduce((a, b) => a + b, 0),
      maxOutputBytes,
      'buildPyramid',
    );
    return lengths.map((n) => new Float32Array(n));
  }
  if (!Array.isArray(out) || out.length !== plans.length) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.out', `expected an array of ${plans.length} Float32Arrays (one per scale), got ${describe(out)}`);
  }
  const targets = arrayOf(out, 'options.out', 'an array of Float32Arrays').map((t: unknown, i) => {
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
    // By memory, not by buffer object: two SharedArrayBuffer objects can be one block of memory.
    if (overlapsMemory(t, grid.data))
      throw argumentError(ErrorCode.InvalidArgument, `options.out[${i}]`, 'overlaps the input grid; inputs are never written to');
    return t;
  });
  targets.forEach((t, i) => {
    for (let j = 0; j < i; j++) {
      if (overlapsMemory(t, targets[j]!)) throw argumentError(ErrorCode.InvalidArgument, `options.out[${i}]`, `overlaps options.out[${j}]`);
    }
  });
  return targets;
}
