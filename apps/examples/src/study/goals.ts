import type { StudyResult } from './pipeline.js';
import { POLICY_LABELS, TARGETS, type PolicyEvaluation, type PolicyName } from './policies.js';

/** One of the study's goals, checked against the run's real numbers. */
export interface Goal {
  readonly claim: string;
  readonly met: boolean;
  readonly measured: string;
}

const pt = (x: number): string => `${(100 * x).toFixed(1)}`;
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
const share = (x: number | null): string => (x === null ? '–' : `${Math.round(100 * x)}%`);

/** A policy's point at a budget. */
export const pointOf = (e: PolicyEvaluation, policy: PolicyName, target: number) => e.points.find((p) => p.policy === policy && p.target === target)!;

/** The baselines the learned predictor must beat, and the policies that may close the gap. */
export const BASELINES: readonly PolicyName[] = ['fixed', 'type-table', 'coverage', 'question-only'];
export const LEARNED: readonly PolicyName[] = ['predictor-budget', 'predictor-threshold'];

/** The fewest mean tokens at which a policy's curve reaches the expected accuracy of all 576 tokens. */
export function fullAccuracyKept(e: PolicyEvaluation): { policy: PolicyName; meanTokens: number; accuracy: number } | null {
  const full = e.fixed[e.fixed.length - 1]!;
  const found: { policy: PolicyName; meanTokens: number; accuracy: number }[] = [];
  for (const policy of ['predictor-budget', 'predictor-threshold', 'cascade', 'type-table', 'coverage', 'question-only'] as const) {
    for (const p of e.curves[policy]) if (p.accuracy >= full - 1e-12) found.push({ policy, meanTokens: p.meanTokens, accuracy: p.accuracy });
  }
  return found.sort((a, b) => a.meanTokens - b.meanTokens)[0] ?? null;
}

/** The group ceiling's share of the soft oracle's gap over the best fixed scale at a budget. */
export function groupGap(e: PolicyEvaluation, t: number): number | null {
  const base = pointOf(e, 'fixed', t).accuracy!;
  const soft = e.softOracle.find((x) => x.target === t)!.accuracy;
  const group = e.groupCeiling.find((x) => x.target === t)!.accuracy;
  return soft - base <= 1e-9 ? null : (group - base) / (soft - base);
}

export const totalSeconds = (r: StudyResult): number => Object.values(r.seconds).reduce((a, b) => a + b, 0);

export function checkGoals(r: StudyResult): Goal[] {
  const idx = (s: number): number => r.scales.indexOf(s);
  const first = r.m3Models[0]!;
  const diffs = r.scales.map((_, j) => first.all[j]! - r.singleScale.all[j]!);
  const tf9 = r.m3.all[idx(9)]! - r.trainingFree.pool.all[idx(9)]!;
  const tf1 = r.m3.all[idx(1)]! - r.trainingFree.pool.all[idx(1)]!;
  const { all, dense } = r.policies;
  const closers = (['predictor-budget', 'predictor-threshold', 'cascade'] as const).flatMap((policy) =>
    [9, 36].map((t) => ({ policy, target: t, gap: pointOf(all, policy, t).gapClosed })),
  );
  const bestCloser = closers.filter((c) => c.gap !== null).sort((a, b) => b.gap! - a.gap!)[0];
  const denseWins = TARGETS.map((t) => {
    const learned = Math.max(...LEARNED.map((p) => pointOf(dense, p, t).accuracy ?? -1));
    const baseline = Math.max(...BASELINES.map((p) => pointOf(dense, p, t).accuracy ?? -1));
    return { t, learned, baseline, cascade: pointOf(dense, 'cascade', t).accuracy ?? -1 };
  });
  const ece = r.predictor.calibration.predictor;
  const kept = fullAccuracyKept(all);
  const minutes = totalSeconds(r) / 60;
  const dense9 = (s: 'grid2' | 'grid6'): number => Math.max(...r.m3.bySubset[s]) - r.m3.bySubset[s][idx(9)]!;
  return [
    {
      claim: 'M3 within 1.5 points of single-scale models at each scale, with one model',
      met: Math.min(...diffs) >= -0.015,
      measured: `M3 (model 1, the SS models' seed) − SS per scale (576…1): ${diffs.map(signed).join(' / ')} points`,
    },
    {
      claim: 'training-free pooling far below M3 at 1–9 tokens',
      met: tf1 >= 0.1 && tf9 >= 0.05,
      measured: `M3 (mean of ${r.m3Models.length}) − training-free pooling: ${signed(tf9)} points at 9 tokens, ${signed(tf1)} at 1`,
    },
    {
      claim: 'dense images need more tokens than sparse ones',
      met: dense9('grid6') > dense9('grid2') + 0.05,
      measured: `accuracy gained above 9 tokens: 6×6 grids ${signed(dense9('grid6'))}, 2×2 grids ${signed(dense9('grid2'))} points`,
    },
    {
      claim: 'the learned predictor or the cascade closes ≥ 50% of the soft-oracle gap at ≤ 36 mean tokens',
      met: bestCloser !== undefined && bestCloser.gap! >= 0.5,
      measured:
        bestCloser === undefined
          ? 'no gap between the best fixed scale and the soft oracle'
          : `best: ${POLICY_LABELS[bestCloser.policy]} ${share(bestCloser.gap)} at ${bestCloser.target}; ${closers.map((c) => `${c.policy}@${c.target} ${share(c.gap)}`).join(', ')}; ` +
            `a perfect type × subset table (the group ceiling, fit on test) closes ${[9, 36].map((t) => `${share(groupGap(all, t))} at ${t}`).join(', ')}`,
    },
    {
      claim: 'the learned predictor beats every baseline at equal mean tokens on the dense subsets (4×4, 6×6)',
      met: denseWins.every((w) => w.learned > w.baseline),
      measured: denseWins.map((w) => `${w.t}: predictor ${pt(w.learned)} vs best baseline ${pt(w.baseline)} (cascade ${pt(w.cascade)})`).join('; '),
    },
    {
      claim: 'the predictor is calibrated: ECE ≤ 0.05',
      met: ece.ece <= 0.05,
      measured: `ECE ${ece.ece.toFixed(3)}, Brier ${ece.brier.toFixed(3)} (per-type table: ECE ${r.predictor.calibration.typeTable.ece.toFixed(3)}, Brier ${r.predictor.calibration.typeTable.brier.toFixed(3)})`,
    },
    {
      claim: 'the full-token accuracy kept with ≤ 25% of the tokens on average',
      met: kept !== null && kept.meanTokens <= 0.25 * 576,
      measured:
        kept === null
          ? 'no policy point reaches the 576-token accuracy'
          : `${pt(kept.accuracy)}% (576 tokens: ${pt(all.fixed[all.fixed.length - 1]!)}%) at ${kept.meanTokens.toFixed(1)} mean tokens = ${((100 * kept.meanTokens) / 576).toFixed(1)}% of 576 (${POLICY_LABELS[kept.policy]})`,
    },
    {
      claim: 'the default study runs in under 30 minutes on 2 cores',
      met: r.config.size !== 'default' ? false : minutes < 30,
      measured: `${minutes.toFixed(1)} min of stages (${r.config.size} size; the machine's 2 cores were shared with other jobs)`,
    },
  ];
}
