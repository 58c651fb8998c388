import { describe, expect, it } from 'vitest';
import { ErrorCode, tokenGrid, type TokenGrid } from '@matryoshka/core';
import { allocateInBatches, calibration, cascade, meanCorrectness, predictorInput, pyramidFeatures, softOracle } from '../src/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

const COSTS = [1, 9, 36, 144, 576];

describe('meanCorrectness and the soft oracle', () => {
  // Three models, two samples: sample 0 is right at 9+ for every model (structure); sample 1 is
  // right at one scale per model, a different one each time (chance).
  const models = [
    [0, 1, 1, 1, 1, 1, 0, 0, 0, 0],
    [0, 1, 1, 1, 1, 0, 1, 0, 0, 0],
    [0, 1, 1, 1, 1, 0, 0, 1, 0, 0],
  ].map((r) => Uint8Array.from(r));
  const expected = meanCorrectness(models, 2, 5);

  it('averages the models per sample and scale', () => {
    expect(Array.from(expected[0]!)).toEqual([0, 1, 1, 1, 1]);
    expect(Array.from(expected[1]!).map((v) => Math.round(v * 3))).toEqual([1, 1, 1, 0, 0]);
    expectMatryoshkaError(() => meanCorrectness([models[0]!.subarray(1)], 2, 5), ErrorCode.ShapeMismatch, 'correct[0]');
  });

  it('is the best expected accuracy within the budget, below the paper oracle where chance helps', () => {
    const [at5, at10] = softOracle(expected, COSTS, [5, 10]);
    // Budget 10 for two samples: 9 + 1 → sample 0 right (1), sample 1 one third.
    expect(at10!.accuracy).toBeCloseTo((1 + 1 / 3) / 2, 12);
    expect(at10!.meanTokens).toBe(5);
    // Budget 5 per sample: still 9 + 1 fits.
    expect(at5!.accuracy).toBeCloseTo((1 + 1 / 3) / 2, 12);
    // Each model's paper oracle counts both samples (each is right somewhere): 100% vs 67% soft.
    expect(softOracle(expected, COSTS, [576])[0]!.accuracy).toBeLessThan(1);
    expectMatryoshkaError(() => softOracle(expected, COSTS, [-1]), ErrorCode.InvalidArgument, 'targets[0]');
  });

  it('never falls below the best fixed scale that fits the budget (exact per batch)', () => {
    const rows = Array.from({ length: 50 }, (_, i) => Float64Array.from(COSTS, (_, j) => ((i * 7 + j * 3) % 10) / 10));
    for (const target of [1, 9, 20, 36, 144]) {
      const fixed = Math.max(...COSTS.map((c, j) => (c <= target ? rows.reduce((s, r) => s + r[j]!, 0) / rows.length : -1)));
      const a = allocateInBatches(rows, COSTS, target, 8);
      expect(a.meanTokens).toBeLessThanOrEqual(target + 1e-12);
      expect(a.tokens).toHaveLength(rows.length);
      expect(a.tokens.reduce((s, t) => s + t, 0) / rows.length).toBeCloseTo(a.meanTokens, 12);
      expect(a.tokens.reduce((s, t, i) => s + rows[i]![COSTS.indexOf(t)]!, 0) / rows.length).toBeCloseTo(a.meanValue, 12);
      expect(a.meanValue).toBeGreaterThanOrEqual(fixed - 1e-12);
    }
    expectMatryoshkaError(() => allocateInBatches(rows, COSTS, 9, 0), ErrorCode.InvalidArgument, 'batch');
  });
});

describe('calibration', () => {
  it('ECE and Brier of perfect, overconfident and fractional outcomes', () => {
    const perfect = calibration([[0.25, 0.75]], [[0.25, 0.75]], 4);
    expect(perfect.ece).toBeCloseTo(0, 12);
    // Fractional outcomes are means of binary ones: Brier adds their variance ȳ(1 − ȳ).
    expect(perfect.brier).toBeCloseTo((0.25 * 0.75 + 0.75 * 0.25) / 2, 12);
    const over = calibration([[1, 0]], [[0, 1]], 10);
    expect(over.ece).toBe(1);
    expect(over.brier).toBe(1);
    expect(over.bins.map((b) => b.count)).toEqual([1, 1]);
    expectMatryoshkaError(() => calibration([[0.5]], [[2]]), ErrorCode.InvalidArgument, 'outcomes[0][0]');
    expectMatryoshkaError(() => calibration([[Number.NaN]], [[1]]), ErrorCode.InvalidArgument, 'probabilities[0][0]');
    expectMatryoshkaError(() => calibration([[0.5]], [[1, 0]]), ErrorCode.ShapeMismatch, 'outcomes[0]');
  });
});

describe('cascade', () => {
  it('moves up while unsure and charges every scale tried', () => {
    const DESCENDING = [...COSTS].reverse(); // the pyramid's order, 576 → 1
    expect(cascade([0.1, 0.1, 0.1, 0.2, 0.9], DESCENDING, 0.8)).toEqual({ scale: 1, tokens: 1 });
    expect(cascade([0.9, 0.9, 0.85, 0.5, 0.3], DESCENDING, 0.8)).toEqual({ scale: 36, tokens: 46 });
    expect(cascade([0.1, 0.1, 0.1, 0.1, 0.1], DESCENDING, 0.8)).toEqual({ scale: 576, tokens: 766 });
    expect(cascade([0.1, 0.1, 0.1, 0.1, 0.1], DESCENDING, 0)).toEqual({ scale: 1, tokens: 1 });
    // Scales are visited by token count whatever their order.
    expect(cascade([0.3, 0.5, 0.85, 0.9, 0.9], COSTS, 0.8)).toEqual({ scale: 36, tokens: 46 });
    expectMatryoshkaError(() => cascade([0.5], COSTS, 0.5), ErrorCode.ShapeMismatch, 'costs');
    expectMatryoshkaError(() => cascade([0.5, 2, 0, 0, 0], COSTS, 0.9), ErrorCode.InvalidArgument, 'confidences[1]');
    expectMatryoshkaError(() => cascade([0.5], [1], 1.5), ErrorCode.InvalidArgument, 'threshold');
  });
});

describe('pyramidFeatures', () => {
  const level = (side: number, value: (r: number, c: number) => number[]): TokenGrid => {
    const data = new Float32Array(side * side * 2);
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) data.set(value(r, c), (r * side + c) * 2);
    return tokenGrid(data, { rows: side, cols: side, channels: 2 });
  };
  const pool = (full: TokenGrid, side: number): TokenGrid => {
    const k = full.rows / side;
    return level(side, (r, c) => {
      const sum = [0, 0];
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++) for (let ch = 0; ch < 2; ch++) sum[ch]! += full.data[((r * k + y) * full.cols + c * k + x) * 2 + ch]! / (k * k);
      return sum;
    });
  };

  it('coverage 1 and spread 0 for a flat image; less coverage and more spread for a busy one', () => {
    const flat = level(4, () => [1, 1]);
    const f = pyramidFeatures([pool(flat, 1), pool(flat, 2), flat], [7]);
    expect(f).toHaveLength(2 * 2 + 1 + 1);
    expect(Array.from(f.subarray(0, 4))).toEqual([1, 1, 0, 0]);
    expect(f[4]).toBeCloseTo(Math.log1p(Math.SQRT2), 6);
    expect(f[5]).toBe(7);
    // A checkerboard of orthogonal tokens: the 1-token level keeps cos 45° of each.
    const busy = level(4, (r, c) => ((r + c) % 2 === 0 ? [1, 0] : [0, 1]));
    const b = pyramidFeatures([pool(busy, 1), pool(busy, 2), busy]);
    expect(b[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(b[3]!).toBeGreaterThan(0.5);
  });

  it('checks the levels and the question', () => {
    const g = level(2, () => [1, 0]);
    expectMatryoshkaError(() => pyramidFeatures([g]), ErrorCode.InvalidArgument, 'levels');
    expectMatryoshkaError(() => pyramidFeatures([g, level(1, () => [1, 0])]), ErrorCode.ShapeMismatch, 'levels[1]');
    expectMatryoshkaError(
      () => pyramidFeatures([level(1, () => [1, 0]), tokenGrid(new Float32Array(12), { rows: 2, cols: 2, channels: 3 })]),
      ErrorCode.ShapeMismatch,
      'levels[0]',
    );
    expectMatryoshkaError(() => pyramidFeatures([level(1, () => [1, 0]), g], [Infinity]), ErrorCode.NonFiniteValue, 'question[0]');
  });

  it('predictorInput reads the levels a predictor was trained on', () => {
    const full = level(4, (r, c) => [r, c + 1]);
    const levels = new Map([1, 4, 16].map((t) => [t, t === 16 ? full : pool(full, Math.sqrt(t))]));
    const pyramid = { at: (t: number) => levels.get(t)! };
    expect(Array.from(predictorInput({ input: 'pyramid', scales: [1, 4, 16] }, pyramid, [2]))).toEqual(Array.from(pyramidFeatures([...levels.values()], [2])));
    expectMatryoshkaError(() => predictorInput({ input: 'pyramid', scales: [1, 4, 16] }, null as never), ErrorCode.InvalidArgument, 'pyramid');
  });
});
