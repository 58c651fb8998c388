import { ErrorCode, argumentError, describe } from '@matryoshka/core';
import { FEATURE_KINDS, type FeatureKind } from './features.js';

export type Activation = 'relu' | 'sigmoid';

/** One dense layer: `out = activation(in · weights + bias)`; `weights` is row-major `[inputs][outputs]`. */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: Activation;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** Everything a predictor needs at run time: plain arrays, no tfjs. */
export interface PredictorParams {
  /** The scales the outputs answer, descending like a pyramid's levels (576 → 1). */
  readonly scales: readonly number[];
  /** Mean tokens per scale seen in training (what the budget policy charges by default). */
  readonly tokens: readonly number[];
  /** Features are standardised with the training set's mean and standard deviation first. */
  readonly featureMean: Float32Array;
  readonly featureStd: Float32Array;
  /** Hidden layers (relu) then the output layer (sigmoid, one unit per scale). */
  readonly layers: readonly DenseLayer[];
  /** Which function makes the input (see `predictorInput`). Default `'coarse'`. */
  readonly input?: FeatureKind;
}

const bad = (argument: string, message: string, code: ErrorCode = ErrorCode.InvalidArgument) => argumentError(code, argument, message);

function finiteArray(value: unknown, length: number, argument: string, positive = false): void {
  if (!(value instanceof Float32Array) || value.length !== length)
    throw bad(argument, `expected a Float32Array of ${length} values, got ${describe(value)}`, ErrorCode.ShapeMismatch);
  for (let i = 0; i < length; i++) {
    const v = value[i]!;
    if (!Number.isFinite(v) || (positive && !(v > 0)))
      throw bad(`${argument}[${i}]`, `expected a finite${positive ? ' positive' : ''} number, got ${describe(v)}`, ErrorCode.NonFiniteValue);
  }
}

/** Checks every shape and value of a predictor's parameters: a bad one is a coded error naming the field, never a predictor that returns NaN. */
function checkParams(params: PredictorParams): void {
  if (typeof params !== 'object' || params === null) throw bad('params', `expected predictor parameters, got ${describe(params)}`);
  const { scales, tokens, featureMean, layers } = params;
  if (!Array.isArray(scales) || scales.length === 0 || scales.some((s, i) => !Number.isSafeInteger(s) || s < 1 || (i > 0 && s >= scales[i - 1]!))) {
    throw bad('params.scales', `expected descending positive integer token counts, got ${describe(scales)}`);
  }
  if (!Array.isArray(tokens) || tokens.length !== scales.length || tokens.some((t) => typeof t !== 'number' || !Number.isFinite(t) || !(t > 0))) {
    throw bad('params.tokens', `expected ${scales.length} positive token counts (one per scale), got ${describe(tokens)}`);
  }
  if (!(featureMean instanceof Float32Array) || featureMean.length === 0)
    throw bad('params.featureMean', `expected a non-empty Float32Array, got ${describe(featureMean)}`);
  const size = featureMean.length;
  finiteArray(featureMean, size, 'params.featureMean');
  finiteArray(params.featureStd, size, 'params.featureStd', true);
  if (params.input !== undefined && !FEATURE_KINDS.includes(params.input))
    throw bad('params.input', `expected one of ${FEATURE_KINDS.join(', ')}, got ${describe(params.input)}`);
  if (!Array.isArray(layers) || layers.length === 0) throw bad('params.layers', `expected a non-empty array of layers, got ${describe(layers)}`);
  let inputs = size;
  layers.forEach((l, i) => {
    const where = `params.layers[${i}]`;
    if (typeof l !== 'object' || l === null) throw bad(where, `expected a layer, got ${describe(l)}`);
    const last = i === layers.length - 1;
    if (l.inputs !== inputs)
      throw bad(`${where}.inputs`, `expected ${inputs} (the previous layer's outputs), got ${describe(l.inputs)}`, ErrorCode.ShapeMismatch);
    const outputs = last ? scales.length : l.outputs;
    if (l.outputs !== outputs || !Number.isSafeInteger(outputs) || outputs < 1) {
      throw bad(
        `${where}.outputs`,
        `expected ${last ? `${scales.length} (one per scale)` : 'a positive integer'}, got ${describe(l.outputs)}`,
        ErrorCode.ShapeMismatch,
      );
    }
    const activation = last ? 'sigmoid' : 'relu';
    if (l.activation !== activation) throw bad(`${where}.activation`, `expected '${activation}', got ${describe(l.activation)}`);
    finiteArray(l.weights, inputs * outputs, `${where}.weights`);
    finiteArray(l.bias, outputs, `${where}.bias`);
    inputs = outputs;
  });
}

/**
 * A trained scale predictor. `predict` is a plain-TypeScript forward pass (float64
 * accumulation), so apps that only run it need no TensorFlow.js.
 */
export class ScalePredictor {
  readonly scales: readonly number[];
  readonly tokens: readonly number[];
  readonly featureSize: number;
  readonly params: PredictorParams;
  /** Which function makes this predictor's input (see `predictorInput`). */
  readonly input: FeatureKind;

  /** Validates every shape and value first (a `MatryoshkaError` naming the field at fault). */
  constructor(params: PredictorParams) {
    checkParams(params);
    this.params = params;
    this.input = params.input ?? 'coarse';
    this.scales = params.scales;
    this.tokens = params.tokens;
    this.featureSize = params.featureMean.length;
  }

  /** The probability of a correct answer at each scale, for one sample's features. */
  predict(features: ArrayLike<number>, argument = 'features'): Float64Array {
    if (features === null || typeof features !== 'object' || features.length !== this.featureSize) {
      throw argumentError(ErrorCode.ShapeMismatch, argument, `expected ${this.featureSize} features, got ${describe(features)}`);
    }
    const { featureMean, featureStd, layers } = this.params;
    let x = new Float64Array(this.featureSize);
    for (let k = 0; k < x.length; k++) {
      const v = features[k]!;
      if (!Number.isFinite(v)) throw argumentError(ErrorCode.NonFiniteValue, `${argument}[${k}]`, `expected a finite number, got ${describe(v)}`);
      x[k] = (v - featureMean[k]!) / featureStd[k]!;
    }
    for (const layer of layers) {
      const y = new Float64Array(layer.outputs);
      for (let o = 0; o < layer.outputs; o++) y[o] = layer.bias[o]!;
      for (let k = 0; k < layer.inputs; k++) {
        const xk = x[k]!;
        if (xk === 0) continue;
        const row = k * layer.outputs;
        for (let o = 0; o < layer.outputs; o++) y[o]! += xk * layer.weights[row + o]!;
      }
      for (let o = 0; o < layer.outputs; o++) {
        // Finite weights and features can still overflow (features of 1e300): an error, never NaN.
        if (!Number.isFinite(y[o]!)) {
          throw argumentError(
            ErrorCode.NonFiniteValue,
            argument,
            `the features overflow the predictor (layer ${layers.indexOf(layer)} reached ${y[o]}); they are far outside what it was trained on`,
          );
        }
        y[o] = layer.activation === 'relu' ? Math.max(0, y[o]!) : 1 / (1 + Math.exp(-y[o]!));
      }
      x = y;
    }
    return x;
  }

  /** `predict` for many samples. */
  predictBatch(features: readonly ArrayLike<number>[]): Float64Array[] {
    if (!Array.isArray(features)) throw argumentError(ErrorCode.InvalidArgument, 'features', `expected an array of feature vectors, got ${describe(features)}`);
    return features.map((f, i) => this.predict(f, `features[${i}]`));
  }
}
