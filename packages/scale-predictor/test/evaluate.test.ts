import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@matryoshka/core';
import { buildSampleTable, evaluatePredictor, formatEvaluation, joinFeatures, type Evaluation } from '../src/index.js';
import { trainPredictor } from '../src/train.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';
import { synthetic } from './helpers.js';

// Train and held-out sets drawn independently from the same known rule (helpers.ts).
const trainSet = synthetic(400, 1);
const heldOut = synthetic(200, 2);

describe('evaluatePredictor on a synthetic dataset with a known rule', () => {
  let evaluation: Evaluation;

  it('trains in a few seconds and beats the best fixed scale at equal mean tokens', async () => {
    const table = buildSampleTable(trainSet.records);
    const { predictor } = await trainPredictor(table, joinFeatures(table, trainSet.features), { hidden: [16], epochs: 30, seed: 1 });
    const test = buildSampleTable(heldOut.records);
    evaluation = evaluatePredictor(test, predictor.predictBatch(joinFeatures(test, heldOut.features)), { scales: predictor.scales });
    console.log(formatEvaluation(evaluation));

    const [, s9, s36, s144, s576] = evaluation.fixed;
    // The budgeted allocation beats the best fixed scale at every budget above the smallest…
    for (const f of [s9!, s36!, s144!, s576!]) {
      expect(f.budget!.accuracy).toBeGreaterThan(f.bestFixedAccuracy);
      expect(f.budget!.meanTokens).toBeLessThanOrEqual(f.meanTokens);
    }
    expect(s144!.budget!.gapClosed!).toBeGreaterThan(0.5);
    // …the threshold policy from the oracle's mean tokens (64 here) up: below that it cannot
    // give up on the expensive samples, which is what the budgeted allocation is for.
    for (const f of [s144!, s576!]) {
      expect(f.threshold!.accuracy).toBeGreaterThan(f.bestFixedAccuracy);
      expect(f.threshold!.meanTokens).toBeLessThanOrEqual(f.meanTokens);
    }
    expect(s144!.threshold!.gapClosed!).toBeGreaterThan(0.5);
  });

  it('the curve spans the smallest scale (τ = 0) to the threshold 1', () => {
    const first = evaluation.curve[0]!;
    expect(first.threshold).toBe(0);
    expect(first.meanTokens).toBe(1);
    expect(first.accuracy).toBe(evaluation.fixed[0]!.accuracy);
    expect(evaluation.curve.at(-1)!.threshold).toBe(1);
    expect(evaluation.curve.length).toBeLessThanOrEqual(200);
    expect(evaluation.options).toMatchObject({ unanswered: 'smallest', threshold: 0.5, fallback: 'most-likely', points: 200 });
  });

  it('gap closed is (policy − best fixed) / (oracle − best fixed), by hand on two samples', () => {
    // a: right from 9 tokens; b: right only at 1. Fixed 1: 50%, fixed 9: 50%, oracle 100% at 5 tokens.
    const table = buildSampleTable([
      { id: 'a', scale: 1, correct: false },
      { id: 'a', scale: 9, correct: true },
      { id: 'b', scale: 1, correct: true },
      { id: 'b', scale: 9, correct: false },
    ]);
    const e = evaluatePredictor(
      table,
      [
        [0.1, 0.9],
        [0.9, 0.1],
      ],
      { points: 10 },
    );
    expect(e.oracle).toMatchObject({ accuracy: 1, meanTokens: 5 });
    const at9 = e.fixed[1]!;
    expect([at9.accuracy, at9.bestFixedAccuracy]).toEqual([0.5, 0.5]);
    expect(at9.threshold).toMatchObject({ accuracy: 1, meanTokens: 5, gapClosed: 1 });
    expect(at9.budget).toMatchObject({ accuracy: 1, meanTokens: 5, gapClosed: 1 });
    const wrong = evaluatePredictor(
      table,
      [
        [0.9, 0.1],
        [0.1, 0.9],
      ],
      { points: 10, budget: false },
    );
    expect(wrong.fixed[1]!.threshold).toMatchObject({ accuracy: 0.5, gapClosed: 0 });
    expect(wrong.fixed[1]!.budget).toBeNull();
  });

  it('rejects probabilities that do not fit the table', () => {
    const table = buildSampleTable(heldOut.records);
    expectMatryoshkaError(() => evaluatePredictor(table, []), ErrorCode.ShapeMismatch, 'probabilities');
    expectMatryoshkaError(
      () =>
        evaluatePredictor(
          table,
          table.ids.map(() => [0.5]),
        ),
      ErrorCode.ShapeMismatch,
      'probabilities[0]',
    );
    expectMatryoshkaError(
      () =>
        evaluatePredictor(
          table,
          table.ids.map(() => [0.5, 0.5, 0.5, 0.5, 0.5]),
          { fallback: 'x' as never },
        ),
      ErrorCode.InvalidArgument,
      'options.fallback',
    );
    expectMatryoshkaError(
      () =>
        evaluatePredictor(
          table,
          table.ids.map(() => [0.5, 0.5, 0.5, 0.5, 0.5]),
          { scales: [576, 144, 36, 9, 2] },
        ),
      ErrorCode.ShapeMismatch,
      'options.scales',
    );
  });

  it("options.scales reads rows in a predictor's order (576 → 1): the same evaluation as rows in the table's order", () => {
    const table = buildSampleTable(heldOut.records);
    const m = table.scales.length;
    const ascending = table.ids.map((_, i) => Float64Array.from({ length: m }, (_, j) => ((i * 7 + j * 3) % 10) / 10));
    const descending = ascending.map((r) => Float64Array.from(r).reverse());
    const a = evaluatePredictor(table, ascending, { points: 20 });
    const b = evaluatePredictor(table, descending, { points: 20, scales: [...table.scales].reverse() });
    expect(b).toEqual(a);
  });
});
