import { ErrorCode, argumentError, describe, oneOf } from '@matryoshka/core';

/** Which scale to use when no scale reaches the threshold. */
export type ThresholdFallback = 'smallest' | 'most-likely' | 'largest';

export const THRESHOLD_FALLBACKS: readonly ThresholdFallback[] = ['smallest', 'most-likely', 'largest'];

/**
 * The threshold policy: the smallest scale whose predicted probability of a correct answer is
 * at least `threshold`. When none is: the `most-likely` scale (default), the `smallest` (give up
 * cheaply, as the oracle's default charge does) or the `largest`. Returns the index into the
 * scales (ascending).
 */
export function chooseScale(probabilities: ArrayLike<number>, threshold: number, fallback: ThresholdFallback = 'most-likely'): number {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw argumentError(ErrorCode.InvalidArgument, 'threshold', `expected a probability in [0, 1], got ${describe(threshold)}`);
  }
  oneOf(fallback, THRESHOLD_FALLBACKS, 'fallback');
  if (typeof probabilities !== 'object' || probabilities === null || typeof probabilities.length !== 'number') {
    throw argumentError(ErrorCode.InvalidArgument, 'probabilities', `expected an array of probabilities, one per scale, got ${describe(probabilities)}`);
  }
  const m = probabilities.length;
  if (m === 0) throw argumentError(ErrorCode.InvalidArgument, 'probabilities', 'expected one probability per scale, got none');
  let best = 0;
  for (let j = 0; j < m; j++) {
    const p = probabilities[j]!;
    if (!(p >= 0 && p <= 1)) {
      throw argumentError(ErrorCode.InvalidArgument, `probabilities[${j}]`, `expected a probability in [0, 1], got ${describe(p)}`);
    }
    if (p >= threshold) return j;
    if (p > probabilities[best]!) best = j;
  }
  return fallback === 'largest' ? m - 1 : fallback === 'smallest' ? 0 : best;
}
