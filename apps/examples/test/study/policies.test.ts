import { describe, expect, it } from 'vitest';
import { seededRandom } from '@matryoshka/scale-predictor';
import { ASCENDING, POLICIES, TARGETS, bestWithin, evaluatePolicies, type PolicyInputs } from '../../src/study/policies.js';

/** Rows whose chance of a right answer rises with the scale by a per-row amount; three "models" sample it. */
function inputs(n: number, seed: number): PolicyInputs {
  const random = seededRandom(seed);
  const needs = Array.from({ length: n }, () => Math.floor(random() * 5)); // the smallest scale that helps
  const truth = needs.map((need) => Float64Array.from(ASCENDING, (_, j) => (j >= need ? 0.9 : 0.3)));
  const perModel = [0, 1, 2].map(() => ({
    correct: truth.map((t) => Uint8Array.from(t, (p) => (random() < p ? 1 : 0))),
    confidence: truth.map((t) => Float32Array.from(t, (p) => Math.min(1, p + 0.1 * (random() - 0.5)))),
  }));
  const expected = truth.map((_, i) => Float64Array.from(ASCENDING, (_, j) => perModel.reduce((s, m) => s + m.correct[i]![j]!, 0) / 3));
  const flat = truth.map(() => Float64Array.from(ASCENDING, () => 0.5));
  return {
    expected,
    perModel,
    scores: { 'type-table': flat, coverage: flat, 'predictor-budget': truth, 'question-only': flat },
    probabilities: truth,
    // Rows of one group share a need (the group ceiling can find it); group 'mixed' holds every need.
    groups: needs.map((need, i) => (i % 2 === 0 ? `need-${need}` : 'mixed')),
    batch: 16,
  };
}

describe('policies at equal mean tokens', () => {
  const input = inputs(96, 3);
  const all = evaluatePolicies(
    input,
    Array.from({ length: 96 }, (_, i) => i),
  );

  it('report every policy at every budget, within the budget and under the soft oracle', () => {
    expect(all.points).toHaveLength(POLICIES.length * TARGETS.length);
    for (const t of TARGETS) {
      const soft = all.softOracle.find((p) => p.target === t)!.accuracy;
      const fixed = all.points.find((p) => p.policy === 'fixed' && p.target === t)!;
      expect(fixed.gapClosed).toBe(0);
      for (const p of all.points.filter((x) => x.target === t && x.accuracy !== null)) {
        expect(p.meanTokens!).toBeLessThanOrEqual(t + 1e-9);
        expect(p.accuracy!).toBeLessThanOrEqual(soft + 1e-12);
      }
      // The cross-fitted ceiling has no luck in it: at most the soft oracle; nor has the group ceiling.
      expect(all.crossFitted.find((p) => p.target === t)!.accuracy).toBeLessThanOrEqual(soft + 1e-12);
      const group = all.groupCeiling.find((p) => p.target === t)!;
      expect(group.accuracy).toBeLessThanOrEqual(soft + 1e-12);
      expect(group.meanTokens).toBeLessThanOrEqual(t + 1e-9);
    }
  });

  it('a predictor that knows each row’s need closes much of the gap at 9 tokens; flat scores close none', () => {
    const at9 = (policy: string) => all.points.find((p) => p.policy === policy && p.target === 9)!;
    expect(at9('predictor-budget').gapClosed!).toBeGreaterThan(0.3);
    // Flat scores tie everywhere, and ties go to fewer tokens: nothing is gained over the best fixed scale.
    expect(at9('coverage').accuracy!).toBeLessThanOrEqual(at9('fixed').accuracy! + 1e-12);
  });

  it('the group ceiling finds what the groups tell: above the best fixed scale, below a predictor that knows every row', () => {
    const at9 = (policy: string) => all.points.find((p) => p.policy === policy && p.target === 9)!.accuracy!;
    const group = all.groupCeiling.find((p) => p.target === 9)!.accuracy;
    expect(group).toBeGreaterThan(at9('fixed') + 0.02);
    expect(group).toBeLessThan(at9('predictor-budget'));
  });

  it('is deterministic and restricts to the rows asked for', () => {
    expect(
      evaluatePolicies(
        input,
        Array.from({ length: 96 }, (_, i) => i),
      ),
    ).toEqual(all);
    expect(evaluatePolicies(input, [0, 1, 2, 3, 4, 5, 6, 7]).rows).toBe(8);
    expect(
      bestWithin(
        [
          { meanTokens: 5, accuracy: 0.5 },
          { meanTokens: 10, accuracy: 0.9 },
        ],
        9,
      ),
    ).toEqual({ meanTokens: 5, accuracy: 0.5 });
    expect(bestWithin([{ meanTokens: 10, accuracy: 0.9 }], 9)).toBeNull();
  });
});
