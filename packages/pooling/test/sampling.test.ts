import { describe, expect, it } from 'vitest';
import { tokenGrid } from '@matryoshka/core';
import { avgPool3d, sequentialSample, spatialSample } from '../src/index.js';

// A 4×6 grid whose single channel holds the token index: samples show which tokens were kept.
const grid = tokenGrid(
  Float32Array.from({ length: 24 }, (_, i) => i),
  { rows: 4, cols: 6, channels: 1 },
);

describe('training-free baselines', () => {
  it('spatial sampling keeps a uniform sub-grid, centred by default', () => {
    const centred = spatialSample(grid, { rows: 2, cols: 3 });
    expect([centred.rows, centred.cols]).toEqual([2, 3]);
    expect([...centred.data]).toEqual([7, 9, 11, 19, 21, 23]);
    expect([...spatialSample(grid, { rows: 2, cols: 3, anchor: 'start' }).data]).toEqual([0, 2, 4, 12, 14, 16]);
  });

  it('sequential sampling keeps the first tokens in row-major order, per frame', () => {
    const two = tokenGrid(
      Float32Array.from({ length: 48 }, (_, i) => i),
      { frames: 2, rows: 4, cols: 6, channels: 1 },
    );
    const s = sequentialSample(two, { tokens: 4 });
    expect([s.frames, s.rows, s.cols]).toEqual([2, 1, 4]);
    expect([...s.data]).toEqual([0, 1, 2, 3, 24, 25, 26, 27]);
  });
});

describe('avgPool3d', () => {
  it('averages frames and windows together', () => {
    const video = tokenGrid(
      Float32Array.from({ length: 3 * 2 * 2 }, (_, i) => i),
      { frames: 3, rows: 2, cols: 2, channels: 1 },
    );
    const p = avgPool3d(video, { temporalKernel: 2, kernel: 2 });
    expect([p.frames, p.rows, p.cols]).toEqual([1, 1, 1]); // floor: the third frame is dropped
    expect([...p.data]).toEqual([(0 + 1 + 2 + 3 + 4 + 5 + 6 + 7) / 8]);
  });
});
