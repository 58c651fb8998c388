/**
 * max |a − b| / max |b|: the parity measure (float32 parity means ≤ 1e-5). Sizes that differ
 * give Infinity, and a NaN difference becomes the error, so a broken result never passes.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  return worstDifference(actual, expected).error;
}

/** The relative error and where the largest difference is (-1 when none), for messages. */
export function worstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): { error: number; at: number } {
  if (actual.length !== expected.length) return { error: Number.POSITIVE_INFINITY, at: -1 };
  let err = 0;
  let scale = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const d = Math.abs(actual[i]! - e);
    if (!(d <= err)) {
      err = d; // NaN-safe: a NaN difference becomes the error
      at = i;
    }
    scale = Math.max(scale, Math.abs(e));
  }
  return { error: err / (scale || 1), at };
}
