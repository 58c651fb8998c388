import { ErrorCode, argumentError, describe, oneOf } from '@matryoshka/core';

/** Which scale to use when no scale reaches the threshold. */
export type ThresholdFallback = 'smallest' | 'most-likely' | 'largest';

export const THRESHOLD_FALLBACKS: readonly ThresholdFallback[] = ['smallest', 'most-likely', 'largest'];

/**
 * The threshold policy: the smallest scale whose predicted probability of a correct answer is
 * at least `threshold`. When none is: the `most-likely` scale (default; ties go to the smaller),
 * the `smallest` (give up cheaply, as the oracle's default charge does) or the `largest`.
 * Returns the chosen scale's token count, an entry of `scales`.
 *
 * @param probabilities one per scale, in the order of `scales`
 * @param scales the scales' token counts (a predictor's `scales`, 576 → 1); any order, distinct
 */
export function chooseScale(
  probabilities: ArrayLike<number>,
  threshold: number,
  scales: readonly number[],
  fallback: ThresholdFallback = 'most-likely',
): number {
  return scales[thresholdIndex(probabilities, threshold, scales, fallback)]!;
}

/** `chooseScale` returning the chosen position in `probabilities` (for per-sample tables in this package). */
export function thresholdIndex(
  probabilities: ArrayLike<number>,
  threshold: number,
  scales: ArrayLike<number>,
  fallback: ThresholdFallback = 'most-likely',
): number {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw argumentError(ErrorCode.InvalidArgument, 'threshold', `expected a probability in [0, 1], got ${describe(threshold)}`);
  }
  oneOf(fallback, THRESHOLD_FALLBACKS, 'fallback');
  if (typeof probabilities !== 'object' || probabilities === null || typeof probabilities.length !== 'number') {
    throw argumentError(ErrorCode.InvalidArgument, 'probabilities', `expected an array of probabilities, one per scale, got ${describe(probabilities)}`);
  }
  const m = probabilities.length;
  if (m === 0) throw argumentError(ErrorCode.InvalidArgument, 'probabilities', 'expected one probability per scale, got none');
  if (typeof scales !== 'object' || scales === null || scales.length !== m) {
    throw argumentError(ErrorCode.ShapeMismatch, 'scales', `expected ${m} token counts (one per probability), got ${describe(scales)}`);
  }
  for (let j = 0; j < m; j++) {
    const s = scales[j]!;
    if (!Number.isSafeInteger(s) || s < 1)
      throw argumentError(ErrorCode.InvalidArgument, `scales[${j}]`, `expected a positive integer token count, got ${describe(s)}`);
    for (let k = 0; k < j; k++) {
      if (scales[k] === s) throw argumentError(ErrorCode.InvalidArgument, `scales[${j}]`, `expected distinct token counts, got ${s} twice`);
    }
    const p = probabilities[j]!;
    if (!(p >= 0 && p <= 1)) {
      throw argumentError(ErrorCode.InvalidArgument, `probabilities[${j}]`, `expected a probability in [0, 1], got ${describe(p)}`);
    }
  }
  // Smallest scale first, whatever order the scales come in.
  const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => scales[a]! - scales[b]!);
  let best = order[0]!;
  for (const j of order) {
    if (probabilities[j]! >= threshold) return j;
    if (probabilities[j]! > probabilities[best]!) best = j;
  }
  return fallback === 'largest' ? order[m - 1]! : fallback === 'smallest' ? order[0]! : best;
}
