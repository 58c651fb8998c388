import { allocateInBatches, cascade, chooseScale, softOracle } from '@matryoshka/scale-predictor';

/** The scales in ascending order: the study's per-sample rows hold them so (the oracle's order). */
export const ASCENDING = [1, 9, 36, 144, 576] as const;
/** The column of scale `tokens` in the study's per-sample rows (ascending, the oracle's order); the policies return scales. */
const column = (tokens: number): number => ASCENDING.indexOf(tokens as (typeof ASCENDING)[number]);
/** The mean-token budgets every policy is compared at (the goals' 9 / 36 / 144), and the plots' grid. */
export const TARGETS = [9, 36, 144] as const;
export const CURVE_TARGETS = [1, 2, 3, 5, 9, 14, 20, 28, 36, 54, 72, 108, 144, 216, 288, 432, 576];

export const POLICIES = ['fixed', 'type-table', 'coverage', 'predictor-budget', 'predictor-threshold', 'cascade', 'question-only'] as const;
export type PolicyName = (typeof POLICIES)[number];

export const POLICY_LABELS: Readonly<Record<PolicyName, string>> = {
  fixed: 'best fixed scale',
  'type-table': 'per-question-type table (validation)',
  coverage: 'training-free coverage heuristic',
  'predictor-budget': 'learned predictor, budgeted',
  'predictor-threshold': 'learned predictor, threshold τ',
  cascade: 'cascade on the answer model’s confidence',
  'question-only': 'predictor from the question alone, budgeted',
};

export interface PolicyPoint {
  readonly policy: PolicyName;
  /** The budget asked for. */
  readonly target: number;
  /** Mean tokens spent (≤ target); `null` accuracy when the policy has no point within the budget. */
  readonly meanTokens: number | null;
  readonly accuracy: number | null;
  /** (policy − best fixed) / (soft oracle − best fixed) at the same budget; null without a gap. */
  readonly gapClosed: number | null;
}

/** What the policies are scored against: per row, expected correctness (the K answer models' mean) and each model's own results. */
export interface PolicyInputs {
  /** Per row, expected correctness at each ascending scale. */
  readonly expected: readonly Float64Array[];
  /** Per model k, per row: 0/1 correctness and top-softmax confidence at each ascending scale (the cascade reads these). */
  readonly perModel: readonly { readonly correct: readonly Uint8Array[]; readonly confidence: readonly Float32Array[] }[];
  /** Per row, the scores a budgeted policy allocates by, for each scored policy. */
  readonly scores: Readonly<Record<'type-table' | 'coverage' | 'predictor-budget' | 'question-only', readonly ArrayLike<number>[]>>;
  /** The learned predictor's probabilities (the threshold policy's input). */
  readonly probabilities: readonly ArrayLike<number>[];
  /** Per row, its group (question type × subset): the group ceiling allocates by each group's test mean. */
  readonly groups: readonly string[];
  readonly batch: number;
}

export interface CurvePoint {
  readonly meanTokens: number;
  readonly accuracy: number;
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** Up to `points` thresholds: 0, quantiles of the values, and 1 (same rule as the package's evaluation). */
function thresholds(rows: readonly ArrayLike<number>[], points: number): number[] {
  const all = new Set<number>([0, 1]);
  for (const r of rows) for (let j = 0; j < r.length; j++) all.add(r[j]!);
  const sorted = [...all].sort((a, b) => a - b);
  if (sorted.length <= points) return sorted;
  return Array.from({ length: points }, (_, k) => sorted[Math.round((k * (sorted.length - 1)) / (points - 1))]!);
}

/** The best point of a curve within a budget. */
export function bestWithin(curve: readonly CurvePoint[], budget: number): CurvePoint | null {
  let best: CurvePoint | null = null;
  for (const p of curve) if (p.meanTokens <= budget * (1 + 1e-9) && (best === null || p.accuracy > best.accuracy)) best = p;
  return best;
}

export interface PolicyEvaluation {
  readonly rows: number;
  /** Expected accuracy of each fixed scale (ascending). */
  readonly fixed: readonly number[];
  readonly softOracle: readonly { readonly target: number; readonly meanTokens: number; readonly accuracy: number }[];
  /**
   * The soft oracle cross-fitted: per model k, the exact allocation by the other K − 1 models' mean
   * correctness, scored on model k's own results, averaged over k. With a small K the soft oracle
   * still profits from luck (its K-model means are noisy and the allocation picks their highs);
   * this does not, so it is a fairer ceiling — the gap between the two is the chance left in the soft oracle.
   */
  readonly crossFitted: readonly { readonly target: number; readonly meanTokens: number; readonly accuracy: number }[];
  /**
   * The group ceiling: the exact allocation by each question type × subset's mean expected
   * correctness on these very rows (fit on test, so not a policy): the most any predictor that
   * sees only the image's subset (its density) and the question's type can reach. The soft oracle's
   * gain above it is per-sample — which items the answer models find hard at which scale.
   */
  readonly groupCeiling: readonly { readonly target: number; readonly meanTokens: number; readonly accuracy: number }[];
  readonly points: readonly PolicyPoint[];
  /** For the plots: each curve policy's whole curve, each budgeted policy at every curve target. */
  readonly curves: Readonly<Record<PolicyName | 'soft-oracle', readonly CurvePoint[]>>;
}

/**
 * Every policy on the rows `rows`, at equal mean tokens: accuracy is the expected accuracy (the
 * K answer models' mean correctness at the chosen scale; the cascade runs on each model's own
 * confidences and is averaged over models), so the soft oracle is a true ceiling for all of them.
 */
export function evaluatePolicies(input: PolicyInputs, rows: readonly number[]): PolicyEvaluation {
  const pick = <T>(list: readonly T[]): T[] => rows.map((r) => list[r]!);
  const expected = pick(input.expected);
  const n = rows.length;
  const fixed = ASCENDING.map((_, j) => mean(expected.map((e) => e[j]!)));
  const bestFixed = (budget: number): number => Math.max(...ASCENDING.map((s, j) => (s <= budget ? fixed[j]! : -Infinity)));
  const budgeted = (scores: readonly ArrayLike<number>[], target: number): CurvePoint => {
    const a = allocateInBatches(pick(scores), [...ASCENDING], target, input.batch);
    let acc = 0;
    a.tokens.forEach((t, i) => (acc += expected[i]![column(t)]!));
    return { meanTokens: a.meanTokens, accuracy: acc / n };
  };
  const soft = softOracle(
    expected,
    [...ASCENDING],
    [...new Set([...CURVE_TARGETS, ...TARGETS])].sort((a, b) => a - b),
    input.batch,
  );
  const K = input.perModel.length;
  const crossFitted = TARGETS.map((target) => {
    let acc = 0;
    let tokens = 0;
    input.perModel.forEach((model, k) => {
      const others = pick(model.correct).map((_, i) =>
        Float64Array.from(ASCENDING, (_, j) => input.perModel.reduce((s, m, l) => s + (l === k ? 0 : m.correct[rows[i]!]![j]!), 0) / (K - 1)),
      );
      const a = allocateInBatches(others, [...ASCENDING], target, input.batch);
      a.tokens.forEach((t, i) => (acc += model.correct[rows[i]!]![column(t)]!));
      tokens += a.meanTokens;
    });
    return { target, meanTokens: tokens / K, accuracy: acc / (n * K) };
  });
  const groupCeiling = (() => {
    const groups = pick(input.groups);
    const sums = new Map<string, { sum: Float64Array; n: number }>();
    groups.forEach((g, i) => {
      const entry = sums.get(g) ?? { sum: new Float64Array(ASCENDING.length), n: 0 };
      expected[i]!.forEach((v, j) => (entry.sum[j]! += v));
      entry.n++;
      sums.set(g, entry);
    });
    // Indexed like every input (all rows); only these rows' groups are ever read.
    const scores = input.groups.map((g) => {
      const entry = sums.get(g);
      return entry === undefined ? new Float64Array(ASCENDING.length) : Float64Array.from(entry.sum, (v) => v / entry.n);
    });
    return TARGETS.map((target) => ({ target, ...budgeted(scores, target) }));
  })();
  const threshold = (() => {
    const probabilities = pick(input.probabilities);
    return thresholds(probabilities, 120).map((tau) => {
      let acc = 0;
      let tokens = 0;
      probabilities.forEach((p, i) => {
        const scale = chooseScale(p, tau, ASCENDING);
        acc += expected[i]![column(scale)]!;
        tokens += scale;
      });
      return { meanTokens: tokens / n, accuracy: acc / n };
    });
  })();
  const cascadeCurve = (() => {
    const models = input.perModel.map((m) => ({ correct: pick(m.correct), confidence: pick(m.confidence) }));
    return thresholds(models[0]!.confidence, 120).map((tau) => {
      let acc = 0;
      let tokens = 0;
      for (const m of models) {
        m.confidence.forEach((c, i) => {
          const step = cascade(c, ASCENDING, tau);
          acc += m.correct[i]![column(step.scale)]!;
          tokens += step.tokens;
        });
      }
      return { meanTokens: tokens / (n * models.length), accuracy: acc / (n * models.length) };
    });
  })();
  const scored = ['type-table', 'coverage', 'predictor-budget', 'question-only'] as const;
  const curves = {
    fixed: ASCENDING.map((s, j) => ({ meanTokens: s, accuracy: fixed[j]! })),
    'soft-oracle': soft.map((p) => ({ meanTokens: p.meanTokens, accuracy: p.accuracy })),
    'predictor-threshold': threshold,
    cascade: cascadeCurve,
    ...Object.fromEntries(scored.map((p) => [p, CURVE_TARGETS.map((t) => budgeted(input.scores[p], t))])),
  } as Record<PolicyName | 'soft-oracle', CurvePoint[]>;
  const points: PolicyPoint[] = [];
  for (const target of TARGETS) {
    const base = bestFixed(target);
    const ceiling = soft.find((p) => p.target === target)!.accuracy;
    const gap = (acc: number | null): number | null => (acc === null || ceiling - base <= 1e-9 ? null : (acc - base) / (ceiling - base));
    for (const policy of ['fixed', ...scored, 'predictor-threshold', 'cascade'] as const) {
      let p: CurvePoint | null;
      if (policy === 'fixed') p = { meanTokens: ASCENDING[fixed.indexOf(base)]!, accuracy: base };
      else if (policy === 'predictor-threshold' || policy === 'cascade') p = bestWithin(curves[policy], target);
      else p = budgeted(input.scores[policy], target);
      points.push({ policy, target, meanTokens: p?.meanTokens ?? null, accuracy: p?.accuracy ?? null, gapClosed: gap(p?.accuracy ?? null) });
    }
  }
  return { rows: n, fixed, softOracle: soft, crossFitted, groupCeiling, points, curves };
}
