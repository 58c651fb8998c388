// The scale predictor trains on tfjs-backend-cpu in this thread (deterministic); answer models train in workers.
import '@tensorflow/tfjs-backend-cpu';
import { loadEncoder } from '@matryoshka/encoders';
import {
  analyzeOracle,
  buildSampleTable,
  calibration,
  meanCorrectness,
  type Calibration,
  type OracleAnalysis,
  type ScalePredictor,
} from '@matryoshka/scale-predictor';
import { trainPredictor } from '@matryoshka/scale-predictor/train';
import type { StudyConfig } from './config.js';
import { ensureFashionMnist, loadFashionMnist } from './fashion-mnist.js';
import { IMAGE_STATS, computeFeatures, type SplitFeatures } from './features.js';
import { DENSE_SUBSETS, QUESTIONS_PER_IMAGE, SUBSETS, makeMosaics, withExtraQuestions, type Mosaic, type Subset } from './mosaics.js';
import { ASCENDING, evaluatePolicies, type PolicyEvaluation } from './policies.js';
import { ANSWERS, CELL_FEATURES, QUESTION_FEATURES, QUESTION_TYPES, questionFeatures, type QuestionType } from './questions.js';
import { POSITION_CHANNELS, SCALES, SELECTIONS, tokenSets, type Selection } from './tokens.js';
import type { Answers, TokenSets } from './train.js';
import type { EvaluationSplit, TrainJob } from './train-job.js';
import { runTrainJobs } from './train-pool.js';

/** Reports a stage's progress: `stage` names it, `done`/`total` count its steps. */
export type Progress = (stage: string, done: number, total: number) => void;

/** Accuracy at each scale (in `SCALES` order, 576 first), overall, per question type and per subset. */
export interface Accuracy {
  readonly all: readonly number[];
  readonly byType: Readonly<Record<QuestionType, readonly number[]>>;
  readonly bySubset: Readonly<Record<Subset, readonly number[]>>;
}

/** The paper's oracle for one answer model: a sample counts if any scale answers it; tokens of the smallest such scale. */
export interface PaperOracle {
  readonly accuracy: number;
  readonly meanTokens: number;
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
  /** Test accuracy of each M3 model (seed, seed + 1, …), of one model per scale, and of the full-scale model under each selection. */
  readonly m3Models: readonly Accuracy[];
  readonly m3: Accuracy;
  readonly singleScale: Accuracy;
  readonly trainingFree: Readonly<Record<Selection, Accuracy>>;
  /** Oracle analysis of the first M3 model's per-sample results on test (groups: type, subset). */
  readonly oracle: OracleAnalysis;
  /** The paper's oracle for each M3 model. */
  readonly paperOracle: readonly PaperOracle[];
  /** Every policy, the soft oracle and the fixed scales on all of test and on the dense subsets. */
  readonly policies: { readonly all: PolicyEvaluation; readonly dense: PolicyEvaluation };
  readonly predictor: {
    readonly featureSize: number;
    readonly losses: readonly number[];
    /** On test, against the K models' outcomes: the learned predictor, the question-only one, the per-type table. */
    readonly calibration: Readonly<Record<'predictor' | 'questionOnly' | 'typeTable', Calibration>>;
  };
  readonly artifacts: {
    readonly predictor: ScalePredictor;
    readonly testMosaics: readonly Mosaic[];
    /** The first M3 model's test correctness per scale (SCALES keys), `mosaics × 4`. */
    readonly testCorrect: Readonly<Record<number, Uint8Array>>;
    /** Expected correctness per test row (ascending scales), the K models' mean. */
    readonly testExpected: readonly Float64Array[];
    readonly testRecords: readonly Record<string, unknown>[];
    /** The predictor's probabilities (ascending scales) per test row (`mosaic × 4 + question`). */
    readonly testProbabilities: readonly Float64Array[];
  };
}

const seconds = (t: number): number => Math.round((performance.now() - t) / 100) / 10;

function accuracyOf(correct: Uint8Array, mosaics: readonly Mosaic[]): { all: number; byType: Record<QuestionType, number>; bySubset: Record<Subset, number> } {
  const byType = Object.fromEntries(QUESTION_TYPES.map((t) => [t, [0, 0]])) as Record<QuestionType, [number, number]>;
  const bySubset = Object.fromEntries(SUBSETS.map((s) => [s, [0, 0]])) as Record<Subset, [number, number]>;
  let sum = 0;
  mosaics.forEach((m, i) =>
    m.questions.forEach((q, k) => {
      const c = correct[i * QUESTIONS_PER_IMAGE + k]!;
      sum += c;
      byType[q.type][0] += c;
      byType[q.type][1] += 1;
      bySubset[m.subset][0] += c;
      bySubset[m.subset][1] += 1;
    }),
  );
  const ratio = ([a, b]: [number, number]): number => a / Math.max(b, 1);
  return {
    all: sum / correct.length,
    byType: Object.fromEntries(QUESTION_TYPES.map((t) => [t, ratio(byType[t])])) as Record<QuestionType, number>,
    bySubset: Object.fromEntries(SUBSETS.map((s) => [s, ratio(bySubset[s])])) as Record<Subset, number>,
  };
}

function perScale(results: readonly ReturnType<typeof accuracyOf>[]): Accuracy {
  return {
    all: results.map((r) => r.all),
    byType: Object.fromEntries(QUESTION_TYPES.map((t) => [t, results.map((r) => r.byType[t])])) as Record<QuestionType, number[]>,
    bySubset: Object.fromEntries(SUBSETS.map((s) => [s, results.map((r) => r.bySubset[s])])) as Record<Subset, number[]>,
  };
}

const meanAccuracy = (list: readonly Accuracy[]): Accuracy => {
  const avg = (get: (a: Accuracy) => readonly number[]): number[] => get(list[0]!).map((_, j) => list.reduce((s, a) => s + get(a)[j]!, 0) / list.length);
  return {
    all: avg((a) => a.all),
    byType: Object.fromEntries(QUESTION_TYPES.map((t) => [t, avg((a) => a.byType[t])])) as Record<QuestionType, number[]>,
    bySubset: Object.fromEntries(SUBSETS.map((s) => [s, avg((a) => a.bySubset[s])])) as Record<Subset, number[]>,
  };
};

/** Per-sample, per-scale records (the scale-predictor's JSONL format) of one model on one split. */
function records(split: string, mosaics: readonly Mosaic[], correct: Readonly<Record<number, Uint8Array>>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  mosaics.forEach((m, i) => {
    m.questions.forEach((q, k) => {
      for (const s of SCALES)
        out.push({ id: `${split}-${m.index}-${k}`, scale: s, correct: correct[s]![i * QUESTIONS_PER_IMAGE + k] === 1, type: q.type, subset: m.subset });
    });
  });
  return out;
}

/** Rows in natural order (`mosaic × 4 + question`), ascending scales, from per-scale arrays keyed by token count. */
function ascendingRows<T extends Uint8Array | Float32Array>(byScale: Readonly<Record<number, ArrayLike<number>>>, rows: number, make: (n: number) => T): T[] {
  return Array.from({ length: rows }, (_, r) => {
    const row = make(ASCENDING.length);
    ASCENDING.forEach((s, j) => (row[j] = byScale[s]![r]!));
    return row;
  });
}

/** A predictor's outputs (its scales, 576 → 1) per row, reordered to the study's ascending columns. */
function predictAscending(predictor: ScalePredictor, inputs: readonly Float32Array[]): Float64Array[] {
  const at = ASCENDING.map((s) => predictor.scales.indexOf(s));
  return predictor.predictBatch(inputs).map((p) => Float64Array.from(at, (k) => p[k]!));
}

/** The predictor's input per row: the image's pyramid statistics, then the question's numbers (or the question alone). */
function predictorInputs(features: SplitFeatures, mosaics: readonly Mosaic[], withImage: boolean): Float32Array[] {
  const out: Float32Array[] = [];
  mosaics.forEach((m, i) =>
    m.questions.forEach((q) => {
      const image = withImage ? features.stats.subarray(i * IMAGE_STATS, (i + 1) * IMAGE_STATS) : new Float32Array(0);
      const row = new Float32Array(image.length + QUESTION_FEATURES);
      row.set(image);
      row.set(questionFeatures(q), image.length);
      out.push(row);
    }),
  );
  return out;
}

/**
 * Runs mosaic-QA end to end: data → images of every density → features → answer models (K M3
 * models with different seeds, one single-scale model per scale) → evaluation at every scale and
 * selection → the paper's oracle and the soft oracle → scale predictor trained on the validation
 * split → every policy compared at equal mean tokens on the test split.
 */
export async function runStudy(
  config: StudyConfig,
  options: {
    cacheDir: string | false;
    progress?: Progress;
    log?: (line: string) => void;
    /** Worker threads training answer models at once (default: one per core); the numbers do not depend on it. */
    workers?: number;
  },
): Promise<StudyResult> {
  if (!Number.isInteger(config.models) || config.models < 2)
    throw new RangeError(`config.models must be an integer ≥ 2 (the soft oracle averages over models), got ${config.models}`);
  const progress = options.progress ?? (() => undefined);
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  let t = performance.now();

  ensureFashionMnist();
  const trainItems = loadFashionMnist('train');
  const testItems = loadFashionMnist('t10k');
  // Train and validation images draw from disjoint halves of Fashion-MNIST's training set; test
  // images from its test set, so no item is seen in two splits.
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
      {
        components: config.components,
        classComponents: config.classComponents,
        pcaMosaics: config.pcaMosaics,
        pcaTokensPerMosaic: config.pcaTokensPerMosaic,
        seed: config.seed,
        cacheDir: options.cacheDir,
      },
      (done, total) => progress('encode images', done, total),
    );
  } finally {
    await encoder.dispose();
  }
  timings.features = seconds(t);
  log(`Features: cache ${features.cache}, ${timings.features} s`);

  t = performance.now();
  // Each worker trains on tfjs-backend-wasm (XNNPACK, ~5× the pure-JS CPU backend).
  const backend = 'wasm';
  const sets = {
    // The answer models learn from more questions per training image (the images are unchanged).
    train: tokenSets(features.splits.train!, withExtraQuestions(mosaics.train, config.extraTrainQuestions, config.seed * 3 + 101), config.components, 'pool'),
    validation: tokenSets(features.splits.validation!, mosaics.validation, config.components, 'pool'),
    test: Object.fromEntries(SELECTIONS.map((s) => [s, tokenSets(features.splits.test!, mosaics.test, config.components, s)])) as Record<Selection, TokenSets>,
  };
  timings.tokens = seconds(t);

  const D = sets.train.tokenDim;
  const modelConfig = {
    tokenDim: D,
    questions: QUESTION_FEATURES,
    answers: ANSWERS.length,
    heads: config.heads,
    embed: config.embed,
    hidden: config.hidden,
    cells: { ...CELL_FEATURES, position: [D - POSITION_CHANNELS, D - POSITION_CHANNELS + 1, D - 1] as const },
  };
  // Every answer model is a job for a worker thread (one per core; the wasm backend trains on one):
  // M3: K models with different seeds, each with the loss averaged over all five scales at every
  // step. The paper's single-scale baselines: one model per scale (the first M3 model's seed); the
  // 576 one is also the "trained at full scale only" model evaluated with training-free selection.
  t = performance.now();
  const everyScale = (split: EvaluationSplit) => SCALES.map((_, set) => ({ split, set }));
  const m3Jobs: TrainJob[] = Array.from({ length: config.models }, (_, k) => ({
    stage: `train M3 model ${k + 1}/${config.models}`,
    seed: config.seed + k,
    sets: SCALES.map((_, j) => j),
    ...(config.m3ScaleWeights === undefined ? {} : { scaleWeights: config.m3ScaleWeights }),
    evaluations: [...everyScale('test-pool'), ...everyScale('validation')],
  }));
  const singleJobs: TrainJob[] = SCALES.map((s, j) => ({
    stage: `train single-scale ${s}`,
    seed: config.seed,
    sets: [j],
    evaluations: [{ split: 'test-pool', set: j }, ...(s === 576 ? SELECTIONS.flatMap((sel) => everyScale(`test-${sel}`)) : [])],
  }));
  const results = await runTrainJobs(
    [...m3Jobs, ...singleJobs],
    { model: modelConfig, epochs: config.epochs, batchSize: config.batchSize, learningRate: config.learningRate },
    {
      train: sets.train,
      evaluation: { validation: sets.validation, 'test-pool': sets.test.pool, 'test-spatial': sets.test.spatial, 'test-sequential': sets.test.sequential },
    },
    { ...(options.workers === undefined ? {} : { workers: options.workers }), progress },
  );
  const byScale = (answers: readonly Answers[]): Record<number, Answers> => Object.fromEntries(SCALES.map((s, j) => [s, answers[j]!]));
  const m3Runs = results
    .slice(0, config.models)
    .map((r) => ({ test: byScale(r.answers.slice(0, SCALES.length)), validation: byScale(r.answers.slice(SCALES.length)) }));
  const singleRuns = results.slice(config.models);
  const single = singleRuns.map((r) => accuracyOf(r.answers[0]!.correct, mosaics.test));
  const full = singleRuns[SCALES.indexOf(576)]!.answers;
  const trainingFree = Object.fromEntries(
    SELECTIONS.map((sel, i) => [sel, SCALES.map((_, k) => accuracyOf(full[1 + i * SCALES.length + k]!.correct, mosaics.test))]),
  ) as Record<Selection, ReturnType<typeof accuracyOf>[]>;
  timings.answerModels = seconds(t);

  // Oracles, predictor, policies.
  t = performance.now();
  const nTest = mosaics.test.length * QUESTIONS_PER_IMAGE;
  const nValidation = mosaics.validation.length * QUESTIONS_PER_IMAGE;
  const correctOf = (run: Record<number, Answers>): Record<number, Uint8Array> => Object.fromEntries(SCALES.map((s) => [s, run[s]!.correct]));
  const perModel = m3Runs.map((run) => ({
    correct: ascendingRows(correctOf(run.test), nTest, (n) => new Uint8Array(n)),
    confidence: ascendingRows(Object.fromEntries(SCALES.map((s) => [s, run.test[s]!.confidence])), nTest, (n) => new Float32Array(n)),
  }));
  const flat = (rows: readonly Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(rows.length * ASCENDING.length);
    rows.forEach((r, i) => out.set(r, i * ASCENDING.length));
    return out;
  };
  const testExpected = meanCorrectness(
    perModel.map((m) => flat(m.correct)),
    nTest,
    ASCENDING.length,
  );
  const validationExpected = meanCorrectness(
    m3Runs.map((run) => flat(ascendingRows(correctOf(run.validation), nValidation, (n) => new Uint8Array(n)))),
    nValidation,
    ASCENDING.length,
  );
  const paperOracle = perModel.map((m) => {
    let right = 0;
    let tokens = 0;
    for (const row of m.correct) {
      const j = row.indexOf(1);
      if (j >= 0) right++;
      tokens += ASCENDING[Math.max(j, 0)]!; // unanswered samples charged the smallest scale (the oracle's default)
    }
    return { accuracy: right / nTest, meanTokens: tokens / nTest };
  });
  const testRecords = records('test', mosaics.test, correctOf(m3Runs[0]!.test));
  const oracle = analyzeOracle(testRecords, { groupBy: ['type', 'subset'] });

  // The predictor learns each validation sample's expected correctness (soft targets), not one model's coin flips.
  const validationRecords = records('validation', mosaics.validation, correctOf(m3Runs[0]!.validation));
  const validationTable = buildSampleTable(validationRecords);
  const rowOf = (id: string): number => {
    const [, mosaic, k] = id.split('-');
    return Number(mosaic) * QUESTIONS_PER_IMAGE + Number(k);
  };
  const validationRows = validationTable.ids.map(rowOf);
  const targets = validationRows.map((r) => validationExpected[r]!);
  const predictorOptions = {
    hidden: config.predictorHidden,
    epochs: config.predictorEpochs,
    l2: config.predictorL2,
    learningRate: config.predictorLearningRate,
    seed: config.seed,
    targets,
  };
  const trainInputs = predictorInputs(features.splits.validation!, mosaics.validation, true);
  const trained = await trainPredictor(
    validationTable,
    validationRows.map((r) => trainInputs[r]!),
    {
      ...predictorOptions,
      input: 'pyramid',
      onEpoch: (epoch) => progress('train scale predictor', epoch, 2 * config.predictorEpochs),
    },
  );
  const testProbabilities = predictAscending(trained.predictor, predictorInputs(features.splits.test!, mosaics.test, true));
  // Ablation: the question alone, to show what the image statistics add.
  const questionOnlyInputs = predictorInputs(features.splits.validation!, mosaics.validation, false);
  const questionOnly = await trainPredictor(
    validationTable,
    validationRows.map((r) => questionOnlyInputs[r]!),
    {
      ...predictorOptions,
      onEpoch: (epoch) => progress('train scale predictor', config.predictorEpochs + epoch, 2 * config.predictorEpochs),
    },
  );
  const questionOnlyProbabilities = predictAscending(questionOnly.predictor, predictorInputs(features.splits.test!, mosaics.test, false));

  // The per-question-type table: each type's mean expected correctness per scale on validation.
  const typeOfRow = (list: readonly Mosaic[]): QuestionType[] => list.flatMap((m) => m.questions.map((q) => q.type));
  const validationTypes = typeOfRow(mosaics.validation);
  const table = Object.fromEntries(
    QUESTION_TYPES.map((type) => {
      const rows = validationExpected.filter((_, r) => validationTypes[r] === type);
      return [type, Float64Array.from(ASCENDING, (_, j) => rows.reduce((s, e) => s + e[j]!, 0) / Math.max(rows.length, 1))];
    }),
  ) as Record<QuestionType, Float64Array>;
  const typeScores = typeOfRow(mosaics.test).map((type) => table[type]);
  // The training-free heuristic: what each level keeps of the grid (its coverage; 1 at 576).
  const coverageScores = mosaics.test.flatMap((_, i) => {
    const s = features.splits.test!.stats;
    const row = Float64Array.from([s[i * IMAGE_STATS]!, s[i * IMAGE_STATS + 1]!, s[i * IMAGE_STATS + 2]!, s[i * IMAGE_STATS + 3]!, 1]);
    return Array.from({ length: QUESTIONS_PER_IMAGE }, () => row);
  });
  const inputs = {
    expected: testExpected,
    perModel,
    scores: { 'type-table': typeScores, coverage: coverageScores, 'predictor-budget': testProbabilities, 'question-only': questionOnlyProbabilities },
    probabilities: testProbabilities,
    groups: mosaics.test.flatMap((m) => m.questions.map((q) => `${q.type}/${m.subset}`)),
    batch: config.budgetBatch,
  };
  const allRows = Array.from({ length: nTest }, (_, r) => r);
  const denseRows = allRows.filter((r) => DENSE_SUBSETS.includes(mosaics.test[Math.floor(r / QUESTIONS_PER_IMAGE)]!.subset));
  const policies = { all: evaluatePolicies(inputs, allRows), dense: evaluatePolicies(inputs, denseRows) };
  timings.predictorAndPolicies = seconds(t);

  const balance = Object.fromEntries(
    QUESTION_TYPES.map((type) => {
      const counts = new Map<string, number>();
      let total = 0;
      for (const m of mosaics.test) {
        m.questions.forEach((q, k) => {
          if (q.type !== type) return;
          total++;
          counts.set(ANSWERS[m.answers[k]!]!, (counts.get(ANSWERS[m.answers[k]!]!) ?? 0) + 1);
        });
      }
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
      return [type, `${top[0]} ${((100 * top[1]) / Math.max(total, 1)).toFixed(0)}%`];
    }),
  ) as Record<QuestionType, string>;

  const m3Models = m3Runs.map((run) => perScale(SCALES.map((s) => accuracyOf(run.test[s]!.correct, mosaics.test))));
  return {
    config,
    scales: [...SCALES],
    backend,
    encoder: 'default (ImageNet MobileNetV2, block_13_expand_relu, 384×384 → 24×24×576)',
    samples: { train: mosaics.train.length * (QUESTIONS_PER_IMAGE + config.extraTrainQuestions), validation: nValidation, test: nTest },
    answerBalance: balance,
    features: { cache: features.cache, explained: features.explained.reduce((a, b) => a + b, 0) },
    seconds: timings,
    m3Models,
    m3: meanAccuracy(m3Models),
    singleScale: perScale(single),
    trainingFree: Object.fromEntries(SELECTIONS.map((s) => [s, perScale(trainingFree[s])])) as Record<Selection, Accuracy>,
    oracle,
    paperOracle,
    policies,
    predictor: {
      featureSize: trainInputs[0]!.length,
      losses: trained.losses,
      calibration: {
        predictor: calibration(testProbabilities, testExpected),
        questionOnly: calibration(questionOnlyProbabilities, testExpected),
        typeTable: calibration(typeScores, testExpected),
      },
    },
    artifacts: {
      predictor: trained.predictor,
      testMosaics: mosaics.test,
      testCorrect: correctOf(m3Runs[0]!.test),
      testExpected,
      testRecords,
      testProbabilities,
    },
  };
}
