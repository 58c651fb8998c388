import { describe, expect, it } from 'vitest';
import { fitPca, projectPca } from '../../src/visual/pca.js';

describe('PCA', () => {
  it('finds a known principal axis and projects onto it', () => {
    // Points spread along (1, 1, 0)/√2 with little noise in the other directions.
    const rows: number[] = [];
    let s = 1;
    const r = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
    for (let i = 0; i < 500; i++) {
      const t = 10 * r();
      rows.push(t + 0.1 * r() + 1, t + 0.1 * r() + 2, 0.1 * r() + 3);
    }
    const pca = fitPca(rows, 3, 2);
    expect(Math.abs(pca.components[0]! - Math.SQRT1_2)).toBeLessThan(1e-2);
    expect(Math.abs(pca.components[1]! - Math.SQRT1_2)).toBeLessThan(1e-2);
    expect(pca.explained[0]).toBeGreaterThan(0.99);
    const scores = projectPca(pca, rows.slice(0, 3));
    expect(scores[0]).toBeCloseTo((rows[0]! - pca.mean[0]! + (rows[1]! - pca.mean[1]!)) * Math.SQRT1_2, 1);
    expect(() => fitPca(rows, 3, 4)).toThrow(RangeError);
    expect(() => fitPca([1, 2], 3, 1)).toThrow(RangeError);
  });
});
