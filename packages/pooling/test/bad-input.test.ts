import { describe, expect, it } from 'vitest';
import { ErrorCode, tokenGrid } from '@matryoshka/core';
import { adaptiveAvgPool2d, avgPool2d, avgPool3d, bilinearResize, buildPyramid, maxPool2d, sequentialSample, spatialSample } from '../src/index.js';
import { seededData } from './arbitraries.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

const grid = tokenGrid(seededData(24 * 24 * 4, 7), { rows: 24, cols: 24, channels: 4 });

describe('bad arguments get MatryoshkaError naming the argument', () => {
  it('wrong data length and sizes', () => {
    const bad = { data: new Float32Array(10), rows: 24, cols: 24, channels: 4 };
    expectMatryoshkaError(() => buildPyramid(bad as never), ErrorCode.ShapeMismatch, 'grid.data');
    expectMatryoshkaError(() => avgPool2d({ ...grid, rows: 0 }, { kernel: 2 }), ErrorCode.InvalidArgument, 'grid.rows');
    expectMatryoshkaError(() => avgPool2d({ ...grid, channels: -4 }, { kernel: 2 }), ErrorCode.InvalidArgument, 'grid.channels');
    expectMatryoshkaError(() => buildPyramid({ ...grid, data: Array.from(grid.data) } as never), ErrorCode.InvalidArgument, 'grid.data');
  });

  it('scales that are not integers, not positive, or larger than the grid', () => {
    expectMatryoshkaError(() => buildPyramid(grid, { scales: [144, 2.5] }), ErrorCode.InvalidArgument, 'options.scales[1]');
    expectMatryoshkaError(() => buildPyramid(grid, { scales: [0] }), ErrorCode.InvalidArgument, 'options.scales[0]');
    expectMatryoshkaError(() => buildPyramid(grid, { scales: [-9] }), ErrorCode.InvalidArgument, 'options.scales[0]');
    const e = expectMatryoshkaError(() => buildPyramid(grid, { scales: [1000] }), ErrorCode.ScaleOutOfRange, 'options.scales[0]');
    expect(e.message).toContain('24×24 grid has only 576');
    expectMatryoshkaError(() => buildPyramid(grid, { mode: 'area' as never }), ErrorCode.InvalidArgument, 'options.mode');
  });

  it('kernels larger than the grid, or not positive integers', () => {
    expectMatryoshkaError(() => avgPool2d(grid, { kernel: 25 }), ErrorCode.KernelTooLarge, 'options.kernel');
    expectMatryoshkaError(() => avgPool2d(grid, { kernel: [2, 30] }), ErrorCode.KernelTooLarge, 'options.kernel');
    expectMatryoshkaError(() => maxPool2d(grid, { kernel: 0 }), ErrorCode.InvalidArgument, 'options.kernel');
    expectMatryoshkaError(() => avgPool2d(grid, { kernel: [2] as never }), ErrorCode.InvalidArgument, 'options.kernel');
    expectMatryoshkaError(() => avgPool2d(grid, { kernel: 2, stride: 1.5 }), ErrorCode.InvalidArgument, 'options.stride');
    expectMatryoshkaError(() => avgPool2d(grid, { kernel: 2, ceilMode: 1 as never }), ErrorCode.InvalidArgument, 'options.ceilMode');
    expectMatryoshkaError(() => avgPool3d(grid, { temporalKernel: 2, kernel: 2 }), ErrorCode.KernelTooLarge, 'options.temporalKernel');
    expectMatryoshkaError(() => avgPool2d(grid, undefined as never), ErrorCode.InvalidArgument, 'options.kernel');
  });

  it('resize and sampling sizes', () => {
    expectMatryoshkaError(() => adaptiveAvgPool2d(grid, { rows: 0, cols: 3 }), ErrorCode.InvalidArgument, 'options.rows');
    expectMatryoshkaError(() => bilinearResize(grid, { rows: 3, cols: Number.NaN }), ErrorCode.InvalidArgument, 'options.cols');
    expectMatryoshkaError(() => spatialSample(grid, { rows: 25, cols: 3 }), ErrorCode.ScaleOutOfRange, 'options');
    expectMatryoshkaError(() => sequentialSample(grid, { tokens: 577 }), ErrorCode.ScaleOutOfRange, 'options.tokens');
    expectMatryoshkaError(() => spatialSample(grid, { rows: 3, cols: 3, anchor: 'middle' as never }), ErrorCode.InvalidArgument, 'options.anchor');
  });

  it('options that are not objects', () => {
    expectMatryoshkaError(() => buildPyramid(grid, 5 as never), ErrorCode.InvalidArgument, 'options');
    expectMatryoshkaError(() => buildPyramid(grid, { kernels: 'gpu' as never }), ErrorCode.InvalidArgument, 'options.kernels');
    expectMatryoshkaError(() => buildPyramid(grid, { nonFinite: 'ignore' as never }), ErrorCode.InvalidArgument, 'options.nonFinite');
  });
});

describe('NaN and Infinity', () => {
  const withBad = (value: number, index: number) => {
    const data = grid.data.slice();
    data[index] = value;
    return tokenGrid(data, { rows: 24, cols: 24, channels: 4 });
  };

  it.each(['js', 'wasm'] as const)('are rejected by default, naming the token (%s kernels)', (kernels) => {
    // Token (row 5, col 7), channel 2.
    const e = expectMatryoshkaError(() => buildPyramid(withBad(Number.NaN, (5 * 24 + 7) * 4 + 2), { kernels }), ErrorCode.NonFiniteValue, 'grid.data');
    expect(e.message).toContain('row 5, col 7, channel 2');
    expectMatryoshkaError(() => buildPyramid(withBad(Number.POSITIVE_INFINITY, 100), { scales: [144], kernels }), ErrorCode.NonFiniteValue, 'grid.data');
    expectMatryoshkaError(() => buildPyramid(withBad(Number.NEGATIVE_INFINITY, 100), { scales: [576], kernels }), ErrorCode.NonFiniteValue, 'grid.data');
  });

  it('are rejected by every op', () => {
    const bad = withBad(Number.NaN, 0);
    for (const op of [
      () => avgPool2d(bad, { kernel: 2 }),
      () => maxPool2d(bad, { kernel: 2 }),
      () => adaptiveAvgPool2d(bad, { rows: 3, cols: 3 }),
      () => bilinearResize(bad, { rows: 24, cols: 24 }),
      () => spatialSample(bad, { rows: 24, cols: 24 }),
      () => sequentialSample(bad, { tokens: 1 }),
    ]) {
      expectMatryoshkaError(op, ErrorCode.NonFiniteValue, 'grid.data');
    }
  });

  it("propagate like PyTorch with { nonFinite: 'propagate' }", () => {
    const bad = withBad(Number.NaN, 0); // token (0, 0), channel 0
    const p = buildPyramid(bad, { nonFinite: 'propagate' });
    for (const level of p.levels) {
      expect(Number.isNaN(level.data[0])).toBe(true); // the window holding (0, 0)
      expect(level.data.slice(1).every(Number.isFinite)).toBe(true);
    }
    expect(Number.isNaN(maxPool2d(bad, { kernel: 2, nonFinite: 'propagate' }).data[0])).toBe(true);
    // +Inf and −Inf in one window average to NaN, as in PyTorch.
    const data = grid.data.slice();
    data[0] = Number.POSITIVE_INFINITY;
    data[4] = Number.NEGATIVE_INFINITY;
    const mixed = avgPool2d(tokenGrid(data, { rows: 24, cols: 24, channels: 4 }), { kernel: 2, nonFinite: 'propagate' });
    expect(Number.isNaN(mixed.data[0])).toBe(true);
  });

  it('a NaN the pooling never reads is not an error (27×27, m3 drops the last row)', () => {
    const g = tokenGrid(seededData(27 * 27 * 2, 3), { rows: 27, cols: 27, channels: 2 });
    const data = g.data.slice();
    data[(26 * 27 + 3) * 2] = Number.NaN;
    const p = buildPyramid(tokenGrid(data, { rows: 27, cols: 27, channels: 2 }), { scales: [144, 36] });
    expect(p.levels.map((l) => l.plan.tokens)).toEqual([169, 36]);
  });
});

describe('caller buffers', () => {
  it('inputs are never written, whatever the op', () => {
    const before = grid.data.slice();
    buildPyramid(grid);
    buildPyramid(grid, { kernels: 'js', mode: 'ceil', scales: [576, 144, 36, 9, 1] });
    buildPyramid(grid, { mode: 'bilinear', scales: [100] });
    avgPool2d(grid, { kernel: 3, stride: 2 });
    avgPool3d(grid, { temporalKernel: 1, kernel: 2 });
    spatialSample(grid, { rows: 3, cols: 3 });
    expect(grid.data).toEqual(before);
  });

  it('levels own their memory: no aliasing of the input or of each other', () => {
    const p = buildPyramid(grid, { scales: [576, 144, 144, 100] });
    const buffers = p.levels.map((l) => l.data);
    expect(buffers[0]).not.toBe(grid.data);
    expect(buffers[0]!.buffer).not.toBe(grid.data.buffer);
    expect(new Set(buffers.map((b) => b.buffer)).size).toBe(4);
    expect(buffers[1]).toEqual(buffers[2]);
    expect(p.at(100)).toBe(p.levels[3]);
    expect(p.at(144)).toBe(p.levels[1]);
  });

  it('writes into caller arrays with { out }, and checks them', () => {
    const out = [new Float32Array(144 * 4), new Float32Array(9 * 4)];
    const p = buildPyramid(grid, { scales: [144, 9], out });
    expect(p.levels[0]!.data).toBe(out[0]);
    expect(p.levels[1]!.data).toBe(out[1]);
    expect(out[1]).toEqual(buildPyramid(grid, { scales: [144, 9] }).levels[1]!.data);
    expectMatryoshkaError(() => buildPyramid(grid, { scales: [144, 9], out: [out[0]!] }), ErrorCode.InvalidArgument, 'options.out');
    expectMatryoshkaError(() => buildPyramid(grid, { scales: [144, 9], out: [out[0]!, new Float32Array(5)] }), ErrorCode.ShapeMismatch, 'options.out[1]');
    expectMatryoshkaError(() => buildPyramid(grid, { scales: [576], out: [grid.data] }), ErrorCode.InvalidArgument, 'options.out[0]');
    const shared = new Float32Array(144 * 4 * 2);
    expectMatryoshkaError(
      () => buildPyramid(grid, { scales: [144, 144], out: [shared.subarray(0, 576), shared.subarray(100, 676)] }),
      ErrorCode.InvalidArgument,
      'options.out[1]',
    );
  });

  it('at() names the levels it has when asked for a missing one', () => {
    const e = expectMatryoshkaError(() => buildPyramid(grid, { scales: [144, 100] }).at(36), ErrorCode.LevelNotFound, 'tokens');
    expect(e.message).toContain('144, 100→144');
  });
});
