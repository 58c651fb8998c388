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
  readonly questions: number;
  readonly answers: number;
  readonly heads: number;
  readonly embed: number;
  readonly hidden: number;
}

export interface AnswerModel {
  readonly config: AnswerModelConfig;
  readonly variables: readonly tf.Variable[];
  /** Logits `[mosaics × questionsPerMosaic, answers]` for tokens `[mosaics, T, tokenDim]` and question ids `[mosaics, Q]`. */
  logits(tokens: tf.Tensor3D, questions: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

function glorot(random: () => number, inputs: number, outputs: number): tf.Variable {
  const limit = Math.sqrt(6 / (inputs + outputs));
  return tf.variable(tf.tensor2d(Float32Array.from({ length: inputs * outputs }, () => (2 * random() - 1) * limit), [inputs, outputs]));
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
  const variables = [embedding, query, w1, b1, w2, b2];
  const scale = 1 / Math.sqrt(D);
  return {
    config,
    variables,
    logits(tokens, questions) {
      return tf.tidy(() => {
        const [B, Q] = questions.shape;
        // A one-hot matMul, not a gather: tfjs-wasm has no gradient kernel for gather.
        const e = tf.matMul(tf.oneHot(tf.reshape(questions, [B * Q]), config.questions), embedding); // [B·Q, E]
        const u = tf.reshape(tf.matMul(e, query), [B, Q * H, D]); // a query per question and head
        const scores = tf.mul(tf.matMul(u, tokens, false, true), scale); // [B, Q·H, T]
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
