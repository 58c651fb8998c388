import { ErrorCode, argumentError, describe } from '@matryoshka/core';

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
  /** The scales the outputs answer, ascending. */
  readonly scales: readonly number[];
  /** Mean tokens per scale seen in training (what the budget policy charges by default). */
  readonly tokens: readonly number[];
  /** Features are standardised with the training set's mean and standard deviation first. */
  readonly featureMean: Float32Array;
  readonly featureStd: Float32Array;
  /** Hidden layers (relu) then the output layer (sigmoid, one unit per scale). */
  readonly layers: readonly DenseLayer[];
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

  constructor(params: PredictorParams) {
    this.params = params;
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
