import { ErrorCode, argumentError, assertTokenGrid, describe, type TokenGrid } from '@matryoshka/core';

/**
 * The predictor's input from what a pyramid already holds before any LLM call: the 1-token level
 * (the image's mean feature), per-channel spread of the 9-token level (where the image varies), and
 * three scalars — the 9 tokens' mean and largest distance from their centre relative to its norm
 * (how uneven the image is), and that norm — then an optional question embedding.
 * Length: 2 × channels + 3 + question length.
 */
export function coarseFeatures(one: TokenGrid, nine: TokenGrid, question?: ArrayLike<number>): Float32Array {
  assertTokenGrid(one, 'one');
  assertTokenGrid(nine, 'nine');
  const c = one.channels;
  if (one.frames * one.rows * one.cols !== 1) {
    throw argumentError(ErrorCode.ShapeMismatch, 'one', `expected the 1-token level, got ${one.frames}×${one.rows}×${one.cols} tokens`);
  }
  if (nine.frames * nine.rows * nine.cols !== 9 || nine.channels !== c) {
    throw argumentError(
      ErrorCode.ShapeMismatch,
      'nine',
      `expected the 9-token level with ${c} channels, got ${nine.frames * nine.rows * nine.cols} tokens of ${nine.channels}`,
    );
  }
  const q = question ?? [];
  if (typeof q !== 'object' || q === null || typeof q.length !== 'number') {
    throw argumentError(ErrorCode.InvalidArgument, 'question', `expected an embedding (array of numbers), got ${describe(question)}`);
  }
  const out = new Float32Array(2 * c + 3 + q.length);
  const centre = new Float64Array(c);
  for (let t = 0; t < 9; t++) for (let k = 0; k < c; k++) centre[k]! += nine.data[t * c + k]!;
  for (let k = 0; k < c; k++) centre[k]! /= 9;
  let norm = 0;
  for (let k = 0; k < c; k++) {
    out[k] = one.data[k]!;
    let variance = 0;
    for (let t = 0; t < 9; t++) variance += (nine.data[t * c + k]! - centre[k]!) ** 2;
    out[c + k] = Math.sqrt(variance / 9);
    norm += centre[k]! ** 2;
  }
  norm = Math.sqrt(norm);
  let meanDistance = 0;
  let maxDistance = 0;
  for (let t = 0; t < 9; t++) {
    let d = 0;
    for (let k = 0; k < c; k++) d += (nine.data[t * c + k]! - centre[k]!) ** 2;
    d = Math.sqrt(d);
    meanDistance += d / 9;
    maxDistance = Math.max(maxDistance, d);
  }
  // Relative to the norm so that feature scale (which differs between encoders) cancels out.
  const scale = norm > 0 ? norm : 1;
  out[2 * c] = meanDistance / scale;
  out[2 * c + 1] = maxDistance / scale;
  out[2 * c + 2] = norm;
  for (let k = 0; k < q.length; k++) {
    const v = q[k]!;
    if (!Number.isFinite(v)) throw argumentError(ErrorCode.NonFiniteValue, `question[${k}]`, `expected a finite number, got ${describe(v)}`);
    out[2 * c + 3 + k] = v;
  }
  for (let k = 0; k < 2 * c + 3; k++) {
    if (!Number.isFinite(out[k]!)) throw argumentError(ErrorCode.NonFiniteValue, k < c ? 'one.data' : 'nine.data', 'the levels hold NaN or ±Infinity');
  }
  return out;
}

/** Which function made a predictor's input (stored in the predictor file; old files are `coarse`). */
export type FeatureKind = 'coarse' | 'pyramid';
export const FEATURE_KINDS: readonly FeatureKind[] = ['coarse', 'pyramid'];

/**
 * How much of the full grid a coarser level keeps: the mean cosine similarity of each `full`
 * token with the `level` token whose window covers it (1 for the full level itself), clamped to
 * [0, 1]. Training-free and content-aware — a busy image loses more when pooled than a flat one —
 * so it can stand in for answer accuracy where no task-specific predictor exists.
 */
export function levelCoverage(full: TokenGrid, level: TokenGrid): number {
  assertTokenGrid(full, 'full');
  assertTokenGrid(level, 'level');
  if (level.channels !== full.channels) {
    throw argumentError(ErrorCode.ShapeMismatch, 'level', `${level.channels} channels against the full grid's ${full.channels}`);
  }
  return coverage(full, level);
}

function coverage(full: TokenGrid, level: TokenGrid): number {
  const C = full.channels;
  let total = 0;
  for (let r = 0; r < full.rows; r++) {
    const lr = Math.min(level.rows - 1, Math.floor((r * level.rows) / full.rows));
    for (let c = 0; c < full.cols; c++) {
      const lc = Math.min(level.cols - 1, Math.floor((c * level.cols) / full.cols));
      const a = (r * full.cols + c) * C;
      const b = (lr * level.cols + lc) * C;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let k = 0; k < C; k++) {
        const x = full.data[a + k]!;
        const y = level.data[b + k]!;
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      total += na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    }
  }
  return Math.min(1, Math.max(0, total / (full.rows * full.cols)));
}

/** Mean distance of a level's tokens from their centre, relative to the centre's norm, and that norm. */
function spread(level: TokenGrid): { relative: number; norm: number } {
  const C = level.channels;
  const T = level.rows * level.cols;
  const centre = new Float64Array(C);
  for (let t = 0; t < T; t++) for (let k = 0; k < C; k++) centre[k]! += level.data[t * C + k]! / T;
  let norm = 0;
  for (let k = 0; k < C; k++) norm += centre[k]! ** 2;
  norm = Math.sqrt(norm);
  let mean = 0;
  for (let t = 0; t < T; t++) {
    let d = 0;
    for (let k = 0; k < C; k++) d += (level.data[t * C + k]! - centre[k]!) ** 2;
    mean += Math.sqrt(d) / T;
  }
  return { relative: mean / (norm > 0 ? norm : 1), norm };
}

/**
 * A compact predictor input that carries how much detail an image holds: for a pyramid's levels
 * (ascending token counts, the last the reference, usually the full grid), the coverage of every
 * coarser level — the mean cosine similarity of each reference token with the coarse token covering
 * it, what a level keeps of the grid (1: nothing lost) — then the relative spread of every level
 * but the first (mean distance of its tokens from their centre over the centre's norm: how uneven
 * the image is at that resolution), then log(1 + the 1st level's norm), then the optional
 * question embedding. Scale-free apart from the last image number, and independent of the channel
 * count, so a predictor trained on it does not have 1,000+ content features to overfit.
 * Length: 2 × (levels − 1) + 1 + question length.
 */
export function pyramidFeatures(levels: readonly TokenGrid[], question?: ArrayLike<number>): Float32Array {
  if (!Array.isArray(levels) || levels.length < 2) {
    throw argumentError(ErrorCode.InvalidArgument, 'levels', `expected at least two pyramid levels (ascending token counts), got ${describe(levels)}`);
  }
  levels.forEach((l, i) => assertTokenGrid(l, `levels[${i}]`));
  const ref = levels[levels.length - 1]!;
  levels.forEach((l, i) => {
    if (l.channels !== ref.channels || l.frames !== 1) {
      throw argumentError(
        ErrorCode.ShapeMismatch,
        `levels[${i}]`,
        `expected one frame of ${ref.channels} channels like the last level, got ${l.frames}×${l.rows}×${l.cols}×${l.channels}`,
      );
    }
    if (i > 0 && l.rows * l.cols <= levels[i - 1]!.rows * levels[i - 1]!.cols) {
      throw argumentError(ErrorCode.ShapeMismatch, `levels[${i}]`, `expected more tokens than levels[${i - 1}] (ascending), got ${l.rows * l.cols}`);
    }
  });
  const q = question ?? [];
  if (typeof q !== 'object' || q === null || typeof q.length !== 'number') {
    throw argumentError(ErrorCode.InvalidArgument, 'question', `expected an embedding (array of numbers), got ${describe(question)}`);
  }
  const m = levels.length;
  const out = new Float32Array(2 * (m - 1) + 1 + q.length);
  for (let i = 0; i < m - 1; i++) out[i] = coverage(ref, levels[i]!);
  for (let i = 1; i < m; i++) out[m - 2 + i] = spread(levels[i]!).relative;
  out[2 * (m - 1)] = Math.log1p(spread(levels[0]!).norm);
  for (let k = 0; k < 2 * (m - 1) + 1; k++) {
    if (!Number.isFinite(out[k]!)) throw argumentError(ErrorCode.NonFiniteValue, 'levels', 'the levels hold NaN or ±Infinity');
  }
  for (let k = 0; k < q.length; k++) {
    const v = q[k]!;
    if (!Number.isFinite(v)) throw argumentError(ErrorCode.NonFiniteValue, `question[${k}]`, `expected a finite number, got ${describe(v)}`);
    out[2 * (m - 1) + 1 + k] = v;
  }
  return out;
}

/** What `predictorInput` needs of a pyramid: its level at a token count (a `TokenPyramid` has it). */
export interface LevelSource {
  at(tokens: number): TokenGrid;
}

/**
 * The input a predictor was trained on, from a pyramid and the question embedding: `coarseFeatures`
 * of the 1- and 9-token levels for `coarse` predictors, `pyramidFeatures` of the levels at the
 * predictor's scales for `pyramid` ones. Lets an app serve either kind of predictor file.
 */
export function predictorInput(
  predictor: { readonly input: FeatureKind; readonly scales: readonly number[] },
  pyramid: LevelSource,
  question?: ArrayLike<number>,
): Float32Array {
  if (typeof pyramid !== 'object' || pyramid === null || typeof pyramid.at !== 'function') {
    throw argumentError(ErrorCode.InvalidArgument, 'pyramid', `expected a pyramid with at(tokens), got ${describe(pyramid)}`);
  }
  if (predictor.input === 'coarse') return coarseFeatures(pyramid.at(1), pyramid.at(9), question);
  // pyramidFeatures reads the levels ascending (its feature layout); a predictor's scales run 576 → 1.
  return pyramidFeatures(
    [...predictor.scales].sort((a, b) => a - b).map((s) => pyramid.at(s)),
    question,
  );
}
