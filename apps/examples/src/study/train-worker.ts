import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { JobData, TrainJob, TrainSettings, WorkerMessage } from './train-job.js';
import { runTrainJob } from './train-job.js';

// One worker trains one answer model on the wasm backend; the data arrive in shared memory.
const { job, settings, data } = workerData as { job: TrainJob; settings: TrainSettings; data: JobData };
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
try {
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not start in a worker');
  let last = 0;
  const result = runTrainJob(job, settings, data, (done, total) => {
    // A message per percent is plenty for a progress bar.
    if (done === total || done - last >= total / 100) {
      last = done;
      post({ kind: 'progress', done, total });
    }
  });
  post({ kind: 'done', result });
} catch (error) {
  post({ kind: 'error', message: (error as Error).stack ?? String(error) });
}
