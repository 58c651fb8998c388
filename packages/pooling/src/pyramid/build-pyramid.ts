import { assertTokenGrid, planLevels, type PyramidOptions, type TokenGrid, type TokenPyramid } from '@matryoshka/core';
import { createTokenPyramid, oneOf, optionsObject, resolvePlanOptions } from '@matryoshka/core/backend';
import { nonFinitePolicy } from '../options.js';
import { computeLevels, type KernelChoice } from './compute-levels.js';
import { levelTargets } from './level-targets.js';

export type { KernelChoice };

export interface CpuPyramidOptions extends PyramidOptions {
  /** `'auto'` (default): WebAssembly SIMD where available, else the TypeScript reference. */
  kernels?: KernelChoice;
  /**
   * Arrays to write the levels into (one per scale, exact length), reused across calls instead
   * of allocating fresh ones; `levels[i].data` is then `out[i]`. They must not overlap the input.
   */
  out?: readonly Float32Array[];
}

const KERNELS: readonly KernelChoice[] = ['auto', 'wasm', 'js'];

/**
 * The nested levels of `grid`, one per requested scale (default `[576, 144, 36, 9, 1]`, mode
 * `'m3'`): `levels[i]` answers `scales[i]` and `at(tokens)` finds a level. Every level is a new
 * `TokenGrid`; the input is never written to. Each frame is pooled on its own, so a batch of
 * images can be passed as frames.
 */
export function buildPyramid(grid: TokenGrid, options?: CpuPyramidOptions): TokenPyramid {
  const g = assertTokenGrid(grid, 'grid');
  const o = optionsObject(options, 'options');
  const policy = nonFinitePolicy(o.nonFinite);
  const kernels = o.kernels === undefined ? 'auto' : oneOf(o.kernels, KERNELS, 'options.kernels');
  const plans = planLevels({ rows: g.rows, cols: g.cols }, o);
  const { maxOutputBytes } = resolvePlanOptions(o);
  const data = computeLevels(g, plans, levelTargets(g, plans, o.out, maxOutputBytes), policy, kernels);
  const levels = plans.map((plan, i) => Object.freeze({ data: data[i]!, frames: g.frames, rows: plan.rows, cols: plan.cols, channels: g.channels, plan }));
  return createTokenPyramid(levels, { backend: 'cpu', mode: plans[0]!.mode });
}
