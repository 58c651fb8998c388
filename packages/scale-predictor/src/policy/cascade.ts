import { ErrorCode, argumentError, describe } from '@matryoshka/core';

export interface CascadeStep {
  /** The scale whose answer is kept: its token count (its entry in `costs`). */
  readonly scale: number;
  /** Tokens charged: every scale tried, the kept one included. */
  readonly tokens: number;
}

/**
 * The cascade policy (answer cheaply, look closer only when unsure): answer at the smallest scale
 * and move up while the answer model's own confidence there is below `threshold`; the largest
 * scale's answer is kept whatever its confidence. Every scale tried is charged, so a sample that
 * ends at 36 of 1/9/36/… costs 1 + 9 + 36 tokens. Needs no predictor, but one answer-model call
 * per step. Scales are visited by their token count, whatever order they come in (the package's
 * convention is the pyramid's, 576 → 1).
 *
 * @param confidences the answer model's confidence (e.g. its top softmax probability) at each scale
 * @param costs tokens per scale (the scales), in the order of `confidences`
 */
export function cascade(confidences: ArrayLike<number>, costs: ArrayLike<number>, threshold: number): CascadeStep {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw argumentError(ErrorCode.InvalidArgument, 'threshold', `expected a probability in [0, 1], got ${describe(threshold)}`);
  }
  const m = confidences?.length;
  if (typeof m !== 'number' || m === 0)
    throw argumentError(ErrorCode.InvalidArgument, 'confidences', `expected one confidence per scale, got ${describe(confidences)}`);
  if (costs?.length !== m) throw argumentError(ErrorCode.ShapeMismatch, 'costs', `expected ${m} token counts (one per scale), got ${describe(costs)}`);
  for (let j = 0; j < m; j++) {
    const c = confidences[j]!;
    const t = costs[j]!;
    if (!(c >= 0 && c <= 1)) throw argumentError(ErrorCode.InvalidArgument, `confidences[${j}]`, `expected a probability in [0, 1], got ${describe(c)}`);
    if (!(t >= 0) || !Number.isFinite(t)) throw argumentError(ErrorCode.InvalidArgument, `costs[${j}]`, `expected a token count ≥ 0, got ${describe(t)}`);
  }
  // Cheapest first; a stable sort keeps equal costs in their given order.
  const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => costs[a]! - costs[b]!);
  let tokens = 0;
  for (let k = 0; k < m; k++) {
    const j = order[k]!;
    tokens += costs[j]!;
    if (confidences[j]! >= threshold || k === m - 1) return { scale: costs[j]!, tokens };
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}
