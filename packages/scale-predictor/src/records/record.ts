import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';

/**
 * One evaluation result: a sample answered at one scale. Any harness can write these (one JSON
 * object per line). Fields beyond the ones below are kept and can be used as groups (`type`,
 * `category`, …).
 */
export interface ScaleRecord {
  /** The sample (question) id. Numbers and strings name the same sample: `3` and `"3"` are one id. */
  readonly id: string | number;
  /** The scale the sample was run at: the requested token count (1, 9, 36, 144, 576). */
  readonly scale?: number;
  /** Tokens the model actually received (anyres crops and newlines included). Defaults to `scale`. */
  readonly tokens?: number;
  /** Whether the answer was right. */
  readonly correct?: boolean | 0 | 1;
  /** A graded score (VQA soft accuracy, ANLS…), made correct/incorrect by `options.threshold`. */
  readonly score?: number;
  readonly [field: string]: unknown;
}

/** A record after validation: every field present and typed. */
export interface CheckedRecord {
  readonly id: string;
  readonly scale: number;
  readonly tokens: number;
  readonly correct: boolean;
  readonly score: number | undefined;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Where it came from, for error messages (`records[4]`). */
  readonly where: string;
}

const countOf = (value: unknown, argument: string): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a token count (an integer ≥ 1), got ${describe(value)}`);
  }
  return value;
};

/** Checks one record and resolves `scale`/`tokens` and `correct`/`score` against `threshold`. */
export function checkRecord(value: unknown, where: string, threshold: number): CheckedRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw argumentError(ErrorCode.InvalidArgument, where, `expected a record object, got ${describe(value)}`);
  }
  const r = value as ScaleRecord;
  if (!((typeof r.id === 'string' && r.id !== '') || (typeof r.id === 'number' && Number.isFinite(r.id)))) {
    throw argumentError(ErrorCode.InvalidArgument, `${where}.id`, `expected a non-empty string or a number, got ${describe(r.id)}`);
  }
  if (r.scale === undefined && r.tokens === undefined) {
    throw argumentError(ErrorCode.InvalidArgument, `${where}.scale`, 'a record needs `scale` or `tokens`');
  }
  const scale = countOf(r.scale ?? r.tokens, r.scale === undefined ? `${where}.tokens` : `${where}.scale`);
  const tokens = r.tokens === undefined ? scale : countOf(r.tokens, `${where}.tokens`);

  let score: number | undefined;
  if (r.score !== undefined) {
    if (typeof r.score !== 'number' || !Number.isFinite(r.score)) {
      throw argumentError(ErrorCode.InvalidArgument, `${where}.score`, `expected a finite number, got ${describe(r.score)}`);
    }
    score = r.score;
  }
  let correct: boolean | undefined;
  if (r.correct !== undefined) {
    if (r.correct !== true && r.correct !== false && r.correct !== 0 && r.correct !== 1) {
      throw argumentError(ErrorCode.InvalidArgument, `${where}.correct`, `expected true, false, 0 or 1, got ${describe(r.correct)}`);
    }
    correct = r.correct === true || r.correct === 1;
  }
  if (correct === undefined && score === undefined) {
    throw argumentError(ErrorCode.InvalidArgument, `${where}.correct`, 'a record needs `correct` or `score`');
  }
  const graded = score === undefined ? undefined : score >= threshold;
  // Both given: they must agree, or the record says two different things.
  if (correct !== undefined && graded !== undefined && correct !== graded) {
    throw argumentError(
      ErrorCode.InvalidArgument,
      `${where}.correct`,
      `correct is ${correct} but score ${score} is ${graded ? '≥' : '<'} the threshold ${threshold}`,
    );
  }
  // Own fields only, in a null-prototype object: a group named `constructor` or `toString` is a
  // missing field, never a function inherited from Object.prototype; `__proto__` is a plain key.
  const fields = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (key !== 'id' && key !== 'scale' && key !== 'tokens' && key !== 'correct' && key !== 'score') {
      Object.defineProperty(fields, key, { value: r[key], enumerable: true, writable: true, configurable: true });
    }
  }
  return { id: String(r.id), scale, tokens, correct: (correct ?? graded)!, score, fields, where };
}
