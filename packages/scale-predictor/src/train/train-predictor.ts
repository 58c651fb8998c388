// TensorFlow.js (an optional peer) is loaded on first use by tfjs(), with the cpu backend and
// tfjs-layers: tfjs-core registers no gradients on its own in Node (its register_all_gradients
// module is ESM-only); tfjs-layers' Node build registers them all when loaded.
import { tfjs } from './tfjs.js';
import { ErrorCode, MatryoshkaError, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import type { SampleTable } from '../oracle/sample-table.js';
import { ScalePredictor, type DenseLayer } from '../predictor/model.js';
import { descendingScales } from '../predictor/order.js';
import { seededRandom, shuffle } from '../predictor/random.js';
import { matryoshkaLoss } from './objective.js';
import { resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './options.js';

export interface TrainedPredictor {
  readonly predictor: ScalePredictor;
  /** Mean training loss per epoch. */
  readonly losses: readonly number[];
  readonly options: Omit<ResolvedTrainOptions, 'onEpoch'>;
}

/** Column means and standard deviations; a constant column gets std 1 (it carries no signal). */
function standardisation(features: readonly Float32Array[], size: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float64Array(size);
  const sq = new Float64Array(size);
  for (const f of features) for (let k = 0; k < size; k++) mean[k]! += f[k]! / features.length;
  for (const f of features) for (let k = 0; k < size; k++) sq[k]! += (f[k]! - mean[k]!) ** 2 / features.length;
  const std = Float32Array.from(sq, (v) => (v > 1e-12 ? Math.sqrt(v) : 1));
  return { mean: Float32Array.from(mean), std };
}

/**
 * Trains a scale predictor: an MLP from a sample's cheap features to, per scale, the probability
 * that the answer is correct (sigmoid outputs), with the Matryoshka objective — binary
 * cross-entropy at every scale, averaged. Initial weights (Glorot-uniform) and batch order come
 * from a seeded generator and training runs on tfjs's CPU backend, so the same seed gives the same
 * weights. `features[i]` belongs to `table.ids[i]` (see `joinFeatures`).
 */
export async function trainPredictor(table: SampleTable, features: readonly ArrayLike<number>[], options?: TrainOptions): Promise<TrainedPredictor> {
  const o = resolveTrainOptions(options);
  const n = table.ids.length;
  const m = table.scales.length;
  if (!Array.isArray(features) || features.length !== n) {
    throw argumentError(ErrorCode.ShapeMismatch, 'features', `expected ${n} feature vectors (one per table row), got ${describe(features)}`);
  }
  const size = features[0]!.length;
  const rows = features.map((f, i) => {
    if (f.length !== size || size === 0) throw argumentError(ErrorCode.ShapeMismatch, `features[${i}]`, `expected ${size} features, got ${f.length}`);
    const row = Float32Array.from(f);
    if (!row.every(Number.isFinite)) throw argumentError(ErrorCode.NonFiniteValue, `features[${i}]`, 'the features hold NaN or ±Infinity');
    return row;
  });
  if (o.scaleWeights !== undefined && o.scaleWeights.length !== m) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.scaleWeights', `expected ${m} weights (one per scale), got ${describe(o.scaleWeights)}`);
  }
  const { mean, std } = standardisation(rows, size);
  const x = new Float32Array(n * size);
  rows.forEach((r, i) => {
    for (let k = 0; k < size; k++) x[i * size + k] = (r[k]! - mean[k]!) / std[k]!;
  });
  const y = Float32Array.from(table.correct);
  const { targets } = options ?? {};
  if (targets !== undefined) {
    if (!Array.isArray(targets) || targets.length !== n)
      throw argumentError(ErrorCode.ShapeMismatch, 'options.targets', `expected ${n} rows (one per table row), got ${describe(targets)}`);
    targets.forEach((row, i) => {
      if (row?.length !== m)
        throw argumentError(ErrorCode.ShapeMismatch, `options.targets[${i}]`, `expected ${m} values (one per scale), got ${describe(row)}`);
      for (let j = 0; j < m; j++) {
        const v = row[j]!;
        if (!(v >= 0 && v <= 1))
          throw argumentError(ErrorCode.InvalidArgument, `options.targets[${i}][${j}]`, `expected a value in [0, 1], got ${describe(v)}`);
        y[i * m + j] = v;
      }
    });
  }

  const tf = tfjs();
  const previous = tf.getBackend();
  if (!(await tf.setBackend(o.backend))) {
    throw argumentError(ErrorCode.BackendUnavailable, 'options.backend', `tfjs backend ${JSON.stringify(o.backend)} could not start`);
  }
  // tfjs-backend-cpu prints an advert for tfjs-node on its first tensor in Node; we chose it on purpose.
  (tf.backend() as { firstUse?: boolean }).firstUse = false;

  const random = seededRandom(o.seed);
  const widths = [size, ...o.hidden, m];
  const baseRate = table.scales.map((_, j) => {
    let c = 0;
    for (let i = 0; i < n; i++) c += y[i * m + j]!;
    return Math.min(Math.max(c / n, 0.01), 0.99);
  });
  const variables = widths.slice(1).map((out, l) => {
    const inp = widths[l]!;
    const limit = Math.sqrt(6 / (inp + out));
    const w = Float32Array.from({ length: inp * out }, () => (2 * random() - 1) * limit);
    // The output biases start at each scale's base rate, so early epochs fit the differences.
    const b = l === widths.length - 2 ? Float32Array.from(baseRate, (p) => Math.log(p / (1 - p))) : new Float32Array(out);
    // tidy disposes the initial tensors and keeps the variables.
    return tf.tidy(() => ({ w: tf.variable(tf.tensor2d(w, [inp, out])), b: tf.variable(tf.tensor1d(b)) }));
  });
  const optimizer = tf.train.adam(o.learningRate);
  const xs = tf.tensor2d(x, [n, size]);
  const ys = tf.tensor2d(y, [n, m]);
  const losses: number[] = [];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      shuffle(order, random);
      let total = 0;
      for (let start = 0; start < n; start += o.batchSize) {
        const idx = tf.tensor1d(order.subarray(start, Math.min(start + o.batchSize, n)), 'int32');
        const batchLoss = optimizer.minimize(() => {
          let h = tf.gather(xs, idx);
          variables.forEach((v, l) => {
            h = tf.add(tf.matMul(h, v.w), v.b);
            if (l < variables.length - 1) h = tf.relu(h);
          });
          const labels = tf.split(tf.gather(ys, idx), m, 1);
          const loss = matryoshkaLoss((t, p) => tf.losses.sigmoidCrossEntropy(t, p), tf.split(h, m, 1), labels, o.scaleWeights);
          if (o.l2 === 0) return loss;
          return tf.add(loss, tf.mul(o.l2, tf.addN(variables.map((v) => tf.sum(tf.square(v.w))))));
        }, true)!;
        const value = batchLoss.dataSync()[0]!;
        batchLoss.dispose();
        idx.dispose();
        // A diverged run (a learning rate far too high) must not end in a "trained" predictor of NaNs.
        if (!Number.isFinite(value)) {
          throw new MatryoshkaError(
            ErrorCode.NonFiniteValue,
            `training diverged: the loss became ${value} in epoch ${epoch + 1} (learning rate ${o.learningRate}); lower options.learningRate or raise options.l2`,
            { argument: 'options.learningRate' },
          );
        }
        total += value * Math.min(o.batchSize, n - start);
      }
      losses.push(total / n);
      o.onEpoch?.(epoch + 1, total / n);
    }
    const layers: DenseLayer[] = variables.map((v, l) => ({
      inputs: widths[l]!,
      outputs: widths[l + 1]!,
      activation: l === variables.length - 1 ? 'sigmoid' : 'relu',
      weights: Float32Array.from(v.w.dataSync()),
      bias: Float32Array.from(v.b.dataSync()),
    }));
    const tokens = table.scales.map((_, j) => {
      let t = 0;
      for (let i = 0; i < n; i++) t += table.tokens[i * m + j]!;
      return t / n;
    });
    const { onEpoch: _onEpoch, ...reported } = o;
    const weightsFinite = layers.every((l) => l.weights.every(Number.isFinite) && l.bias.every(Number.isFinite));
    if (!weightsFinite)
      throw new MatryoshkaError(ErrorCode.NonFiniteValue, `training diverged: the weights hold NaN or ±Infinity (learning rate ${o.learningRate})`, {
        argument: 'options.learningRate',
      });
    const params = { scales: [...table.scales], tokens, featureMean: mean, featureStd: std, layers, ...(o.input === 'coarse' ? {} : { input: o.input }) };
    // Trained on the table's columns (ascending); served in the pyramid's order, 576 → 1.
    return { predictor: new ScalePredictor(descendingScales(params)), losses, options: reported };
  } finally {
    xs.dispose();
    ys.dispose();
    optimizer.dispose();
    for (const v of variables) {
      v.w.dispose();
      v.b.dispose();
    }
    if (previous && previous !== o.backend) await tf.setBackend(previous);
  }
}
