import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@matryoshka/core';
import { allocateBudget, chooseScale } from '../src/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

/** Every assignment, for checking the DP on small cases. */
function bruteForce(p: number[][], cost: (i: number, j: number) => number, budget: number): number {
  let best = -Infinity;
  const m = p[0]!.length;
  const walk = (i: number, spent: number, value: number): void => {
    if (spent > budget) return;
    if (i === p.length) {
      best = Math.max(best, value);
      return;
    }
    for (let j = 0; j < m; j++) walk(i + 1, spent + cost(i, j), value + p[i]![j]!);
  };
  walk(0, 0, 0);
  return best;
}

const problem = fc
  .record({ n: fc.integer({ min: 1, max: 7 }), costs: fc.uniqueArray(fc.constantFrom(1, 4, 9, 16, 36, 64, 144), { minLength: 1, maxLength: 4 }) })
  .chain(({ n, costs }) => {
    // Descending, the pyramid's order (576 → 1), as a predictor lists its scales.
    const sorted: number[] = [...costs].sort((a, b) => b - a);
    return fc.record({
      costs: fc.constant(sorted),
      p: fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: sorted.length, maxLength: sorted.length }), { minLength: n, maxLength: n }),
      budget: fc.integer({ min: n * sorted.at(-1)!, max: n * sorted[0]! + 10 }),
    });
  });

describe('allocateBudget: multiple-choice knapsack by exact DP', () => {
  it('never exceeds the budget and beats or ties every uniform scale that fits (property)', () => {
    fc.assert(
      fc.property(problem, ({ p, costs, budget }) => {
        const a = allocateBudget(p, costs, budget);
        expect(a.totalTokens).toBeLessThanOrEqual(budget);
        expect(a.tokens).toHaveLength(p.length);
        expect(a.tokens.every((t) => costs.includes(t))).toBe(true);
        expect(a.totalTokens).toBe(a.tokens.reduce((s, t) => s + t, 0));
        // The value is the sum of the chosen scales' values.
        expect(a.value).toBeCloseTo(
          a.tokens.reduce((s, t, i) => s + p[i]![costs.indexOf(t)]!, 0),
          12,
        );
        costs.forEach((c, j) => {
          if (c * p.length > budget) return;
          const uniform = p.reduce((s, row) => s + row[j]!, 0);
          expect(a.value).toBeGreaterThanOrEqual(uniform - 1e-12);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is optimal: matches brute force on small cases, with per-sample costs too', () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 0, max: 3 }), ({ p, costs, budget }, extra) => {
        const perSample = p.map((_, i) => costs.map((c) => c + ((i * extra) % 3)));
        const minimum = perSample.reduce((s, row) => s + Math.min(...row), 0);
        const b = Math.max(budget, minimum);
        const a = allocateBudget(p, perSample, b);
        expect(a.totalTokens).toBeLessThanOrEqual(b);
        expect(a.tokens.every((t, i) => perSample[i]!.includes(t))).toBe(true);
        expect(a.value).toBeCloseTo(
          bruteForce(p, (i, j) => perSample[i]![j]!, b),
          9,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('a worked case: spends where it pays', () => {
    // Sample 0 is easy (right at 1 token), sample 1 needs 36; 37 tokens buy both.
    const a = allocateBudget(
      [
        [0.95, 0.9, 0.9],
        [0.9, 0.2, 0.1],
      ],
      [36, 9, 1],
      37,
    );
    expect(a.tokens).toEqual([1, 36]);
    expect(a.totalTokens).toBe(37);
    expect(a.value).toBeCloseTo(1.8, 12);
    // ties go to fewer tokens, in either order of the scales
    expect(allocateBudget([[0.5, 0.5]], [9, 1], 100).tokens).toEqual([1]);
    expect(allocateBudget([[0.5, 0.5]], [1, 9], 100).tokens).toEqual([1]);
  });

  it('rejects budgets that cannot serve the batch, and bad input', () => {
    const e = expectMatryoshkaError(() => allocateBudget([[0.5, 0.6]], [9, 36], 8), ErrorCode.InvalidArgument, 'budget');
    expect(e.message).toContain('need 9');
    expectMatryoshkaError(() => allocateBudget([], [1], 1), ErrorCode.InvalidArgument, 'probabilities');
    expectMatryoshkaError(() => allocateBudget([[0.5, 1.5]], [1, 9], 9), ErrorCode.InvalidArgument, 'probabilities[0][1]');
    expectMatryoshkaError(() => allocateBudget([[0.5, 0.5]], [1, 2.5], 9), ErrorCode.InvalidArgument, 'costs[1]');
    expectMatryoshkaError(() => allocateBudget([[0.5, 0.5]], [1], 9), ErrorCode.ShapeMismatch, 'costs');
    expectMatryoshkaError(() => allocateBudget([[0.5, 0.5], [0.5]], [1, 9], 99), ErrorCode.ShapeMismatch, 'probabilities[1]');
    expectMatryoshkaError(() => allocateBudget([[0.5]], [1], Number.NaN), ErrorCode.InvalidArgument, 'budget');
  });
});

describe('chooseScale: the smallest scale with p ≥ τ', () => {
  const SCALES = [36, 9, 1]; // descending, like a predictor's scales
  it('returns the smallest scale reaching τ, else the largest or the most likely, as a token count', () => {
    expect(chooseScale([0.9, 0.7, 0.2], 0.6, SCALES)).toBe(9);
    expect(chooseScale([0.9, 0.7, 0.2], 0, SCALES)).toBe(1);
    expect(chooseScale([0.5, 0.7, 0.2], 0.95, SCALES)).toBe(9); // most likely
    expect(chooseScale([0.5, 0.7, 0.2], 0.95, SCALES, 'largest')).toBe(36);
    expect(chooseScale([0.5, 0.7, 0.2], 0.95, SCALES, 'smallest')).toBe(1);
    // most likely: ties go to the smaller scale
    expect(chooseScale([0.7, 0.7, 0.2], 0.95, SCALES)).toBe(9);
    // the same choice whatever order the scales come in
    expect(chooseScale([0.2, 0.7, 0.9], 0.6, [1, 9, 36])).toBe(9);
  });

  it('rejects bad thresholds, probabilities and scales', () => {
    expectMatryoshkaError(() => chooseScale([0.5], 1.5, [1]), ErrorCode.InvalidArgument, 'threshold');
    expectMatryoshkaError(() => chooseScale([Number.NaN], 0.5, [1]), ErrorCode.InvalidArgument, 'probabilities[0]');
    expectMatryoshkaError(() => chooseScale([0.5], 0.5, [1], 'first' as never), ErrorCode.InvalidArgument, 'fallback');
    expectMatryoshkaError(() => chooseScale([0.5, 0.5], 0.5, [1]), ErrorCode.ShapeMismatch, 'scales');
    expectMatryoshkaError(() => chooseScale([0.5, 0.5], 0.5, [9, 9]), ErrorCode.InvalidArgument, 'scales[1]');
    expectMatryoshkaError(() => chooseScale([0.5], 0.5, [2.5]), ErrorCode.InvalidArgument, 'scales[0]');
  });
});
