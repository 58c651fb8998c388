import { describe, expect, it } from 'vitest';
import { tokenGrid } from '@matryoshka/core';
import { buildPyramid } from '@matryoshka/pooling';
import { pyramidColours, upscaleNearest } from '../../src/visual/pyramid-colours.js';

function randomGrid(rows: number, cols: number, channels: number, seed = 1) {
  let s = seed;
  const data = new Float32Array(rows * cols * channels).map(() => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1);
  return tokenGrid(data, { rows, cols, channels });
}

describe('pyramidColours', () => {
  it('colours every level with one basis and one scaling: one RGBA pixel per token', () => {
    const pyramid = buildPyramid(randomGrid(24, 24, 16));
    const { pictures, pca, min, max } = pyramidColours(pyramid.levels);
    expect(pca?.k).toBe(3);
    expect(pictures.map((p) => [p.rows, p.cols, p.pixels.length])).toEqual([
      [24, 24, 2304],
      [12, 12, 576],
      [6, 6, 144],
      [3, 3, 36],
      [1, 1, 4],
    ]);
    for (let j = 0; j < 3; j++) expect(max[j]).toBeGreaterThan(min[j]!);
    // The full level spans the whole range of every component.
    const full = pictures[0]!.pixels;
    for (let j = 0; j < 3; j++) {
      const channel = [...full.filter((_, i) => i % 4 === j)];
      expect(Math.min(...channel)).toBe(0);
      expect(Math.max(...channel)).toBe(255);
    }
    expect(full.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    // The 1-token level is the mean token, so it sits at the projection of the mean: the same
    // colour as the mean of the full level's scores (projection is linear).
    const one = pictures[4]!.pixels;
    for (let j = 0; j < 3; j++) expect(one[j]).toBe(Math.round(((0 - min[j]!) / (max[j]! - min[j]!)) * 255));
  });

  it('is deterministic and handles degenerate levels', () => {
    const levels = buildPyramid(randomGrid(6, 6, 5), { scales: [36, 9, 1] }).levels;
    expect(pyramidColours(levels).pictures[1]!.pixels).toEqual(pyramidColours(levels).pictures[1]!.pixels);
    const flat = tokenGrid(new Float32Array(4 * 4 * 3).fill(1), { rows: 4, cols: 4, channels: 3 });
    const grey = pyramidColours([flat]);
    expect(grey.pca).toBeNull();
    expect([...grey.pictures[0]!.pixels.slice(0, 4)]).toEqual([128, 128, 128, 255]);
    const two = pyramidColours([randomGrid(3, 3, 2)]);
    expect(two.pca?.k).toBe(2);
    expect(two.pictures[0]!.pixels.filter((_, i) => i % 4 === 2).every((b) => b === 0)).toBe(true);
    expect(() => pyramidColours([randomGrid(2, 2, 3), randomGrid(1, 1, 4)])).toThrow(RangeError);
  });

  it('upscales nearest-neighbour', () => {
    const big = upscaleNearest({ rows: 1, cols: 2, pixels: new Uint8ClampedArray([1, 2, 3, 255, 9, 8, 7, 255]) }, 3);
    expect([big.rows, big.cols]).toEqual([3, 6]);
    expect([...big.pixels.slice(0, 4)]).toEqual([1, 2, 3, 255]);
    expect([...big.pixels.slice((2 * 6 + 5) * 4, (2 * 6 + 6) * 4)]).toEqual([9, 8, 7, 255]);
  });
});
