import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, optionsObject, positiveInt } from '@matryoshka/core/backend';
import { FEATURE_KINDS, type FeatureKind } from '../predictor/features.js';

export interface TrainOptions {
  /** Hidden layer widths (relu). Default `[32]`; `[]` is a logistic regression per scale. */
  hidden?: readonly number[];
  /** Passes over the data. Default 40. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Adam's learning rate. Default 0.01. */
  learningRate?: number;
  /** L2 penalty on the weights. Default 1e-4. */
  l2?: number;
  /** Same seed, same data, same backend → the same weights. Default 0. */
  seed?: number;
  /** Per-scale weights of the Matryoshka objective (default: the plain mean over scales). */
  scaleWeights?: readonly number[];
  /** The tfjs backend to train on. Default `'cpu'` (deterministic). */
  backend?: string;
  /**
   * Soft targets instead of the table's 0/1 correctness: per table row, one value in [0, 1] per
   * scale — e.g. the mean correctness of several answer models trained with different seeds, which
   * takes the coin-flip part out of yes/no answers (the predictor then learns expected correctness).
   */
  targets?: readonly ArrayLike<number>[];
  /** Which function made the features (stored in the predictor file). Default `'coarse'`. */
  input?: FeatureKind;
  /** Called after every epoch with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface ResolvedTrainOptions {
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
  readonly scaleWeights: readonly number[] | undefined;
  readonly backend: string;
  readonly input: FeatureKind;
  readonly onEpoch: ((epoch: number, loss: number) => void) | undefined;
}

function nonNegative(value: unknown, fallback: number, argument: string, positive = false): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a ${positive ? 'positive' : 'non-negative'} number, got ${describe(v)}`);
  }
  return v;
}

export function resolveTrainOptions(options: TrainOptions | undefined): ResolvedTrainOptions {
  const o = optionsObject(options, 'options');
  const hidden = o.hidden ?? [32];
  if (!Array.isArray(hidden)) throw argumentError(ErrorCode.InvalidArgument, 'options.hidden', `expected an array of layer widths, got ${describe(hidden)}`);
  if (o.onEpoch !== undefined && typeof o.onEpoch !== 'function') {
    throw argumentError(ErrorCode.InvalidArgument, 'options.onEpoch', `expected a function, got ${describe(o.onEpoch)}`);
  }
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw argumentError(ErrorCode.InvalidArgument, 'options.seed', `expected an integer, got ${describe(seed)}`);
  return {
    hidden: hidden.map((h, i) => positiveInt(h, `options.hidden[${i}]`)),
    epochs: positiveInt(o.epochs ?? 40, 'options.epochs'),
    batchSize: positiveInt(o.batchSize ?? 32, 'options.batchSize'),
    learningRate: nonNegative(o.learningRate, 0.01, 'options.learningRate', true),
    l2: nonNegative(o.l2, 1e-4, 'options.l2'),
    seed,
    scaleWeights: o.scaleWeights,
    backend: typeof o.backend === 'string' ? o.backend : 'cpu',
    input: o.input === undefined ? 'coarse' : oneOfKind(o.input),
    onEpoch: o.onEpoch,
  };
}

function oneOfKind(value: unknown): FeatureKind {
  if (!FEATURE_KINDS.includes(value as FeatureKind))
    throw argumentError(ErrorCode.InvalidArgument, 'options.input', `expected one of ${FEATURE_KINDS.join(', ')}, got ${describe(value)}`);
  return value as FeatureKind;
}
