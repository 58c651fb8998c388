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
    throw argumentError(ErrorCode.ShapeMismatch, 'nine', `expected the 9-token level with ${c} channels, got ${nine.frames * nine.rows * nine.cols} tokens of ${nine.channels}`);
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
