import { describe, expect, it } from 'vitest';
import { buildSampleTable } from '@matryoshka/scale-predictor';
import { fitPca, projectPca } from '../../src/visual/pca.js';
import { budgetCurve, budgetTargets } from '../../src/study/budget-curve.js';

describe('PCA', () => {
  it('finds a known principal axis and projects onto it', () => {
    // Points spread along (1, 1, 0)/√2 with little noise in the other directions.
    const rows: number[] = [];
    let s = 1;
    const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
    for (let i = 0; i < 500; i++) {
      const t = 10 * r();
      rows.push(t + 0.1 * r() + 1, t + 0.1 * r() + 2, 0.1 * r() + 3);
    }
    const pca = fitPca(rows, 3, 2);
    expect(Math.abs(pca.components[0]! - Math.SQRT1_2)).toBeLessThan(1e-2);
    expect(Math.abs(pca.components[1]! - Math.SQRT1_2)).toBeLessThan(1e-2);
    expect(pca.explained[0]).toBeGreaterThan(0.99);
    const scores = projectPca(pca, rows.slice(0, 3));
    expect(scores[0]).toBeCloseTo(((rows[0]! - pca.mean[0]!) + (rows[1]! - pca.mean[1]!)) * Math.SQRT1_2, 1);
    expect(() => fitPca(rows, 3, 4)).toThrow(RangeError);
    expect(() => fitPca([1, 2], 3, 1)).toThrow(RangeError);
  });
});

describe('the budget curve', () => {
  it('never spends more than the target, and with a perfect predictor is at least as good as the fixed scale at its tokens', () => {
    const scales = [1, 9, 36, 144, 576];
    const records = Array.from({ length: 100 }, (_, i) => scales.map((scale, j) => ({ id: i, scale, correct: (i * 7 + j * 3) % 5 < j + 1 }))).flat();
    const table = buildSampleTable(records);
    const flat = Array.from({ length: 100 }, () => [0.2, 0.4, 0.6, 0.8, 0.9]);
    for (const p of budgetCurve(table, flat, budgetTargets(scales), 16)) expect(p.meanTokens).toBeLessThanOrEqual(p.target + 1e-9);
    const perfect = Array.from({ length: 100 }, (_, i) => scales.map((_, j) => table.correct[i * 5 + j]!));
    const [at9] = budgetCurve(table, perfect, [9], 16);
    const fixed9 = Array.from({ length: 100 }, (_, i) => table.correct[i * 5 + 1]!).reduce((a, b) => a + b, 0) / 100;
    expect(at9!.accuracy).toBeGreaterThanOrEqual(fixed9);
  });
});

describe('PCA, few components', () => {
  it('subspace iteration finds the same leading components as the full eigen-decomposition', () => {
    let s = 7;
    const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
    const dim = 40;
    // Five directions of decreasing spread, plus noise.
    const rows: number[] = [];
    for (let i = 0; i < 400; i++) {
      const z = [8, 5, 3, 2, 1].map((w) => w * r());
      for (let c = 0; c < dim; c++) rows.push(z.reduce((acc, zk, k) => acc + zk * Math.cos((c + 1) * (k + 1) * 0.37), 0) + 0.05 * r());
    }
    const fast = fitPca(rows, dim, 3); // k ≤ 8: subspace iteration
    const full = fitPca(rows, dim, 9); // k > 8: every eigenpair (ml-matrix)
    for (let j = 0; j < 3; j++) {
      expect(fast.variance[j]!).toBeCloseTo(full.variance[j]!, 8);
      let d = 0;
      for (let c = 0; c < dim; c++) d += fast.components[j * dim + c]! * full.components[j * dim + c]!;
      expect(d).toBeCloseTo(1, 8); // same vector, same sign
    }
  });
});
