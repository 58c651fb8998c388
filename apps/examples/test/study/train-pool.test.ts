import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@matryoshka/scale-predictor';
import type { JobData, TrainJob, TrainSettings } from '../../src/study/train-job.js';
import { runTrainJob } from '../../src/study/train-job.js';
import { runTrainJobs } from '../../src/study/train-pool.js';
import type { TokenSets } from '../../src/study/train.js';

// Tiny random data: the pool's wiring, not what a model learns.
function tokenSets(seed: number): TokenSets {
  const random = seededRandom(seed);
  const mosaics = 6;
  const Q = 2;
  const D = 5;
  const F = 3;
  return {
    mosaics,
    questionsPerMosaic: Q,
    tokenDim: D,
    sets: [16, 4, 1].map((tokens) => ({ tokens, data: Float32Array.from({ length: mosaics * tokens * D }, () => random() - 0.5) })),
    questionFeatures: F,
    questions: Float32Array.from({ length: mosaics * Q * F }, () => random()),
    answers: Int32Array.from({ length: mosaics * Q }, () => Math.floor(random() * 4)),
  };
}

const train = tokenSets(1);
const data: JobData = {
  train,
  evaluation: { validation: tokenSets(2), 'test-pool': tokenSets(3), 'test-spatial': tokenSets(4), 'test-sequential': tokenSets(5) },
};
const settings: TrainSettings = {
  model: { tokenDim: 5, questions: 3, answers: 4, heads: 2, embed: 4, hidden: 6 },
  epochs: 2,
  batchSize: 4,
  learningRate: 0.01,
};
const job = (seed: number, sets: number[]): TrainJob => ({
  stage: `job ${seed}`,
  seed,
  sets,
  evaluations: [
    { split: 'test-pool', set: 0 },
    { split: 'validation', set: 2 },
  ],
});

describe('answer models trained in worker threads', () => {
  it('give, in job order, exactly what training in this thread gives, whatever the worker count', async () => {
    const jobs = [job(7, [0, 1, 2]), job(8, [0, 1, 2]), job(7, [1])];
    const two = await runTrainJobs(jobs, settings, data, { workers: 2 });
    const one = await runTrainJobs(jobs, settings, data, { workers: 1 });
    expect(one).toEqual(two);
    // The workers train on tfjs-backend-wasm; so does this thread here.
    expect(await tf.setBackend('wasm')).toBe(true);
    const here = jobs.map((j) => runTrainJob(j, settings, data));
    expect(two.map((r) => r.answers.map((a) => Array.from(a.correct)))).toEqual(here.map((r) => r.answers.map((a) => Array.from(a.correct))));
    expect(two.map((r) => r.losses)).toEqual(here.map((r) => r.losses));
    expect(two[0]!.answers[0]!.confidence).toHaveLength(train.mosaics * train.questionsPerMosaic);
  }, 60_000);

  it('report progress by stage and fail the run with the failing job named', async () => {
    const seen = new Set<string>();
    await runTrainJobs([job(7, [0])], settings, data, { progress: (stage, done, total) => done === total && seen.add(stage) });
    expect([...seen]).toEqual(['job 7']);
    // Set 9 does not exist: the worker throws, the pool stops and names the job.
    await expect(runTrainJobs([job(7, [0]), job(8, [9])], settings, data, { workers: 2 })).rejects.toThrow(/^job 8: /);
  }, 60_000);
});
