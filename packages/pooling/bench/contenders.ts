import { copy } from './peers/copy.js';
import { buildPyramid } from '../src/index.js';
import { matryoshka, matryoshkaReused } from './peers/matryoshka.js';
import { onnxruntime } from './peers/onnxruntime.js';
import { tfjs } from './peers/tfjs.js';
import type { Contender } from './types.js';

/** The name of the contender every output is checked against, and fresh-output ratios are taken against. */
export const BASELINE = 'matryoshka';
/** The baseline for contenders that reuse preallocated outputs. */
export const BASELINE_REUSED = 'matryoshka, reused out';

export function baselineFor(outputs: 'fresh' | 'reused'): string {
  return outputs === 'reused' ? BASELINE_REUSED : BASELINE;
}

/**
 * Everything the bench times, in this order. One line per contender: a variant of ours is e.g.
 * `matryoshka('matryoshka-wasm', buildPyramidWasm)`; the baseline must stay first.
 */
export const CONTENDERS: readonly Contender[] = [
  matryoshka(),
  matryoshka(
    'matryoshka, js kernels',
    (grid, options) => buildPyramid(grid, { ...options, kernels: 'js' }),
    'buildPyramid(grid, { scales, mode: "m3", kernels: "js" }): the TypeScript reference kernels',
  ),
  onnxruntime({ threads: 1 }),
  onnxruntime({ threads: 2 }),
  onnxruntime({ threads: 1, layout: 'nchw' }),
  tfjs('wasm'),
  tfjs('cpu', 5),
  copy('slice', 5),
  matryoshkaReused(),
  onnxruntime({ threads: 1, reuseOutputs: true }),
  onnxruntime({ threads: 2, reuseOutputs: true }),
  copy('set'),
];
