import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@matryoshka/core';
import { ScalePredictor, buildSampleTable, joinFeatures, loadPredictor, savePredictor, type PredictorParams } from '../src/index.js';
import { trainPredictor } from '../src/train.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';
import { synthetic } from './helpers.js';

const SCALES = [576, 144, 36, 9, 1]; // descending, like a pyramid's levels
/** A valid 3-input, one-hidden-layer predictor. */
const params = (): PredictorParams => ({
  scales: SCALES,
  tokens: SCALES,
  featureMean: new Float32Array(3),
  featureStd: new Float32Array(3).fill(1),
  layers: [
    { inputs: 3, outputs: 2, activation: 'relu', weights: Float32Array.from([1, -1, 0.5, 0.5, -1, 1]), bias: new Float32Array(2) },
    { inputs: 2, outputs: 5, activation: 'sigmoid', weights: new Float32Array(10).fill(0.3), bias: new Float32Array(5) },
  ],
});

describe('ScalePredictor validates its parameters', () => {
  it('accepts a valid predictor', () => {
    expect(new ScalePredictor(params()).predict([1, 2, 3])).toHaveLength(5);
  });

  it('refuses wrong shapes and non-finite values, naming the field', () => {
    /** The parameters with every field writable and loosely typed, to break them on purpose. */
    interface Loose {
      scales: unknown;
      tokens: unknown;
      featureStd: unknown;
      input?: unknown;
      layers: { inputs: unknown; outputs: unknown; activation: unknown; weights: Float32Array; bias: Float32Array }[];
    }
    const with_ = (change: (p: Loose) => void) => {
      const p = params() as unknown as Loose;
      change(p);
      return () => new ScalePredictor(p as unknown as PredictorParams);
    };
    expectMatryoshkaError(
      with_((p) => (p.scales = [144, 576, 36, 9, 1])),
      ErrorCode.InvalidArgument,
      'params.scales',
    );
    expectMatryoshkaError(
      with_((p) => (p.tokens = [1, 9])),
      ErrorCode.InvalidArgument,
      'params.tokens',
    );
    expectMatryoshkaError(
      with_((p) => (p.featureStd = new Float32Array(3))),
      ErrorCode.NonFiniteValue,
      'params.featureStd[0]',
    );
    expectMatryoshkaError(
      with_((p) => (p.featureStd = new Float32Array(2).fill(1))),
      ErrorCode.ShapeMismatch,
      'params.featureStd',
    );
    expectMatryoshkaError(
      with_((p) => p.layers[0]!.weights.fill(Number.NaN)),
      ErrorCode.NonFiniteValue,
      'params.layers[0].weights[0]',
    );
    expectMatryoshkaError(
      with_((p) => (p.layers[1]!.bias[4] = Infinity)),
      ErrorCode.NonFiniteValue,
      'params.layers[1].bias[4]',
    );
    expectMatryoshkaError(
      with_((p) => (p.layers[1]!.inputs = 3)),
      ErrorCode.ShapeMismatch,
      'params.layers[1].inputs',
    );
    expectMatryoshkaError(
      with_((p) => (p.layers[1]!.outputs = 4)),
      ErrorCode.ShapeMismatch,
      'params.layers[1].outputs',
    );
    expectMatryoshkaError(
      with_((p) => (p.layers[0]!.weights = new Float32Array(5))),
      ErrorCode.ShapeMismatch,
      'params.layers[0].weights',
    );
    expectMatryoshkaError(
      with_((p) => (p.layers[1]!.activation = 'relu')),
      ErrorCode.InvalidArgument,
      'params.layers[1].activation',
    );
    expectMatryoshkaError(
      with_((p) => (p.layers = [])),
      ErrorCode.InvalidArgument,
      'params.layers',
    );
    expectMatryoshkaError(
      with_((p) => (p.input = 'pixels')),
      ErrorCode.InvalidArgument,
      'params.input',
    );
  });

  it('predict gives finite probabilities or a coded error, never NaN (huge features)', () => {
    const predictor = new ScalePredictor(params());
    for (const x of [
      [1e30, 1e30, 1e30],
      [-1e38, 3e38, 0],
      [1e300, -1e300, 1e300],
    ]) {
      let out: Float64Array | undefined;
      try {
        out = predictor.predict(x);
      } catch (error) {
        expect((error as { code: string }).code).toBe(ErrorCode.NonFiniteValue);
        continue;
      }
      expect(out.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)).toBe(true);
    }
    // The first layer overflows to Infinity (and would give NaN further on): the error, not NaN.
    expectMatryoshkaError(() => predictor.predict([1.5e308, 1.5e308, 0]), ErrorCode.NonFiniteValue, 'features');
  });

  it('savePredictor refuses non-finite weights (they could never be loaded back)', () => {
    const predictor = new ScalePredictor(params());
    // The constructor checked them; a caller that mutates the arrays afterwards is caught on save.
    predictor.params.layers[1]!.weights[3] = Number.NaN;
    expectMatryoshkaError(() => savePredictor(predictor), ErrorCode.NonFiniteValue, 'predictor.layers[1].weights[3]');
  });

  it('the input kind round-trips through the file; older files are coarse', () => {
    const pyramid = new ScalePredictor({ ...params(), input: 'pyramid' });
    expect(loadPredictor(savePredictor(pyramid)).input).toBe('pyramid');
    const coarse = savePredictor(new ScalePredictor(params()));
    expect(JSON.parse(coarse)).not.toHaveProperty('input');
    expect(loadPredictor(coarse).input).toBe('coarse');
    expectMatryoshkaError(() => loadPredictor({ ...JSON.parse(coarse), input: 'pixels' }), ErrorCode.InvalidArgument, 'predictor.input');
  });
});

describe('trainPredictor', () => {
  const data = synthetic(200, 5);
  const table = buildSampleTable(data.records);
  const features = joinFeatures(table, data.features);

  it('throws a coded error when training diverges (a huge learning rate), instead of returning NaN weights', async () => {
    await expect(trainPredictor(table, features, { hidden: [8], epochs: 3, learningRate: 1e30, seed: 1 })).rejects.toMatchObject({
      name: 'MatryoshkaError',
      code: ErrorCode.NonFiniteValue,
      argument: 'options.learningRate',
    });
  });

  it('learns soft targets (expected correctness) and checks them', async () => {
    const m = table.scales.length;
    const targets = table.ids.map((_, i) => Float64Array.from({ length: m }, (_, j) => 0.25 + 0.5 * table.correct[i * m + j]!));
    const { predictor } = await trainPredictor(table, features, { hidden: [8], epochs: 30, seed: 1, targets, input: 'pyramid' });
    expect(predictor.input).toBe('pyramid');
    // Soft targets stay inside [0.25, 0.75]: the fitted probabilities follow them (means per scale
    // within 0.05) and stay away from the 0/1 that hard labels push towards.
    // The predictor answers 576 → 1; the table (and the targets) run ascending.
    expect(predictor.scales).toEqual([...table.scales].reverse());
    const rows = predictor.predictBatch(features);
    for (let j = 0; j < m; j++) {
      const mean = (list: readonly ArrayLike<number>[], at: number) => list.reduce((s, r) => s + r[at]!, 0) / list.length;
      expect(Math.abs(mean(rows, m - 1 - j) - mean(targets, j))).toBeLessThan(0.05);
    }
    const p = rows.flatMap((r) => Array.from(r));
    expect(Math.min(...p)).toBeGreaterThan(0.05);
    expect(Math.max(...p)).toBeLessThan(0.95);
    await expect(trainPredictor(table, features, { targets: targets.slice(1) })).rejects.toMatchObject({
      code: ErrorCode.ShapeMismatch,
      argument: 'options.targets',
    });
    const bad = targets.map((r) => Float64Array.from(r));
    bad[3]![2] = 1.5;
    await expect(trainPredictor(table, features, { targets: bad })).rejects.toMatchObject({ argument: 'options.targets[3][2]' });
    await expect(trainPredictor(table, features, { input: 'pixels' as never })).rejects.toMatchObject({ argument: 'options.input' });
  });
});
