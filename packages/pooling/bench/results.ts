import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ShapeResult } from './bench-shape.js';
import type { MachineInfo } from './machine.js';
import type { MeasureOptions } from './measure.js';
import { KERNELS, SCALES } from './shapes.js';

export interface ResultsFile {
  readonly benchmark: 'pyramid';
  readonly timestamp: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly workload: { readonly scales: readonly number[]; readonly kernels: readonly number[]; readonly layout: 'NHWC'; readonly mode: 'm3' };
  readonly measure: MeasureOptions;
  readonly contenders: readonly { readonly name: string; readonly description: string; readonly info: Record<string, string | number | boolean> }[];
  readonly shapes: readonly ShapeResult[];
}

export function resultsFile(parts: Pick<ResultsFile, 'quick' | 'machine' | 'measure' | 'contenders' | 'shapes'>): ResultsFile {
  return {
    benchmark: 'pyramid',
    timestamp: new Date().toISOString(),
    workload: { scales: [...SCALES], kernels: KERNELS, layout: 'NHWC', mode: 'm3' },
    ...parts,
  };
}

/** Writes bench-results/pyramid.json next to bench/ and returns its path. */
export function writeResults(results: ResultsFile): string {
  const dir = fileURLToPath(new URL('../bench-results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = `${dir}pyramid.json`;
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
