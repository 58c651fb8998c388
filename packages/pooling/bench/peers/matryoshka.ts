import { buildPyramid } from '../../src/index.js';
import { SCALES } from '../shapes.js';
import type { Contender, Level, MaybePromise } from '../types.js';

export interface GridInput {
  readonly data: Float32Array;
  readonly frames: number;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
}

/** Anything shaped like `buildPyramid`: a variant (another backend, other options) is one more line in contenders.ts. */
export type BuildPyramidFn = (grid: GridInput, options: { scales: readonly number[]; mode: 'm3' }) => MaybePromise<{ readonly levels: readonly Level[] }>;

export function matryoshka(
  name = 'matryoshka',
  build: BuildPyramidFn = buildPyramid,
  description = 'buildPyramid(grid, { scales: [144, 36, 9, 1], mode: "m3" }) from ../src (default nonFinite: "reject"): NHWC in, four new NHWC levels out',
): Contender {
  return {
    name,
    description,
    kind: 'pyramid',
    setup: (shape, input) => {
      const grid: GridInput = { data: input, frames: shape.frames, rows: shape.rows, cols: shape.cols, channels: shape.channels };
      const options = { scales: SCALES, mode: 'm3' as const };
      const levelsOf = (p: { readonly levels: readonly Level[] }): readonly Level[] => p.levels;
      return Promise.resolve({
        run: () => {
          const result = build(grid, options);
          return result instanceof Promise ? result.then(levelsOf) : levelsOf(result);
        },
        dispose: () => undefined,
      });
    },
  };
}

/** `buildPyramid` writing into level arrays allocated once at setup (the `out` option). */
export function matryoshkaReused(): Contender {
  return {
    name: 'matryoshka, reused out',
    description: 'buildPyramid(grid, { scales: [144, 36, 9, 1], mode: "m3", out }) with `out` allocated once at setup',
    kind: 'pyramid',
    outputs: 'reused',
    setup: (shape, input) => {
      const grid: GridInput = { data: input, frames: shape.frames, rows: shape.rows, cols: shape.cols, channels: shape.channels };
      const out = SCALES.map((s) => new Float32Array(shape.frames * s * shape.channels));
      const options = { scales: SCALES, mode: 'm3' as const, out };
      return Promise.resolve({ run: () => buildPyramid(grid, options).levels, dispose: () => undefined });
    },
  };
}
