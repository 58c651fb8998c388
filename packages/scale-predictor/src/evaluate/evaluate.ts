import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, oneOf, optionsObject, positiveInt } from '@matryoshka/core/backend';
import type { ResolvedOracleOptions } from '../oracle/options.js';
import type { SampleTable } from '../oracle/sample-table.js';
import { summarize, type OracleResult, type ScaleResult } from '../oracle/summary.js';
import { allocateIndices } from '../policy/budget.js';
import { THRESHOLD_FALLBACKS, thresholdIndex, type ThresholdFallback } from '../policy/threshold.js';

export interface EvaluateOptions {
  /** Most threshold values on the curve (quantiles of the predicted probabilities). Default 200. */
  points?: number;
  /** The threshold policy's choice when no scale reaches τ. Default `'most-likely'`. */
  fallback?: ThresholdFallback;
  /** Also run the budgeted allocation at each fixed scale's mean tokens. Default true. */
  budget?: boolean;
  /** Called after each budgeted allocation (they are the slow part). */
  onProgress?: (done: number, total: number) => void;
  /**
   * The scale of each entry of a probability row, in its order: a predictor's `scales` (576 → 1),
   * its rows then realigned to the table's scales (ascending, as the oracle reads them). Default:
   * the rows follow `table.scales`.
   */
  scales?: readonly number[];
}

/** Each row reordered from `from` (the predictor's scales) to the table's `to`; every table scale must be among `from`. */
function realign(rows: readonly ArrayLike<number>[], from: readonly number[], to: readonly number[]): readonly ArrayLike<number>[] {
  if (!Array.isArray(from) || from.length !== to.length || to.some((s) => !from.includes(s))) {
    throw argumentError(ErrorCode.ShapeMismatch, 'options.scales', `expected the table's scales ${to.join('/')} in some order, got ${describe(from)}`);
  }
  const where = to.map((s) => from.indexOf(s));
  return rows.map((row) => (row?.length === from.length ? Float64Array.from(where, (k) => row[k]!) : row));
}

/** The threshold policy at one τ, measured on the real results. */
export interface CurvePoint {
  readonly threshold: number;
  readonly meanTokens: number;
  readonly accuracy: number;
}

/** A policy's result at (at most) one fixed scale's mean tokens, against the best fixed scale there. */
export interface PolicyAtBudget {
  readonly accuracy: number;
  readonly meanTokens: number;
  /** (policy − best fixed) / (oracle − best fixed); `null` when the oracle is no better than the best fixed scale. */
  readonly gapClosed: number | null;
}

export interface FixedComparison extends ScaleResult {
  /** The best accuracy of any fixed scale that spends no more mean tokens than this one. */
  readonly bestFixedAccuracy: number;
  /** The best threshold-policy point within this scale's mean tokens (and its τ). */
  readonly threshold: (PolicyAtBudget & { readonly tau: number }) | null;
  /** The budgeted allocation with a total budget of samples × this scale's mean tokens. */
  readonly budget: PolicyAtBudget | null;
}

export interface Evaluation {
  readonly options: ResolvedOracleOptions & { readonly fallback: ThresholdFallback; readonly points: number };
  readonly samples: number;
  readonly fixed: readonly FixedComparison[];
  readonly oracle: OracleResult;
  /** The threshold policy as τ goes from 0 (always the smallest scale) to 1. */
  readonly curve: readonly CurvePoint[];
}

const EPS = 1e-9;

/** At most `points` thresholds: 0, quantiles of the distinct probabilities, and 1. */
function thresholds(probabilities: readonly ArrayLike<number>[], points: number): number[] {
  const all = new Set<number>([0, 1]);
  for (const row of probabilities) for (let j = 0; j < row.length; j++) all.add(row[j]!);
  const sorted = [...all].sort((a, b) => a - b);
  if (sorted.length <= points) return sorted;
  return Array.from({ length: points }, (_, k) => sorted[Math.round((k * (sorted.length - 1)) / (points - 1))]!);
}

const gap = (value: number, best: number, oracle: number): number | null => (oracle - best > EPS ? (value - best) / (oracle - best) : null);

/**
 * Measures a predictor on held-out results: the threshold policy's accuracy-vs-tokens curve,
 * and at each fixed scale's mean token count the accuracy of the threshold and budgeted policies
 * against the best fixed scale within those tokens, with the share of the oracle gap they close.
 * `probabilities[i]` is the predictor's output for `table.ids[i]` (pass the predictor's
 * `scales` as `options.scales` so that its rows are read in its order).
 */
export function evaluatePredictor(table: SampleTable, given: readonly ArrayLike<number>[], options?: EvaluateOptions): Evaluation {
  const o = optionsObject(options, 'options');
  const probabilities = o.scales === undefined || !Array.isArray(given) ? given : realign(given, o.scales, table.scales);
  const points = positiveInt(o.points ?? 200, 'options.points');
  const fallback = oneOf(o.fallback ?? 'most-likely', THRESHOLD_FALLBACKS, 'options.fallback');
  const n = table.ids.length;
  const m = table.scales.length;
  if (!Array.isArray(probabilities) || probabilities.length !== n) {
    throw argumentError(ErrorCode.ShapeMismatch, 'probabilities', `expected ${n} rows (one per sample), got ${describe(probabilities)}`);
  }
  probabilities.forEach((row, i) => {
    if (row?.length !== m)
      throw argumentError(
        ErrorCode.ShapeMismatch,
        `probabilities[${i}]`,
        `expected ${m} probabilities (scales ${table.scales.join('/')}), got ${describe(row)}`,
      );
  });
  const summary = summarize(
    table,
    table.ids.map((_, i) => i),
  );
  const at = (i: number, j: number): { correct: number; tokens: number } => ({ correct: table.correct[i * m + j]!, tokens: table.tokens[i * m + j]! });

  const curve = thresholds(probabilities, Math.max(points, 2)).map((tau) => {
    let correct = 0;
    let tokens = 0;
    probabilities.forEach((row, i) => {
      const c = at(i, thresholdIndex(row, tau, table.scales, fallback));
      correct += c.correct;
      tokens += c.tokens;
    });
    return { threshold: tau, meanTokens: tokens / n, accuracy: correct / n };
  });

  const oracle = summary.oracle.accuracy;
  const costs = probabilities.map((_, i) => Array.from(table.tokens.subarray(i * m, i * m + m)));
  const fixed = summary.scales.map((s, index) => {
    const within = (t: number): boolean => t <= s.meanTokens * (1 + EPS);
    const bestFixedAccuracy = Math.max(...summary.scales.filter((f) => within(f.meanTokens)).map((f) => f.accuracy));
    let best: CurvePoint | undefined;
    for (const p of curve) if (within(p.meanTokens) && (best === undefined || p.accuracy > best.accuracy)) best = p;
    let budget: PolicyAtBudget | null = null;
    if (o.budget !== false) {
      const allocation = allocateIndices(probabilities, costs, Math.floor(n * s.meanTokens + EPS));
      let correct = 0;
      allocation.choices.forEach((j, i) => (correct += at(i, j).correct));
      budget = { accuracy: correct / n, meanTokens: allocation.totalTokens / n, gapClosed: gap(correct / n, bestFixedAccuracy, oracle) };
      o.onProgress?.(index + 1, m);
    }
    return {
      ...s,
      bestFixedAccuracy,
      threshold:
        best === undefined
          ? null
          : { tau: best.threshold, accuracy: best.accuracy, meanTokens: best.meanTokens, gapClosed: gap(best.accuracy, bestFixedAccuracy, oracle) },
      budget,
    };
  });
  return { options: { ...table.options, fallback, points }, samples: n, fixed, oracle: summary.oracle, curve };
}
