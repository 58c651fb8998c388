import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MachineInfo } from '../../pooling/bench/machine.js';
import type { MeasureOptions } from '../../pooling/bench/measure.js';
import type { AdapterSummary } from './adapter.js';
import type { ShapeResult } from './bench-shape.js';
import { KERNELS, SCALES } from './shapes.js';

export interface ResultsFile {
  readonly benchmark: 'webgpu-pyramid';
  readonly timestamp: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  /** The adapter ours, tfjs and the copy ran on (one device); onnxruntime opens its own on its own Dawn. */
  readonly adapter: AdapterSummary;
  readonly versions: Record<string, string>;
  readonly workload: {
    readonly scales: readonly number[];
    readonly kernels: readonly number[];
    readonly layout: 'NHWC';
    readonly mode: 'm3';
    readonly dtype: 'float32';
  };
  readonly measure: MeasureOptions;
  readonly contenders: readonly { readonly name: string; readonly description: string; readonly info: Record<string, string | number | boolean> }[];
  readonly shapes: readonly ShapeResult[];
}

export function resultsFile(parts: Pick<ResultsFile, 'quick' | 'machine' | 'adapter' | 'versions' | 'measure' | 'contenders' | 'shapes'>): ResultsFile {
  return {
    benchmark: 'webgpu-pyramid',
    timestamp: new Date().toISOString(),
    workload: { scales: [...SCALES], kernels: KERNELS, layout: 'NHWC', mode: 'm3', dtype: 'float32' },
    ...parts,
  };
}

export const RESULTS_PATH = fileURLToPath(new URL('../bench-results/webgpu.json', import.meta.url));

/** Writes bench-results/webgpu.json (gitignored) and returns its path. */
export function writeResults(results: ResultsFile): string {
  mkdirSync(fileURLToPath(new URL('../bench-results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
  return RESULTS_PATH;
}

export function readResults(path = RESULTS_PATH): ResultsFile {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
  if (parsed.benchmark !== 'webgpu-pyramid') throw new Error(`${path}: not a webgpu bench result`);
  return parsed;
}
