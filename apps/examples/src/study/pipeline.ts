import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { tokenGrid } from '@matryoshka/core';
import { loadEncoder } from '@matryoshka/encoders';
import { analyzeOracle, buildSampleTable, coarseFeatures, evaluatePredictor, type Evaluation, type OracleAnalysis, type ScalePredictor } from '@matryoshka/scale-predictor';
import { trainPredictor } from '@matryoshka/scale-predictor/train';
import { createAnswerModel, type AnswerModel } from './answer-model.js';
import { budgetCurve, budgetTargets, type BudgetPoint } from './budget-curve.js';
import type { StudyConfig } from './config.js';
import { ensureFashionMnist, loadFashionMnist } from './fashion-mnist.js';
import { CHANNELS, computeFeatures, type SplitFeatures } from './features.js';
import { makeMosaics, type Mosaic } from './mosaics.js';
import { ANSWERS, QUESTION_COUNT, QUESTION_TYPES, question, questionEmbedding, type QuestionType } from './questions.js';
import { SCALES, SELECTIONS, tokenSets, type Selection } from './tokens.js';
import { evaluateAnswerModel, trainAnswerModel, type TokenSets } from './train.js';

/** Reports a stage's progress: `stage` names it, `done`/`total` count its steps. */
export type Progress = (stage: string, done: number, total: number) => void;

/** Accuracy at each scale (in `SCALES` order), overall and per question type. */
export interface Accuracy {
  readonly all: readonly number[];
  readonly byType: Readonly<Record<QuestionType, readonly number[]>>;
}

export interface StudyResult {
  readonly config: StudyConfig;
  readonly scales: readonly number[];
  readonly backend: string;
  readonly encoder: string;
  readonly samples: { readonly train: number; readonly validation: number; readonly test: number };
  readonly answerBalance: Readonly<Record<QuestionType, string>>;
  readonly features: { readonly cache: string; readonly explained: number };
  readonly seconds: Readonly<Record<string, number>>;
  /** Test accuracy: M3 (one model), one model per scale, and the full-scale model under each selection. */
  readonly m3: Accuracy;
  readonly singleScale: Accuracy;
  readonly trainingFree: Readonly<Record<Selection, Accuracy>>;
  /** Oracle analysis of the M3 model's per-sample results on the test split. */
  readonly oracle: OracleAnalysis;
  readonly predictor: {
    readonly evaluation: Evaluation;
    readonly budget: readonly BudgetPoint[];
    readonly featureSize: number;
    /** The ablation: the same predictor from the question alone (no image features). */
    readonly questionOnly: { readonly budget: readonly BudgetPoint[] };
  };
  /** For the demo: the trained predictor and the M3 per-sample results on test mosaics. */
  readonly artifacts: {
    readonly predictor: ScalePredictor;
    readonly testMosaics: readonly Mosaic[];
    readonly testCorrect: Readonly<Record<number, Uint8Array>>;
    readonly testRecords: readonly Record<string, unknown>[];
    /** The predictor's probabilities (ascending scales) per test sample id. */
    readonly testProbabilities: ReadonlyMap<string, Float64Array>;
  };
}

const seconds = (t: number): number => Math.round((performance.now() - t) / 100) / 10;

function accuracy(correct: Uint8Array, questions: Int32Array): { all: number; byType: Record<QuestionType, number> } {
  const hit = Object.fromEntries(QUESTION_TYPES.map((t) => [t, [0, 0]])) as Record<QuestionType, [number, number]>;
  let sum = 0;
  correct.forEach((c, k) => {
    sum += c;
    const h = hit[question(questions[k]!).type];
    h[0] += c;
    h[1] += 1;
  });
  return { all: sum / correct.length, byType: Object.fromEntries(QUESTION_TYPES.map((t) => [t, hit[t][0] / Math.max(hit[t][1], 1)])) as Record<QuestionType, number> };
}

function perScale(results: readonly { all: number; byType: Record<QuestionType, number> }[]): Accuracy {
  return {
    all: results.map((r) => r.all),
    byType: Object.fromEntries(QUESTION_TYPES.map((t) => [t, results.map((r) => r.byType[t])])) as Record<QuestionType, number[]>,
  };
}

/** Per-sample, per-scale records (the scale-predictor's JSONL format) for one split. */
function records(split: string, mosaics: readonly Mosaic[], correct: Readonly<Record<number, Uint8Array>>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  mosaics.forEach((m, i) => {
    m.questions.forEach((q, k) => {
      for (const s of SCALES) out.push({ id: `${split}-${m.index}-${k}`, scale: s, correct: correct[s]![i * m.questions.length + k] === 1, type: question(q).type });
    });
  });
  return out;
}

/** The question id of a sample id `split-mosaic-k`. */
function questionIdOf(id: string, mosaics: Readonly<Record<string, readonly Mosaic[]>>): number {
  const [split, mosaic, k] = id.split('-');
  return mosaics[split!]![Number(mosaic)]!.questions[Number(k)]!;
}

/** The predictor's input for every question of a split, by sample id: coarse levels + question one-hot. */
function predictorFeatures(split: string, features: SplitFeatures, mosaics: readonly Mosaic[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  mosaics.forEach((m, i) => {
    const base = i * 10 * CHANNELS;
    const one = tokenGrid(features.coarse.subarray(base, base + CHANNELS), { rows: 1, cols: 1, channels: CHANNELS });
    const nine = tokenGrid(features.coarse.subarray(base + CHANNELS, base + 10 * CHANNELS), { rows: 3, cols: 3, channels: CHANNELS });
    m.questions.forEach((q, k) => out.set(`${split}-${m.index}-${k}`, coarseFeatures(one, nine, questionEmbedding(q))));
  });
  return out;
}

async function useFastestTfjsBackend(): Promise<string> {
  // tfjs-backend-wasm (XNNPACK) trains the answer model ~5× faster than the pure-JS CPU backend.
  if (await tf.setBackend('wasm').catch(() => false)) return 'wasm';
  await tf.setBackend('cpu');
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
  return 'cpu';
}

/**
 * Runs mosaic-QA end to end: data → mosaics → features → answer models (M3, one per scale) →
 * evaluation at every scale and selection → oracle analysis → scale predictor trained on the
 * validation split, evaluated on the test split.
 */
export async function runStudy(config: StudyConfig, options: { cacheDir: string | false; progress?: Progress; log?: (line: string) => void }): Promise<StudyResult> {
  const progress = options.progress ?? (() => undefined);
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  let t = performance.now();

  ensureFashionMnist(log);
  const trainItems = loadFashionMnist('train');
  const testItems = loadFashionMnist('t10k');
  // Train and validation mosaics draw from disjoint halves of Fashion-MNIST's training set; test
  // mosaics from its test set, so no item is seen in two splits.
  const mosaics = {
    train: makeMosaics({ name: 'train', source: trainItems, itemRange: [0, 30000], mosaics: config.train, seed: config.seed * 3 + 1 }),
    validation: makeMosaics({ name: 'validation', source: trainItems, itemRange: [30000, 60000], mosaics: config.validation, seed: config.seed * 3 + 2 }),
    test: makeMosaics({ name: 'test', source: testItems, itemRange: [0, testItems.count], mosaics: config.test, seed: config.seed * 3 + 3 }),
  };

  const encoder = await loadEncoder();
  let features;
  try {
    features = await computeFeatures(
      encoder,
      [
        { name: 'train', mosaics: mosaics.train, source: trainItems },
        { name: 'validation', mosaics: mosaics.validation, source: trainItems },
        { name: 'test', mosaics: mosaics.test, source: testItems },
      ],
      { components: config.components, pcaMosaics: config.pcaMosaics, pcaTokensPerMosaic: config.pcaTokensPerMosaic, seed: config.seed, cacheDir: options.cacheDir },
      (done, total) => progress('encode mosaics', done, total),
    );
  } finally {
    await encoder.dispose();
  }
  timings.features = seconds(t);

  t = performance.now();
  const backend = await useFastestTfjsBackend();
  const sets = {
    train: tokenSets(features.splits.train!, mosaics.train, config.components, 'pool'),
    validation: tokenSets(features.splits.validation!, mosaics.validation, config.components, 'pool'),
    test: Object.fromEntries(SELECTIONS.map((s) => [s, tokenSets(features.splits.test!, mosaics.test, config.components, s)])) as Record<Selection, TokenSets>,
  };
  timings.tokens = seconds(t);

  const modelConfig = { tokenDim: sets.train.tokenDim, questions: QUESTION_COUNT, answers: ANSWERS.length, heads: config.heads, embed: config.embed, hidden: config.hidden };
  const train = (stage: string, which: number[]): AnswerModel => {
    // Every model starts from the same seeded weights and sees the same batches.
    const model = createAnswerModel(modelConfig, config.seed);
    trainAnswerModel(model, sets.train, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      seed: config.seed,
      sets: which,
      onBatch: (done, total) => progress(stage, done, total),
    });
    return model;
  };

  // M3: one model, the loss averaged over all five scales at every step.
  t = performance.now();
  const m3 = train('train M3 (all scales)', SCALES.map((_, j) => j));
  const m3Test: Record<number, Uint8Array> = {};
  const m3Validation: Record<number, Uint8Array> = {};
  SCALES.forEach((s, j) => {
    m3Test[s] = evaluateAnswerModel(m3, sets.test.pool, j);
    m3Validation[s] = evaluateAnswerModel(m3, sets.validation, j);
  });
  m3.dispose();
  timings.m3 = seconds(t);

  // The paper's single-scale baselines: one model per scale. The 576 one is also the
  // "trained at full scale only" model evaluated with training-free selection.
  t = performance.now();
  const single: { all: number; byType: Record<QuestionType, number> }[] = [];
  const trainingFree: Record<Selection, { all: number; byType: Record<QuestionType, number> }[]> = { pool: [], spatial: [], sequential: [] };
  SCALES.forEach((s, j) => {
    const model = train(`train single-scale ${s}`, [j]);
    single.push(accuracy(evaluateAnswerModel(model, sets.test.pool, j), sets.test.pool.questions));
    if (s === 576) {
      for (const sel of SELECTIONS) SCALES.forEach((_, k) => trainingFree[sel].push(accuracy(evaluateAnswerModel(model, sets.test[sel], k), sets.test[sel].questions)));
    }
    model.dispose();
  });
  timings.singleScale = seconds(t);

  // Oracle and predictor.
  t = performance.now();
  const testRecords = records('test', mosaics.test, m3Test);
  const validationRecords = records('validation', mosaics.validation, m3Validation);
  const oracle = analyzeOracle(testRecords, { groupBy: ['type'] });
  const validationTable = buildSampleTable(validationRecords, { groupBy: ['type'] });
  const testTable = buildSampleTable(testRecords, { groupBy: ['type'] });
  // Sample tables sort their ids; features are looked up by id.
  const validationFeatures = predictorFeatures('validation', features.splits.validation!, mosaics.validation);
  const testFeatures = predictorFeatures('test', features.splits.test!, mosaics.test);
  const predictorOptions = { hidden: config.predictorHidden, epochs: config.predictorEpochs, l2: config.predictorL2, seed: config.seed };
  const { predictor } = await trainPredictor(validationTable, validationTable.ids.map((id) => validationFeatures.get(id)!), {
    ...predictorOptions,
    onEpoch: (epoch) => progress('train scale predictor', epoch, 2 * config.predictorEpochs),
  });
  const probabilities = predictor.predictBatch(testTable.ids.map((id) => testFeatures.get(id)!));
  const evaluation = evaluatePredictor(testTable, probabilities, { budget: false });
  const targets = budgetTargets(SCALES);
  const budget = budgetCurve(testTable, probabilities, targets, config.budgetBatch);
  // Ablation: the question alone, to show how much the image features add.
  const questionOnly = (ids: readonly string[]) => ids.map((id) => Float32Array.from(questionEmbedding(questionIdOf(id, mosaics))));
  const ablation = await trainPredictor(validationTable, questionOnly(validationTable.ids), {
    ...predictorOptions,
    l2: 1e-4,
    onEpoch: (epoch) => progress('train scale predictor', config.predictorEpochs + epoch, 2 * config.predictorEpochs),
  });
  const ablationBudget = budgetCurve(testTable, ablation.predictor.predictBatch(questionOnly(testTable.ids)), targets, config.budgetBatch);
  timings.predictor = seconds(t);

  const balance = Object.fromEntries(
    QUESTION_TYPES.map((type) => {
      const counts = new Map<string, number>();
      for (const m of mosaics.test) m.questions.forEach((q, k) => question(q).type === type && counts.set(ANSWERS[m.answers[k]!]!, (counts.get(ANSWERS[m.answers[k]!]!) ?? 0) + 1));
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
      return [type, `${top[0]} ${((100 * top[1]) / mosaics.test.length).toFixed(0)}%`];
    }),
  ) as Record<QuestionType, string>;

  const explained = features.explained.reduce((a, b) => a + b, 0);
  return {
    config,
    scales: [...SCALES],
    backend,
    encoder: 'default (ImageNet MobileNetV2, block_13_expand_relu, 384×384 → 24×24×576)',
    samples: { train: mosaics.train.length * 4, validation: mosaics.validation.length * 4, test: mosaics.test.length * 4 },
    answerBalance: balance,
    features: { cache: features.cache, explained },
    seconds: timings,
    m3: perScale(SCALES.map((s) => accuracy(m3Test[s]!, sets.test.pool.questions))),
    singleScale: perScale(single),
    trainingFree: Object.fromEntries(SELECTIONS.map((s) => [s, perScale(trainingFree[s])])) as Record<Selection, Accuracy>,
    oracle,
    predictor: { evaluation, budget, featureSize: validationFeatures.values().next().value!.length, questionOnly: { budget: ablationBudget } },
    artifacts: { predictor, testMosaics: mosaics.test, testCorrect: m3Test, testRecords, testProbabilities: new Map(testTable.ids.map((id, i) => [id, probabilities[i]!])) },
  };
}
