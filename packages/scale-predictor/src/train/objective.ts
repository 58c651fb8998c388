import type * as tf from '@tensorflow/tfjs-core';
import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import { tfjs } from './tfjs.js';

/** A loss in TensorFlow.js's argument order: `(labels, predictions)` → a scalar (or per-example losses, averaged). */
export type LossFunction = (labels: tf.Tensor, predictions: tf.Tensor) => tf.Tensor;

/**
 * The Matryoshka objective (M3, PAPER.md): the loss at every scale of the pyramid, averaged —
 * M3 trains each step on all scales (mean over M = 5 of the NLL), which beat sampling one scale
 * per step. `weights` (one per scale, ≥ 0, not all 0) give a weighted mean instead.
 *
 * `labels` is one tensor shared by every scale (M3: the same answer whatever the token count) or
 * one per scale (a scale predictor: correctness differs per scale). Differentiable: call it
 * inside `optimizer.minimize` / `tf.variableGrads` (gradients must be registered, as
 * `@tensorflow/tfjs` or this package's `trainPredictor` does).
 */
export function matryoshkaLoss(
  lossFn: LossFunction,
  predictionsPerScale: readonly tf.Tensor[],
  labels: tf.Tensor | readonly tf.Tensor[],
  weights?: readonly number[],
): tf.Scalar {
  const core = tfjs();
  if (typeof lossFn !== 'function')
    throw argumentError(ErrorCode.InvalidArgument, 'lossFn', `expected a function (labels, predictions) => loss, got ${describe(lossFn)}`);
  if (!Array.isArray(predictionsPerScale) || predictionsPerScale.length === 0 || !predictionsPerScale.every((p) => p instanceof core.Tensor)) {
    throw argumentError(
      ErrorCode.InvalidArgument,
      'predictionsPerScale',
      `expected a non-empty array of tensors (one per scale), got ${describe(predictionsPerScale)}`,
    );
  }
  const m = predictionsPerScale.length;
  const perScale = Array.isArray(labels);
  if (perScale ? labels.length !== m || !labels.every((l) => l instanceof core.Tensor) : !(labels instanceof core.Tensor)) {
    throw argumentError(ErrorCode.ShapeMismatch, 'labels', `expected a tensor or ${m} tensors (one per scale), got ${describe(labels)}`);
  }
  const w = weights ?? new Array<number>(m).fill(1);
  if (!Array.isArray(w) || w.length !== m || w.some((x) => typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x))) {
    throw argumentError(ErrorCode.InvalidArgument, 'weights', `expected ${m} finite weights ≥ 0, got ${describe(weights)}`);
  }
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw argumentError(ErrorCode.InvalidArgument, 'weights', 'the weights sum to 0');
  return core.tidy(() => {
    let sum: tf.Tensor | undefined;
    predictionsPerScale.forEach((predictions, j) => {
      if (w[j] === 0) return;
      const target = perScale ? (labels as readonly tf.Tensor[])[j]! : (labels as tf.Tensor);
      let loss = lossFn(target, predictions);
      if (loss.rank > 0) loss = core.mean(loss);
      const term = core.mul(loss, w[j]! / total);
      sum = sum === undefined ? term : core.add(sum, term);
    });
    return sum as tf.Scalar;
  });
}
