import { performance } from 'node:perf_hooks';
import type { Instance, MaybePromise } from './types.js';

export interface MeasureOptions {
  /** Warm-up lasts at least this long and this many runs. */
  readonly warmupMs: number;
  readonly warmupRuns: number;
  /** Timed runs go on until both the time box and the sample minimum are met (or maxSamples). */
  readonly timeBoxMs: number;
  readonly minSamples: number;
  readonly maxSamples: number;
}

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** Runs once; awaits only when the contender is asynchronous, so sync code pays no microtask. */
async function once(instance: Instance): Promise<number> {
  const start = performance.now();
  const result = instance.run();
  if (isPromise(result)) await result;
  return performance.now() - start;
}

/** Warms up, then returns one wall-clock duration (ms) per timed run. */
export async function measure(instance: Instance, options: MeasureOptions): Promise<number[]> {
  const warmStart = performance.now();
  for (let i = 0; i < options.warmupRuns || performance.now() - warmStart < options.warmupMs; i++) {
    await once(instance);
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < options.maxSamples && (samples.length < options.minSamples || performance.now() - start < options.timeBoxMs)) {
    samples.push(await once(instance));
  }
  return samples;
}
