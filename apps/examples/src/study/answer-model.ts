import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@matryoshka/scale-predictor';

/**
 * The stand-in for the LLM: question-conditioned attention pooling over the visual tokens, then an
 * MLP over one softmax of every answer. For each of `heads` heads the question's embedding gives a
 * query; keys and values are linear maps of the tokens, folded into the query (score = token · u)
 * and into the first MLP layer, so the cost is linear in the tokens and any token count works —
 * the same weights read 576, 144, 36, 9 or 1 tokens.
 */
export interface AnswerModelConfig {
  /** Channels of each visual token (features + position). */
  readonly tokenDim: number;
  /** Numbers per question (its features; see `questionFeatures`). */
  readonly questions: number;
  readonly answers: number;
  readonly heads: number;
  readonly embed: number;
  readonly hidden: number;
  /**
   * Where a question's cells and a token's position are: question feature indices of k·cx, k·cy
   * for cell A and cell B and of k, and token channel indices of x, y and x² + y². With them every
   * head's attention gets a learned multiple of −k|p − c|² (up to a constant per question) — a
   * built-in way to look at the asked cell, as an LLM knows where each visual token lies.
   */
  readonly cells?: {
    readonly a: readonly [number, number];
    readonly b: readonly [number, number];
    readonly k: number;
    readonly position: readonly [number, number, number];
  };
}

export interface AnswerModel {
  readonly config: AnswerModelConfig;
  readonly variables: readonly tf.Variable[];
  /** Logits `[mosaics × questionsPerMosaic, answers]` for tokens `[mosaics, T, tokenDim]` and question features `[mosaics, Q, questions]`. */
  logits(tokens: tf.Tensor3D, questions: tf.Tensor3D): tf.Tensor2D;
  dispose(): void;
}

function glorot(random: () => number, inputs: number, outputs: number): tf.Variable {
  const limit = Math.sqrt(6 / (inputs + outputs));
  return tf.variable(
    tf.tensor2d(
      Float32Array.from({ length: inputs * outputs }, () => (2 * random() - 1) * limit),
      [inputs, outputs],
    ),
  );
}

export function createAnswerModel(config: AnswerModelConfig, seed: number): AnswerModel {
  const random = seededRandom(seed);
  const { tokenDim: D, heads: H, embed: E, hidden } = config;
  const embedding = glorot(random, config.questions, E);
  const query = glorot(random, E, H * D);
  const w1 = glorot(random, H * D + E, hidden);
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = glorot(random, hidden, config.answers);
  const b2 = tf.variable(tf.zeros([config.answers]));
  // Heads 0…H/2−1 look at cell A, the others at cell B, each with its own learned sharpness (starts at 2).
  const cellWeights = tf.variable(
    tf.tensor2d(
      Array.from({ length: 2 * H }, (_, i) => (Math.floor(i / H) === (i % H < H / 2 ? 0 : 1) ? 2 : 0)),
      [2, H],
    ),
  );
  const variables = [embedding, query, w1, b1, w2, b2, ...(config.cells ? [cellWeights] : [])];
  if (!config.cells) cellWeights.dispose();
  const scale = 1 / Math.sqrt(D);
  return {
    config,
    variables,
    logits(tokens, questions) {
      return tf.tidy(() => {
        const [B, Q] = questions.shape;
        const e = tf.matMul(tf.reshape(questions, [B * Q, config.questions]), embedding); // [B·Q, E]
        const u = tf.reshape(tf.matMul(e, query), [B, Q * H, D]); // a query per question and head
        let scores = tf.mul(tf.matMul(u, tokens, false, true), scale); // [B, Q·H, T]
        const c = config.cells;
        if (c) {
          const T = tokens.shape[1];
          const q = tf.reshape(questions, [B * Q, config.questions]);
          const col = (i: number) => tf.slice(q, [0, i], [-1, 1]);
          const position = tf.concat(
            c.position.map((i) => tf.slice(tokens, [0, 0, i], [-1, -1, 1])),
            2,
          ); // [B, T, 3]: x, y, x² + y²
          const side = (xy: readonly [number, number]) => tf.reshape(tf.concat([tf.mul(col(xy[0]), 2), tf.mul(col(xy[1]), 2), tf.neg(col(c.k))], 1), [B, Q, 3]);
          const near = (xy: readonly [number, number]) => tf.matMul(side(xy), position, false, true); // [B, Q, T]: −k|p − c|² + k|c|²
          const both = tf.stack([near(c.a), near(c.b)], 3); // [B, Q, T, 2]
          const perHead = tf.transpose(tf.reshape(tf.matMul(tf.reshape(both, [B * Q * T, 2]), cellWeights), [B, Q, T, H]), [0, 1, 3, 2]);
          scores = tf.add(scores, tf.reshape(perHead, [B, Q * H, T]));
        }
        const pooled = tf.reshape(tf.matMul(tf.softmax(scores), tokens), [B * Q, H * D]); // attention-pooled tokens
        const h = tf.relu(tf.add(tf.matMul(tf.concat([pooled, e], 1), w1), b1));
        return tf.add(tf.matMul(h, w2), b2) as tf.Tensor2D;
      });
    },
    dispose() {
      for (const v of variables) v.dispose();
    },
  };
}
