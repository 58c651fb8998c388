import { describe, expect, it } from 'vitest';
import type { TokenGrid } from '@matryoshka/core';
import * as cpu from '../src/index.js';
import { buildPyramid, type KernelChoice } from '../src/index.js';
import { fixtureOp, fixturePyramid } from '../../../testing/fixture-requests.js';
import { inputGrid, loadFloats, loadManifest, relativeError } from './fixtures.js';

// Every case of the manifest runs; a new case needs no code unless it brings a new `op`.
const TOLERANCE = 1e-5;
const manifest = loadManifest();
const KERNELS: KernelChoice[] = ['js', 'wasm'];

describe(`PyTorch parity (${manifest.generator})`, () => {
  it('has cases to check', () => {
    expect(manifest.cases.length).toBeGreaterThan(0);
  });

  for (const c of manifest.cases) {
    describe(`${c.name} (${c.op}, ${c.frames ?? 1}×${c.rows}×${c.cols}×${c.channels})`, () => {
      const grid = inputGrid(c);
      const before = grid.data.slice();

      it.each(c.levels.map((l) => [l.file, l] as const))('op → %s', (_file, level) => {
        const { op, options } = fixtureOp(c, level);
        const out = (cpu[op] as (g: TokenGrid, o: unknown) => TokenGrid)(grid, options);
        expect([out.frames, out.rows, out.cols]).toEqual([level.frames ?? c.frames ?? 1, level.rows, level.cols]);
        expect(relativeError(out.data, loadFloats(level.file))).toBeLessThanOrEqual(TOLERANCE);
        expect(grid.data).toEqual(before);
      });

      const request = fixturePyramid(c);
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
