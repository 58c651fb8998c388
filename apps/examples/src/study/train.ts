import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@matryoshka/scale-predictor';
// The Matryoshka objective; importing it also registers tfjs's gradients in Node.
import { matryoshkaLoss } from '@matryoshka/scale-predictor/train';
import type { AnswerModel } from './answer-model.js';

/** One split's inputs for the answer model: tokens per token set, question ids, answers. */
export interface TokenSets {
  readonly mosaics: number;
  readonly questionsPerMosaic: number;
  readonly tokenDim: number;
  /** Per token set: its token count and `mosaics × tokens × tokenDim` values. */
  readonly sets: readonly { readonly tokens: number; readonly data: Float32Array }[];
  readonly questions: Int32Array;
  readonly answers: Int32Array;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Which token sets the loss averages over: all five (M3) or one (a single-scale model). */
  readonly sets: readonly number[];
  readonly onBatch?: (done: number, total: number, loss: number) => void;
}

const lossFn = (labels: tf.Tensor, logits: tf.Tensor): tf.Tensor => tf.losses.softmaxCrossEntropy(labels, logits);

/** Trains with Adam on the mean cross-entropy over `options.sets` (M3's objective when that is every scale). */
export function trainAnswerModel(model: AnswerModel, data: TokenSets, options: TrainOptions): number[] {
  const random = seededRandom(options.seed);
  const n = data.mosaics;
  const { questionsPerMosaic: Q, tokenDim: D } = data;
  const sets = options.sets.map((s) => tf.tensor3d(data.sets[s]!.data, [n, data.sets[s]!.tokens, D]));
  const questions = tf.tensor2d(data.questions, [n, Q], 'int32');
  const answers = tf.tensor2d(data.answers, [n, Q], 'int32');
  const optimizer = tf.train.adam(options.learningRate);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const batches = Math.ceil(n / options.batchSize);
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let total = 0;
      for (let b = 0; b < batches; b++) {
        const idx = tf.tensor1d(order.subarray(b * options.batchSize, Math.min((b + 1) * options.batchSize, n)), 'int32');
        // The batch is gathered outside the tape: only the variables need gradients.
        const q = tf.gather(questions, idx) as tf.Tensor2D;
        const labels = tf.oneHot(tf.reshape(tf.gather(answers, idx), [-1]), model.config.answers);
        const xs = sets.map((x) => tf.gather(x, idx) as tf.Tensor3D);
        const loss = optimizer.minimize(() => matryoshkaLoss(lossFn, xs.map((x) => model.logits(x, q)), labels), true)!;
        tf.dispose([q, labels, ...xs]);
        const value = loss.dataSync()[0]!;
        total += value;
        loss.dispose();
        idx.dispose();
        options.onBatch?.(epoch * batches + b + 1, options.epochs * batches, value);
      }
      losses.push(total / batches);
    }
    return losses;
  } finally {
    for (const x of sets) x.dispose();
    questions.dispose();
    answers.dispose();
    optimizer.dispose();
  }
}

/** Per-question correctness (1/0) of the model on one token set, `mosaics × Q` in mosaic order. */
export function evaluateAnswerModel(model: AnswerModel, data: TokenSets, set: number, batch = 64): Uint8Array {
  const { questionsPerMosaic: Q, tokenDim: D } = data;
  const { tokens, data: values } = data.sets[set]!;
  const correct = new Uint8Array(data.mosaics * Q);
  for (let start = 0; start < data.mosaics; start += batch) {
    const end = Math.min(start + batch, data.mosaics);
    const predicted = tf.tidy(() => {
      const x = tf.tensor3d(values.subarray(start * tokens * D, end * tokens * D), [end - start, tokens, D]);
      const q = tf.tensor2d(data.questions.subarray(start * Q, end * Q), [end - start, Q], 'int32');
      return tf.argMax(model.logits(x, q), 1);
    });
    const p = predicted.dataSync();
    predicted.dispose();
    for (let k = 0; k < p.length; k++) correct[start * Q + k] = p[k] === data.answers[start * Q + k] ? 1 : 0;
  }
  return correct;
}
