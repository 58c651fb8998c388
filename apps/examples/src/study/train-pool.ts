import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EvaluationSplit, JobData, JobResult, TrainJob, TrainSettings, WorkerMessage } from './train-job.js';
import type { TokenSets } from './train.js';

/** A copy of a typed array in shared memory, so every worker reads the one copy. */
function shared<T extends Float32Array | Int32Array>(a: T): T {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function shareSets(t: TokenSets): TokenSets {
  return { ...t, sets: t.sets.map((s) => ({ tokens: s.tokens, data: shared(s.data) })), questions: shared(t.questions), answers: shared(t.answers) };
}

/** Workers by default: one per core (the wasm backend trains on one thread), never more than the jobs. */
export const defaultWorkers = (): number => availableParallelism();

/**
 * Trains and evaluates every job, each in its own worker thread, `workers` at a time. A job's
 * numbers do not depend on how many run at once (each has its own seed and its own wasm
 * backend), so the result is the same with 1 worker or 16; results come back in `jobs` order.
 */
export async function runTrainJobs(
  jobs: readonly TrainJob[],
  settings: TrainSettings,
  data: JobData,
  options: { readonly workers?: number; readonly progress?: (stage: string, done: number, total: number) => void } = {},
): Promise<JobResult[]> {
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers(), jobs.length));
  const shareable: JobData = {
    train: shareSets(data.train),
    evaluation: Object.fromEntries(Object.entries(data.evaluation).map(([k, v]) => [k, shareSets(v)])) as Record<EvaluationSplit, TokenSets>,
  };
  const results: JobResult[] = new Array(jobs.length);
  const running = new Set<Worker>();
  let failed = false;
  let next = 0;
  const run = (job: TrainJob): Promise<JobResult> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./train-worker-entry.mjs', import.meta.url), { workerData: { job, settings, data: shareable } });
      running.add(worker);
      let settled = false;
      const finish = (f: () => void): void => {
        if (settled) return;
        settled = true;
        running.delete(worker);
        void worker.terminate();
        f();
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'progress') options.progress?.(job.stage, m.done, m.total);
        else if (m.kind === 'done') finish(() => resolve(m.result));
        else finish(() => reject(new Error(`${job.stage}: ${m.message}`)));
      });
      worker.on('error', (error) => finish(() => reject(new Error(`${job.stage}: ${error.message}`))));
      worker.on('exit', (code) => finish(() => reject(new Error(`${job.stage}: the worker exited with code ${code} before finishing`))));
    });
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < jobs.length && !failed) {
          const i = next++;
          results[i] = await run(jobs[i]!);
        }
      }),
    );
  } catch (error) {
    // One failed job fails the run: stop the others rather than let them train for nothing.
    failed = true;
    await Promise.all([...running].map((w) => w.terminate()));
    throw error;
  }
  return results;
}
