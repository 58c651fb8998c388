import { createAnswerModel } from './answer-model.js';
import type { JobData, JobResult, TrainJob, TrainSettings } from './train-jobs.js';
import { evaluateAnswerModel, trainAnswerModel } from './train.js';

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
