import { describe, expect, it } from 'vitest';
import type { PoolingMode, TokenGrid } from '@matryoshka/core';
import { adaptiveAvgPool2d, avgPool2d, avgPool3d, bilinearResize, buildPyramid, maxPool2d, type KernelChoice } from '../src/index.js';
import { inputGrid, loadFloats, loadManifest, relativeError, type FixtureCase, type FixtureLevel } from './fixtures.js';

// Every case of the manifest runs; a new case needs no code unless it brings a new `op`.
const TOLERANCE = 1e-5;
const manifest = loadManifest();
const KERNELS: KernelChoice[] = ['js', 'wasm'];

/** The single op that produces one fixture level. */
function runOp(c: FixtureCase, grid: TokenGrid, level: FixtureLevel): TokenGrid {
  switch (c.op) {
    case 'm3-floor':
      return avgPool2d(grid, { kernel: level.kernel! });
    case 'avg-ceil':
      return avgPool2d(grid, { kernel: level.kernel!, ceilMode: true });
    case 'adaptive-avg':
      return adaptiveAvgPool2d(grid, { rows: level.rows, cols: level.cols });
    case 'bilinear':
      return bilinearResize(grid, { rows: level.rows, cols: level.cols });
    case 'max-floor':
      return maxPool2d(grid, { kernel: level.kernel! });
    case 'video-avg':
      return avgPool3d(grid, { temporalKernel: level.temporalKernel!, kernel: level.kernel! });
  }
}

/** Cases a pyramid reproduces, with the scales and mode that ask for exactly their levels. */
function pyramidRequest(c: FixtureCase): { mode: PoolingMode; scales: number[] } | undefined {
  const cells = c.rows * c.cols;
  switch (c.op) {
    case 'm3-floor':
      return { mode: 'm3', scales: c.levels.map((l) => l.requested!) };
    case 'avg-ceil':
      // The m3 rule gives kernel k back for floor(H·W / k²) requested tokens.
      return { mode: 'ceil', scales: c.levels.map((l) => Math.floor(cells / l.kernel! ** 2)) };
    case 'adaptive-avg':
      return { mode: 'adaptive', scales: c.levels.map((l) => l.tokens) };
    case 'bilinear':
      return { mode: 'bilinear', scales: c.levels.map((l) => l.tokens) };
    default:
      return undefined;
  }
}

describe(`PyTorch parity (${manifest.generator})`, () => {
  it('has cases to check', () => {
    expect(manifest.cases.length).toBeGreaterThan(0);
  });

  for (const c of manifest.cases) {
    describe(`${c.name} (${c.op}, ${c.frames ?? 1}×${c.rows}×${c.cols}×${c.channels})`, () => {
      const grid = inputGrid(c);
      const before = grid.data.slice();

      it.each(c.levels.map((l) => [l.file, l] as const))('op → %s', (_file, level) => {
        const out = runOp(c, grid, level);
        expect([out.frames, out.rows, out.cols]).toEqual([level.frames ?? c.frames ?? 1, level.rows, level.cols]);
        expect(relativeError(out.data, loadFloats(level.file))).toBeLessThanOrEqual(TOLERANCE);
        expect(grid.data).toEqual(before);
      });

      const request = pyramidRequest(c);
      if (request !== undefined) {
        it.each(KERNELS)('whole pyramid in one call (%s kernels)', (kernels) => {
          const pyramid = buildPyramid(grid, { ...request, kernels });
          c.levels.forEach((level, i) => {
            const got = pyramid.levels[i]!;
            expect([got.rows, got.cols, got.plan.tokens]).toEqual([level.rows, level.cols, level.tokens]);
            if (level.kernel !== undefined) expect(got.plan.kernel).toBe(level.kernel);
            expect(relativeError(got.data, loadFloats(level.file))).toBeLessThanOrEqual(TOLERANCE);
          });
          expect(grid.data).toEqual(before);
        });
      }
    });
  }
});
