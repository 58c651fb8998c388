import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ErrorCode, tokenGrid } from '@matryoshka/core';
import { readFileSync } from 'node:fs';
import { PREDICTOR_VERSION, buildSampleTable, coarseFeatures, joinFeatures, loadPredictor, savePredictor, seededRandom } from '../src/index.js';
import { matryoshkaLoss, trainPredictor } from '../src/train.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';
import { synthetic } from './helpers.js';

interface OldLayer {
  inputs: number;
  outputs: number;
  activation: 'relu' | 'sigmoid';
  weights: number[];
  bias: number[];
}

/** The forward pass read straight off a file's JSON, as version 1 meant it (float32 weights, float64 sums, outputs ascending). */
function referenceForward(file: { featureMean: number[]; featureStd: number[]; layers: OldLayer[] }, features: number[]): number[] {
  const f32 = (v: number) => Math.fround(v);
  let x = features.map((v, k) => (v - f32(file.featureMean[k]!)) / f32(file.featureStd[k]!));
  for (const l of file.layers) {
    const y = Array.from({ length: l.outputs }, (_, o) => f32(l.bias[o]!));
    for (let k = 0; k < l.inputs; k++) {
      if (x[k] === 0) continue;
      for (let o = 0; o < l.outputs; o++) y[o]! += x[k]! * f32(l.weights[k * l.outputs + o]!);
    }
    x = y.map((v) => (l.activation === 'relu' ? Math.max(0, v) : 1 / (1 + Math.exp(-v))));
  }
  return x;
}

const data = synthetic(240, 7);
const table = buildSampleTable(data.records);
const features = joinFeatures(table, data.features);
const train = () => trainPredictor(table, features, { hidden: [12], epochs: 6, seed: 42 });

describe('trainPredictor', () => {
  it('is reproducible: same seed, same weights; another seed, other weights', async () => {
    const before = tf.memory().numTensors;
    const [a, b, c] = [await train(), await train(), await trainPredictor(table, features, { hidden: [12], epochs: 6, seed: 43 })];
    expect(savePredictor(a.predictor)).toBe(savePredictor(b.predictor));
    expect(savePredictor(a.predictor)).not.toBe(savePredictor(c.predictor));
    expect(a.losses).toHaveLength(6);
    expect(a.losses.at(-1)!).toBeLessThan(a.losses[0]!);
    expect(tf.memory().numTensors).toBe(before); // every tensor it made is disposed
  });

  it("the plain-TypeScript forward pass matches tfjs's", async () => {
    const { predictor } = await train();
    const { featureMean, featureStd, layers } = predictor.params;
    const x = tf.tidy(() => {
      let h: tf.Tensor = tf.div(tf.sub(tf.tensor2d(features.map((f) => Array.from(f))), tf.tensor1d(featureMean)), tf.tensor1d(featureStd));
      layers.forEach((l) => {
        h = tf.add(tf.matMul(h, tf.tensor2d(l.weights, [l.inputs, l.outputs])), tf.tensor1d(l.bias));
        h = l.activation === 'relu' ? tf.relu(h) : tf.sigmoid(h);
      });
      return h;
    });
    const expected = x.arraySync() as number[][];
    x.dispose();
    let diff = 0;
    predictor.predictBatch(features).forEach((p, i) => p.forEach((v, j) => (diff = Math.max(diff, Math.abs(v - expected[i]![j]!)))));
    expect(diff).toBeLessThan(1e-5);
  });

  it('rejects bad options and mismatched features', async () => {
    await expect(trainPredictor(table, features.slice(1))).rejects.toMatchObject({ code: ErrorCode.ShapeMismatch, argument: 'features' });
    await expect(trainPredictor(table, features, { epochs: 0 })).rejects.toMatchObject({ argument: 'options.epochs' });
    await expect(trainPredictor(table, features, { hidden: [0] })).rejects.toMatchObject({ argument: 'options.hidden[0]' });
    await expect(trainPredictor(table, features, { learningRate: -1 })).rejects.toMatchObject({ argument: 'options.learningRate' });
    await expect(trainPredictor(table, features, { scaleWeights: [1] })).rejects.toMatchObject({ argument: 'options.scaleWeights' });
  });
});

describe('predictor files', () => {
  it('round-trip exactly', async () => {
    const { predictor } = await train();
    const text = savePredictor(predictor, { seed: 42 });
    const loaded = loadPredictor(text);
    expect(loaded.scales).toEqual([576, 144, 36, 9, 1]);
    expect(JSON.parse(text).version).toBe(PREDICTOR_VERSION);
    expect(loaded.predict(features[0]!)).toEqual(predictor.predict(features[0]!));
    expect(savePredictor(loaded, { seed: 42 })).toBe(text);
  });

  it('another version, another format or a corrupt file gives a clear error naming the field', async () => {
    const file = JSON.parse(savePredictor((await train()).predictor)) as Record<string, unknown> & { layers: { weights: unknown[] }[] };
    const e = expectMatryoshkaError(() => loadPredictor({ ...file, version: PREDICTOR_VERSION + 1 }), ErrorCode.InvalidArgument, 'predictor.version');
    expect(e.message).toContain(`version ${PREDICTOR_VERSION}`);
    expectMatryoshkaError(() => loadPredictor({ ...file, format: 'onnx' }), ErrorCode.InvalidArgument, 'predictor.format');
    expectMatryoshkaError(() => loadPredictor('{"format": "matryoshka-scale-predictor", "vers'), ErrorCode.InvalidArgument, 'predictor');
    expectMatryoshkaError(() => loadPredictor('[1, 2]'), ErrorCode.InvalidArgument, 'predictor');
    const corrupt = structuredClone(file);
    corrupt.layers[0]!.weights[7] = null;
    expectMatryoshkaError(() => loadPredictor(corrupt), ErrorCode.InvalidArgument, 'predictor.layers[0].weights[7]');
    const short = structuredClone(file);
    short.layers[1]!.weights.pop();
    expectMatryoshkaError(() => loadPredictor(short), ErrorCode.InvalidArgument, 'predictor.layers[1].weights');
    expectMatryoshkaError(
      () => loadPredictor({ ...file, featureStd: (file.featureStd as number[]).map(() => 0) }),
      ErrorCode.InvalidArgument,
      'predictor.featureStd[0]',
    );
    expectMatryoshkaError(() => loadPredictor({ ...file, scales: [144, 576, 36, 9, 1] }), ErrorCode.InvalidArgument, 'predictor.scales');
    expectMatryoshkaError(() => loadPredictor({ ...file, tokens: [1, 9] }), ErrorCode.InvalidArgument, 'predictor.tokens');
  });

  it('a version 1 file (ascending scales) loads descending with the same predictions, and saves as the current version', () => {
    // The mosaic-QA demo predictor as committed in version 1 (ascending, pyramid input).
    const text = readFileSync(new URL('./fixtures/predictor-v1.json', import.meta.url), 'utf8');
    const old = JSON.parse(text) as { version: number; scales: number[]; featureSize: number; featureMean: number[]; featureStd: number[]; layers: OldLayer[] };
    expect(old.version).toBe(1);
    expect(old.scales).toEqual([1, 9, 36, 144, 576]);
    const loaded = loadPredictor(text);
    expect(loaded.scales).toEqual([576, 144, 36, 9, 1]);
    const random = seededRandom(5);
    for (let trial = 0; trial < 20; trial++) {
      const x = Array.from({ length: old.featureSize }, (_, k) => old.featureMean[k]! + (random() - 0.5) * 4 * old.featureStd[k]!);
      const ascending = referenceForward(old, x);
      // Identical numbers (the same float32 weights, the same sums), reversed.
      expect(Array.from(loaded.predict(x))).toEqual(ascending.reverse());
    }
    const resaved = JSON.parse(savePredictor(loaded)) as { version: number; scales: number[] };
    expect(resaved.version).toBe(PREDICTOR_VERSION);
    expect(resaved.scales).toEqual([576, 144, 36, 9, 1]);
    const x = old.featureMean;
    expect(Array.from(loadPredictor(resaved).predict(x))).toEqual(Array.from(loaded.predict(x)));
    // A version 1 file that is not ascending is refused like a corrupt one.
    expectMatryoshkaError(() => loadPredictor({ ...JSON.parse(text), scales: [576, 144, 36, 9, 1] }), ErrorCode.InvalidArgument, 'predictor.scales');
  });

  it('predict checks its input', async () => {
    const { predictor } = await train();
    expectMatryoshkaError(() => predictor.predict([1, 2]), ErrorCode.ShapeMismatch, 'features');
    expectMatryoshkaError(() => predictor.predict(new Float32Array(8).fill(Number.NaN)), ErrorCode.NonFiniteValue, 'features[0]');
  });
});

describe('matryoshkaLoss', () => {
  const bce = (t: tf.Tensor, p: tf.Tensor) => tf.losses.sigmoidCrossEntropy(t, p);
  const preds = [tf.tensor2d([[0.5], [-1]]), tf.tensor2d([[2], [0.1]]), tf.tensor2d([[-0.3], [1.2]])];
  const labels = tf.tensor2d([[1], [0]]);
  const value = (t: tf.Tensor) => t.dataSync()[0]!;
  const each = preds.map((p) => value(bce(labels, p)));

  it('is the mean of the per-scale losses (M3), or their weighted mean', () => {
    expect(value(matryoshkaLoss(bce, preds, labels))).toBeCloseTo((each[0]! + each[1]! + each[2]!) / 3, 6);
    expect(value(matryoshkaLoss(bce, preds, labels, [1, 0, 3]))).toBeCloseTo((each[0]! + 3 * each[2]!) / 4, 6);
    expect(value(matryoshkaLoss(bce, preds, [labels, labels, labels]))).toBeCloseTo((each[0]! + each[1]! + each[2]!) / 3, 6);
    // per-example losses are averaged
    const perExample = (t: tf.Tensor, p: tf.Tensor) => tf.abs(tf.sub(t, p));
    expect(value(matryoshkaLoss(perExample, [tf.tensor1d([1, 3])], tf.tensor1d([0, 0])))).toBeCloseTo(2, 6);
  });

  it('is differentiable: gradients reach every scale', () => {
    const w = tf.variable(tf.scalar(0.5));
    const { grads } = tf.variableGrads(
      () =>
        matryoshkaLoss(
          bce,
          preds.map((p) => tf.mul(p, w)),
          labels,
        ),
      [w],
    );
    expect(Number.isFinite(value(grads[w.name]!))).toBe(true);
    expect(Math.abs(value(grads[w.name]!))).toBeGreaterThan(0);
  });

  it('rejects mismatched inputs and weights', () => {
    expectMatryoshkaError(() => matryoshkaLoss(bce, [], labels), ErrorCode.InvalidArgument, 'predictionsPerScale');
    expectMatryoshkaError(() => matryoshkaLoss(bce, preds, [labels]), ErrorCode.ShapeMismatch, 'labels');
    expectMatryoshkaError(() => matryoshkaLoss(bce, preds, labels, [1, 1]), ErrorCode.InvalidArgument, 'weights');
    expectMatryoshkaError(() => matryoshkaLoss(bce, preds, labels, [0, 0, 0]), ErrorCode.InvalidArgument, 'weights');
    expectMatryoshkaError(() => matryoshkaLoss(bce, preds, labels, [1, -1, 1]), ErrorCode.InvalidArgument, 'weights');
    expectMatryoshkaError(() => matryoshkaLoss('bce' as never, preds, labels), ErrorCode.InvalidArgument, 'lossFn');
  });
});

describe('coarseFeatures', () => {
  it('the 1-token vector, the 9 tokens’ spread, three scalars, then the question', () => {
    const one = tokenGrid(new Float32Array([1, 2]), { rows: 1, cols: 1, channels: 2 });
    const nineData = new Float32Array(18);
    for (let t = 0; t < 9; t++) nineData.set([1, 2 + (t === 4 ? 9 : 0)], t * 2); // one token differs in channel 1
    const nine = tokenGrid(nineData, { rows: 3, cols: 3, channels: 2 });
    const f = coarseFeatures(one, nine, [0.5]);
    expect(f).toHaveLength(2 * 2 + 3 + 1);
    expect(Array.from(f.subarray(0, 2))).toEqual([1, 2]);
    expect(f[2]).toBe(0); // channel 0 is 1 everywhere
    expect(f[3]).toBeCloseTo(Math.sqrt(72 / 9), 6); // eight 2s and one 11: mean 3, squared deviations 8 × 1 + 64
    const norm = Math.hypot(1, 3);
    expect(f[6]).toBeCloseTo(norm, 6);
    expect(f[5]).toBeCloseTo(8 / norm, 5); // the odd token is 8 from the centre
    expect(f[7]).toBe(0.5);
  });

  it('checks the levels', () => {
    const grid = (rows: number, cols: number, channels = 2) => tokenGrid(new Float32Array(rows * cols * channels), { rows, cols, channels });
    expectMatryoshkaError(() => coarseFeatures(grid(2, 2), grid(3, 3)), ErrorCode.ShapeMismatch, 'one');
    expectMatryoshkaError(() => coarseFeatures(grid(1, 1), grid(2, 2)), ErrorCode.ShapeMismatch, 'nine');
    expectMatryoshkaError(() => coarseFeatures(grid(1, 1), grid(3, 3, 4)), ErrorCode.ShapeMismatch, 'nine');
    expectMatryoshkaError(() => coarseFeatures(grid(1, 1), grid(3, 3), [Number.NaN]), ErrorCode.NonFiniteValue, 'question[0]');
  });
});
