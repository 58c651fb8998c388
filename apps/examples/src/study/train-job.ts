import { createAnswerModel, type AnswerModelConfig } from './answer-model.js';
import { evaluateAnswerModel, trainAnswerModel, type Answers, type TokenSets } from './train.js';

/** The token sets a job may be evaluated on: validation, and test made by each selection method. */
export type EvaluationSplit = 'validation' | 'test-pool' | 'test-spatial' | 'test-sequential';

/** One answer model to train and evaluate: everything but the data, which every job shares. */
export interface TrainJob {
  /** Names the job's progress. */
  readonly stage: string;
  readonly seed: number;
  /** Token sets the loss averages over: all five (M3) or one (a single-scale model). */
  readonly sets: readonly number[];
  readonly scaleWeights?: readonly number[];
  /** Where to evaluate the trained model, in order: a split and one of its token sets. */
  readonly evaluations: readonly { readonly split: EvaluationSplit; readonly set: number }[];
}

export interface TrainSettings {
  readonly model: AnswerModelConfig;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
}

/** What every job reads: the training sets and the evaluation splits (shared memory in workers). */
export interface JobData {
  readonly train: TokenSets;
  readonly evaluation: Readonly<Record<EvaluationSplit, TokenSets>>;
}

/** A job's outcome: its answers for each of `job.evaluations`, in order. */
export interface JobResult {
  readonly answers: readonly Answers[];
  readonly losses: readonly number[];
}

/** Messages from a worker: progress while training, then its result or an error. */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly kind: 'done'; readonly result: JobResult }
  | { readonly kind: 'error'; readonly message: string };

/** Trains one answer model (its seed sets its initial weights and batch order) and evaluates it where the job asks. */
export function runTrainJob(job: TrainJob, settings: TrainSettings, data: JobData, onBatch?: (done: number, total: number) => void): JobResult {
  const model = createAnswerModel(settings.model, job.seed);
  try {
    const losses = trainAnswerModel(model, data.train, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      seed: job.seed,
      sets: job.sets,
      ...(job.scaleWeights === undefined ? {} : { scaleWeights: job.scaleWeights }),
      ...(onBatch === undefined ? {} : { onBatch }),
    });
    return { losses, answers: job.evaluations.map((e) => evaluateAnswerModel(model, data.evaluation[e.split], e.set)) };
  } finally {
    model.dispose();
  }
}
