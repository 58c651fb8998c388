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
  /** Numbers per question (see `questionFeatures`). */
  readonly questionFeatures: number;
  /** `mosaics × questionsPerMosaic × questionFeatures`. */
  readonly questions: Float32Array;
  readonly answers: Int32Array;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Which token sets the loss averages over: all five (M3) or one (a single-scale model). */
  readonly sets: readonly number[];
  /** Per-set weights of the loss (default: the plain mean, M3's objective). */
  readonly scaleWeights?: readonly number[];
  readonly onBatch?: (done: number, total: number, loss: number) => void;
}

const lossFn = (labels: tf.Tensor, logits: tf.Tensor): tf.Tensor => tf.losses.softmaxCrossEntropy(labels, logits);

/** Trains with Adam on the mean cross-entropy over `options.sets` (M3's objective when that is every scale). */
export function trainAnswerModel(model: AnswerModel, data: TokenSets, options: TrainOptions): number[] {
  const random = seededRandom(options.seed);
  const n = data.mosaics;
  const { questionsPerMosaic: Q, tokenDim: D } = data;
  const sets = options.sets.map((s) => tf.tensor3d(data.sets[s]!.data, [n, data.sets[s]!.tokens, D]));
  const F = data.questionFeatures;
  const questions = tf.tensor3d(data.questions, [n, Q, F]);
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
        const q = tf.gather(questions, idx) as tf.Tensor3D;
        const labels = tf.oneHot(tf.reshape(tf.gather(answers, idx), [-1]), model.config.answers);
        const xs = sets.map((x) => tf.gather(x, idx) as tf.Tensor3D);
        const loss = optimizer.minimize(
          () =>
            matryoshkaLoss(
              lossFn,
              xs.map((x) => model.logits(x, q)),
              labels,
              options.scaleWeights,
            ),
          true,
        )!;
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

/** Per-question results of the model on one token set, `mosaics × Q` in mosaic order. */
export interface Answers {
  /** 1 when the top answer is right. */
  readonly correct: Uint8Array;
  /** The top answer's softmax probability: the model's own confidence (what a cascade reads). */
  readonly confidence: Float32Array;
}

export function evaluateAnswerModel(model: AnswerModel, data: TokenSets, set: number, batch = 64): Answers {
  const { questionsPerMosaic: Q, tokenDim: D, questionFeatures: F } = data;
  const { tokens, data: values } = data.sets[set]!;
  const correct = new Uint8Array(data.mosaics * Q);
  const confidence = new Float32Array(data.mosaics * Q);
  for (let start = 0; start < data.mosaics; start += batch) {
    const end = Math.min(start + batch, data.mosaics);
    const [predicted, top] = tf.tidy(() => {
      const x = tf.tensor3d(values.subarray(start * tokens * D, end * tokens * D), [end - start, tokens, D]);
      const q = tf.tensor3d(data.questions.subarray(start * Q * F, end * Q * F), [end - start, Q, F]);
      const logits = model.logits(x, q);
      return [tf.argMax(logits, 1), tf.max(tf.softmax(logits), 1)];
    });
    const p = predicted.dataSync();
    confidence.set(top.dataSync(), start * Q);
    tf.dispose([predicted, top]);
    for (let k = 0; k < p.length; k++) correct[start * Q + k] = p[k] === data.answers[start * Q + k] ? 1 : 0;
  }
  return { correct, confidence };
}
