/**
 * The backend conformance suite: one list of runner-agnostic cases every backend runs (cpu,
 * webgpu in Node and in Chromium, cuda on the host emulation and on a GPU). A host builds a
 * `ConformanceContext`, picks its cases with `selectCases` (its exclusions, each with a reason)
 * and runs each case's `run(ctx, conformanceAssert)` however it reports tests.
 */
import { conformanceCases } from './cases.js';
import type { ConformanceCapabilities, ConformanceCase } from './types.js';

export { conformanceAssert } from './assert.js';
export { conformanceCases } from './cases.js';
export { RANDOM_OPTIONS, randomScales, type OpCall } from './calls.js';
export type { ConformanceAssert, ConformanceCapabilities, ConformanceCase, ConformanceContext } from './types.js';

export interface SelectedCases {
  /** The cases this host runs, in the suite's order. */
  readonly run: readonly ConformanceCase[];
  /** The cases it does not run, each with why: excluded by the host, or a capability it lacks. */
  readonly skipped: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
}

/**
 * The cases a host runs. `exclude` maps case names to the reason they do not apply; a name that
 * is no case throws, so an exclusion list cannot outlive the case it excused.
 */
export function selectCases(capabilities: ConformanceCapabilities, exclude: Readonly<Record<string, string>> = {}): SelectedCases {
  const names = new Set(conformanceCases.map((c) => c.name));
  for (const name of Object.keys(exclude)) {
    if (!names.has(name)) throw new Error(`conformance exclusion names no case: "${name}"`);
  }
  const run: ConformanceCase[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  for (const c of conformanceCases) {
    const reason = exclude[c.name];
    if (reason !== undefined) skipped.push({ name: c.name, reason: `excluded: ${reason}` });
    else if (c.needs !== undefined && capabilities[c.needs] === undefined)
      skipped.push({ name: c.name, reason: `the backend declares no ${c.needs} capability` });
    else run.push(c);
  }
  return { run, skipped };
}

/** Case names by their role, for exclusion lists that should not repeat long strings. */
export const CASE = {
  disposedResults: 'dispose: a disposed pyramid or op result rejects read() with DISPOSED',
  float16: 'float16 input and output levels, within half precision',
  noLeak: '300 pyramids and op results in a loop leave no device memory behind',
} as const;
