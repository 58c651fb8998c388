import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isMatryoshkaError, planLevels, tokenGrid, type PoolingMode, type TokenGrid } from '@matryoshka/core';
import { poolOutputSize } from '@matryoshka/core/backend';
import { avgPool2d, buildPyramid } from '../src/index.js';
import { gridArb, scaleFor, seededData } from './arbitraries.js';
import { relativeError } from '@matryoshka/testing/relative-error';

const fraction = fc.double({ min: 0, max: 1, noNaN: true });

/** Plans that fit (square windows can outgrow one side of a rectangular grid: skip those). */
function plannable(grid: TokenGrid, scales: number[], mode: PoolingMode): boolean {
  try {
    planLevels(grid, { scales, mode });
    return true;
  } catch (error) {
    if (isMatryoshkaError(error) && error.code === ErrorCode.KernelTooLarge) return false;
    throw error;
  }
}

describe('pyramid properties', () => {
  it('the WebAssembly kernels match the TypeScript reference on random shapes', () => {
    fc.assert(
      fc.property(gridArb(), fc.array(fraction, { minLength: 1, maxLength: 5 }), fc.constantFrom<PoolingMode>('m3', 'ceil'), (grid, ts, mode) => {
        const scales = ts.map((t) => scaleFor(grid, t));
        fc.pre(plannable(grid, scales, mode));
        const js = buildPyramid(grid, { scales, mode, kernels: 'js' });
        const wasm = buildPyramid(grid, { scales, mode, kernels: 'wasm' });
        js.levels.forEach((level, i) => expect(relativeError(wasm.levels[i]!.data, level.data)).toBeLessThanOrEqual(1e-5));
      }),
      { numRuns: 150 },
    );
  });

  it('the WebAssembly kernels match the reference on batches that span several chunks and slabs', () => {
    // 64 small frames: several frames per slab and per chunk; 3 large frames: bands of rows.
    for (const [frames, rows, channels] of [
      [64, 24, 16],
      [3, 27, 1100],
    ] as const) {
      const grid = tokenGrid(seededData(frames * rows * rows * channels, frames), { frames, rows, cols: rows, channels });
      for (const mode of ['m3', 'ceil'] as const) {
        const scales = [rows * rows, 144, 36, 9, 1];
        const js = buildPyramid(grid, { scales, mode, kernels: 'js' });
        const wasm = buildPyramid(grid, { scales, mode, kernels: 'wasm' });
        js.levels.forEach((level, i) => expect(relativeError(wasm.levels[i]!.data, level.data)).toBeLessThanOrEqual(1e-5));
      }
    }
  });

  it('chained pooling (the one-pass pyramid) equals direct pooling of every level', () => {
    fc.assert(
      fc.property(gridArb(), fc.array(fraction, { minLength: 1, maxLength: 5 }), fc.constantFrom<PoolingMode>('m3', 'ceil'), (grid, ts, mode) => {
        const scales = ts.map((t) => scaleFor(grid, t));
        fc.pre(plannable(grid, scales, mode));
        const pyramid = buildPyramid(grid, { scales, mode, kernels: 'js' });
        for (const level of pyramid.levels) {
          const direct = avgPool2d(grid, { kernel: level.plan.kernel!, ceilMode: mode === 'ceil' });
          expect([level.rows, level.cols]).toEqual([direct.rows, direct.cols]);
          expect(relativeError(level.data, direct.data)).toBeLessThanOrEqual(1e-6);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('pooling twice with nesting kernels equals pooling once with their product', () => {
    fc.assert(
      fc.property(gridArb({ maxSide: 36 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (grid, a, b) => {
        fc.pre(a * b <= Math.min(grid.rows, grid.cols));
        const twice = avgPool2d(avgPool2d(grid, { kernel: a }), { kernel: b });
        const once = avgPool2d(grid, { kernel: a * b });
        expect(relativeError(twice.data, once.data)).toBeLessThanOrEqual(1e-6);
      }),
    );
  });

  it('preserves the per-channel mean on divisible grids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        (k, a, b, channels) => {
          const rows = k * a;
          const cols = k * b;
          const data = Float32Array.from({ length: rows * cols * channels }, (_, i) => Math.sin(i * 12.9898) * 3);
          const grid = tokenGrid(data, { rows, cols, channels });
          const level = avgPool2d(grid, { kernel: k });
          for (let ch = 0; ch < channels; ch++) {
            let inMean = 0;
            for (let t = 0; t < rows * cols; t++) inMean += data[t * channels + ch]!;
            let outMean = 0;
            for (let t = 0; t < level.rows * level.cols; t++) outMean += level.data[t * channels + ch]!;
            expect(outMean / (level.rows * level.cols)).toBeCloseTo(inMean / (rows * cols), 5);
          }
        },
      ),
    );
  });

  it('planning agrees with the shapes the kernels produce, in every mode', () => {
    fc.assert(
      fc.property(
        gridArb({ maxChannels: 5 }),
        fc.array(fraction, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<PoolingMode>('m3', 'ceil', 'adaptive', 'bilinear'),
        (grid, ts, mode) => {
          const scales = ts.map((t) => scaleFor(grid, t));
          fc.pre(plannable(grid, scales, mode));
          const plans = planLevels(grid, { scales, mode });
          const pyramid = buildPyramid(grid, { scales, mode });
          pyramid.levels.forEach((level, i) => {
            const plan = plans[i]!;
            expect([level.rows, level.cols, level.frames, level.channels]).toEqual([plan.rows, plan.cols, grid.frames, grid.channels]);
            expect(level.data.length).toBe(grid.frames * plan.tokens * grid.channels);
            expect(pyramid.at(plan.requested)).toBe(pyramid.levels.find((l) => l.plan.requested === plan.requested));
            if (plan.kernel !== null) expect(plan.rows).toBe(poolOutputSize(grid.rows, plan.kernel, plan.kernel, mode === 'ceil'));
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random bad inputs get a MatryoshkaError, never a TypeError or NaN output', () => {
    const junk = fc.oneof(fc.anything(), fc.double(), fc.integer({ min: -3, max: 40 }), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.record({ rows: junk, cols: junk, channels: junk, frames: junk, data: fc.oneof(junk, fc.float32Array({ maxLength: 64 })) }, { requiredKeys: [] }),
        fc.record({ scales: fc.oneof(junk, fc.array(junk, { maxLength: 3 })), mode: junk, kernel: junk, nonFinite: junk }, { requiredKeys: [] }),
        (grid, options) => {
          for (const call of [() => buildPyramid(grid as never, options as never), () => avgPool2d(grid as never, options as never)]) {
            try {
              const result = call();
              const levels = 'levels' in result ? result.levels : [result];
              for (const level of levels) expect(level.data.every((v) => Number.isFinite(v))).toBe(true);
            } catch (error) {
              expect(isMatryoshkaError(error), String(error)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
