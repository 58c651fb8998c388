import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, oneOf, optionsObject, positiveInt } from '@matryoshka/core/backend';

/** The token count charged to samples that no scale answers (the paper leaves it open). */
export type UnansweredCharge = 'smallest' | 'largest' | 'exclude';
/** What to do with a sample that lacks a record at some scale. */
export type MissingPolicy = 'error' | 'drop' | 'incorrect';

export const UNANSWERED_CHARGES: readonly UnansweredCharge[] = ['smallest', 'largest', 'exclude'];
export const MISSING_POLICIES: readonly MissingPolicy[] = ['error', 'drop', 'incorrect'];

export interface OracleOptions {
  /**
   * Tokens charged to a sample no scale answers: its tokens at the `smallest` scale (default; a
   * system that cannot answer should spend least), at the `largest`, or `exclude` it from the
   * mean oracle tokens (it still counts as wrong in the oracle accuracy).
   */
  unanswered?: UnansweredCharge;
  /** A graded `score` counts as correct when `score >= threshold`. Default 0.5. */
  threshold?: number;
  /**
   * A sample without a record at one of the scales: `error` (default), `drop` the sample (counted
   * in `samplesDropped`), or count it `incorrect` there (charged the scale's nominal count).
   */
  missing?: MissingPolicy;
  /** The scales to analyse; records at other scales are ignored (counted). Default: every scale seen. */
  scales?: readonly number[];
  /** Record fields to break the results down by (`['type']`). Default none. */
  groupBy?: readonly string[];
}

export interface ResolvedOracleOptions {
  readonly unanswered: UnansweredCharge;
  readonly threshold: number;
  readonly missing: MissingPolicy;
  /** The scales asked for; in a table or analysis, the scales analysed. */
  readonly scales: readonly number[] | undefined;
  readonly groupBy: readonly string[];
}

export const DEFAULT_THRESHOLD = 0.5;

export function resolveOracleOptions(options: OracleOptions | undefined, argument = 'options'): ResolvedOracleOptions {
  const o = optionsObject(options, argument);
  const threshold = o.threshold ?? DEFAULT_THRESHOLD;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw argumentError(ErrorCode.InvalidArgument, `${argument}.threshold`, `expected a finite number, got ${describe(threshold)}`);
  }
  let scales: number[] | undefined;
  if (o.scales !== undefined) {
    if (!Array.isArray(o.scales) || o.scales.length === 0) {
      throw argumentError(ErrorCode.InvalidArgument, `${argument}.scales`, `expected a non-empty array of token counts, got ${describe(o.scales)}`);
    }
    scales = o.scales.map((s, i) => positiveInt(s, `${argument}.scales[${i}]`));
    if (new Set(scales).size !== scales.length) {
      throw argumentError(ErrorCode.InvalidArgument, `${argument}.scales`, `scales must be distinct, got ${scales.join(', ')}`);
    }
    scales.sort((a, b) => a - b);
  }
  const groupBy = o.groupBy ?? [];
  if (!Array.isArray(groupBy) || groupBy.some((g) => typeof g !== 'string' || g === '')) {
    throw argumentError(ErrorCode.InvalidArgument, `${argument}.groupBy`, `expected an array of field names, got ${describe(groupBy)}`);
  }
  return {
    unanswered: o.unanswered === undefined ? 'smallest' : oneOf(o.unanswered, UNANSWERED_CHARGES, `${argument}.unanswered`),
    threshold,
    missing: o.missing === undefined ? 'error' : oneOf(o.missing, MISSING_POLICIES, `${argument}.missing`),
    scales,
    groupBy: [...groupBy],
  };
}
