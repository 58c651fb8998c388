import { describe, expect, it } from 'vitest';
import { projectPca } from '../../src/visual/pca.js';
import type { Mosaic } from '../../src/study/mosaics.js';
import { BACKGROUND, fitProjector, tokenLabels } from '../../src/study/projector.js';

const mosaic = (layout: Mosaic['layout'], labels: number[]): Mosaic => ({
  index: 0,
  subset: 'grid2',
  layout,
  items: labels,
  labels,
  questions: [],
  answers: [],
});

describe('token labels', () => {
  it('gives each token its cell’s item on a grid', () => {
    const l = tokenLabels(mosaic({ kind: 'grid', n: 2 }, [1, 2, 3, 4]), 4);
    expect(Array.from(l)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('marks the tokens a single item covers and leaves the rest background', () => {
    // A 192 px item at (192, 0) covers the top-right quarter of the 384 px canvas.
    const l = tokenLabels(mosaic({ kind: 'single', size: 192, x: 192, y: 0 }, [7]), 4);
    const B = BACKGROUND;
    expect(Array.from(l)).toEqual([B, B, 7, 7, B, B, 7, 7, B, B, B, B, B, B, B, B]);
  });
});

describe('the fixed projector', () => {
  // Tokens of 3 classes in 12 channels: each class shifts a few channels by a little, under
  // large shared noise in others — the classes hide in low-variance directions PCA would drop.
  let s = 7;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  const dim = 12;
  const n = 3000;
  const rows = new Float32Array(n * dim);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let c = 0; c < dim; c++) rows[i * dim + c] = (c < 6 ? 10 : 0.2) * r() + (c === 6 + labels[i]! ? 0.5 : 0);
  }

  it('puts class directions first: their scores tell the classes apart', () => {
    const p = fitProjector(rows, labels, dim, 5, 3);
    expect(p.k).toBe(5);
    const scores = projectPca(p, rows);
    let right = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(scores.subarray(i * 5, i * 5 + 3));
      if (row.indexOf(Math.max(...row)) === labels[i]) right++;
    }
    expect(right / n).toBeGreaterThan(0.95);
    // The principal rows still follow the largest variance (the noisy first six channels).
    const second = p.components.subarray(3 * dim, 4 * dim);
    const mass = (from: number, to: number) => Array.from(second.subarray(from, to)).reduce((a, v) => a + v * v, 0);
    expect(mass(0, 6)).toBeGreaterThan(100 * mass(6, 12));
  });

  it('is linear (pooling stays exact) and scaled: class rows to unit variance, principal rows to unit mean variance', () => {
    const p = fitProjector(rows, labels, dim, 4, 2);
    const scores = projectPca(p, rows);
    const variance = (j: number) => {
      let mean = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) mean += scores[i * 4 + j]! / n;
      for (let i = 0; i < n; i++) sq += (scores[i * 4 + j]! - mean) ** 2 / n;
      return sq;
    };
    expect(variance(0)).toBeCloseTo(1, 3);
    expect(variance(1)).toBeCloseTo(1, 3);
    expect((variance(2) + variance(3)) / 2).toBeCloseTo(1, 2);
    const mean = new Float32Array(dim);
    for (let i = 0; i < 4; i++) for (let c = 0; c < dim; c++) mean[c]! += rows[i * dim + c]! / 4;
    const pooled = projectPca(p, mean);
    const each = projectPca(p, rows.subarray(0, 4 * dim));
    for (let j = 0; j < 4; j++) expect(pooled[j]).toBeCloseTo((each[j]! + each[4 + j]! + each[8 + j]! + each[12 + j]!) / 4, 4);
  });

  it('rejects impossible sizes', () => {
    expect(() => fitProjector(rows.subarray(1), labels, dim, 4, 2)).toThrow(RangeError);
    expect(() => fitProjector(rows, labels, dim, 4, 4)).toThrow(RangeError);
    expect(() => fitProjector(rows, labels, dim, 20, 12)).toThrow(RangeError);
  });
});
