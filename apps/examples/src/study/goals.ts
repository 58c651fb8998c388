import type { StudyResult } from './pipeline.js';
import { QUESTION_TYPES, type QuestionType } from './questions.js';

/** One of the issue's claims, checked against the run's real numbers. */
export interface Goal {
  readonly claim: string;
  readonly met: boolean;
  readonly measured: string;
}

const pt = (x: number): string => `${(100 * x).toFixed(1)}`;
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;

/** The budgeted policy's accuracy at each fixed scale's tokens, and the share of the oracle gap it closes there. */
export function predictorAtFixedScales(r: StudyResult) {
  const oracle = r.oracle.oracle.accuracy;
  return r.oracle.scales.map((s) => {
    const bestFixed = Math.max(...r.oracle.scales.filter((f) => f.meanTokens <= s.meanTokens + 1e-9).map((f) => f.accuracy));
    const point = r.predictor.budget.find((p) => Math.abs(p.target - s.meanTokens) < 1e-9)!;
    const question = r.predictor.questionOnly.budget.find((p) => Math.abs(p.target - s.meanTokens) < 1e-9)!;
    const gapClosed = oracle - bestFixed > 1e-9 ? (point.accuracy - bestFixed) / (oracle - bestFixed) : null;
    const questionGap = oracle - bestFixed > 1e-9 ? (question.accuracy - bestFixed) / (oracle - bestFixed) : null;
    return { scale: s.scale, fixed: s.accuracy, bestFixed, budgeted: point.accuracy, meanTokens: point.meanTokens, gapClosed, questionOnly: question.accuracy, questionGap };
  });
}

/** The fewest mean tokens at which a predictor policy is at least as accurate as all 576 tokens. */
export function fullAccuracyKept(r: StudyResult): { policy: string; meanTokens: number; accuracy: number } | null {
  const full = r.oracle.scales.find((s) => s.scale === 576)!.accuracy;
  const candidates = [
    ...r.predictor.budget.filter((p) => p.accuracy >= full - 1e-12).map((p) => ({ policy: 'budgeted', meanTokens: p.meanTokens, accuracy: p.accuracy })),
    ...r.predictor.evaluation.curve.filter((p) => p.accuracy >= full - 1e-12).map((p) => ({ policy: `threshold τ=${p.threshold.toFixed(2)}`, meanTokens: p.meanTokens, accuracy: p.accuracy })),
  ];
  return candidates.sort((a, b) => a.meanTokens - b.meanTokens)[0] ?? null;
}

export function checkGoals(r: StudyResult): Goal[] {
  const idx = (s: number): number => r.scales.indexOf(s);
  const diffs = r.scales.map((_, j) => r.m3.all[j]! - r.singleScale.all[j]!);
  const worst = Math.min(...diffs);
  const tf1 = r.m3.all[idx(1)]! - r.trainingFree.pool.all[idx(1)]!;
  const tf9 = r.m3.all[idx(9)]! - r.trainingFree.pool.all[idx(9)]!;
  const typeTokens = Object.fromEntries(r.oracle.groups.filter((g) => g.field === 'type').map((g) => [g.value, g.oracle.meanTokens ?? NaN]));
  const gain = (t: QuestionType): number => Math.max(...r.m3.byType[t]) - r.m3.byType[t][idx(1)]!;
  const best = r.oracle.bestFixed;
  const at = predictorAtFixedScales(r);
  const closed = at.filter((a) => a.gapClosed !== null);
  const top = closed.sort((a, b) => b.gapClosed! - a.gapClosed!)[0];
  const kept = fullAccuracyKept(r);
  return [
    {
      claim: 'M3 within 1.5 points of single-scale models at each scale, with one model',
      met: worst >= -0.015,
      measured: `M3 − SS per scale (576…1): ${diffs.map(signed).join(' / ')} points`,
    },
    {
      claim: 'training-free pooling far below M3 at 1–9 tokens',
      met: tf1 >= 0.1 && tf9 >= 0.05,
      measured: `M3 − training-free pooling: ${signed(tf9)} points at 9 tokens, ${signed(tf1)} at 1`,
    },
    {
      claim: 'spatial questions need more tokens than existence questions',
      met: gain('where') > gain('exist') + 0.05,
      measured: `accuracy gained from 1 token to the best scale: ${QUESTION_TYPES.map((t) => `${t} ${signed(gain(t))}`).join(', ')} points; oracle mean tokens: ${QUESTION_TYPES.map((t) => `${t} ${typeTokens[t]?.toFixed(1)}`).join(', ')}`,
    },
    {
      claim: 'the oracle is above every fixed scale at a fraction of the tokens',
      met: r.oracle.oracle.accuracy > best.accuracy && (r.oracle.oracle.meanTokens ?? Infinity) < best.meanTokens,
      measured: `oracle ${pt(r.oracle.oracle.accuracy)}% at ${r.oracle.oracle.meanTokens?.toFixed(1)} mean tokens vs best fixed ${best.scale} tokens ${pt(best.accuracy)}%`,
    },
    {
      claim: 'the predictor closes ≥ 50% of the oracle gap at equal mean tokens',
      met: top !== undefined && top.gapClosed! >= 0.5,
      measured:
        top === undefined
          ? 'no fixed scale leaves a gap to the oracle'
          : `best: ${Math.round(100 * top.gapClosed!)}% at ${top.scale} tokens (budgeted ${pt(top.budgeted)}% vs best fixed ${pt(top.bestFixed)}%); per scale ${at.map((a) => `${a.scale}: ${a.gapClosed === null ? '–' : `${Math.round(100 * a.gapClosed)}%`}`).join(', ')}`,
    },
    {
      claim: 'the full-token accuracy kept with ≤ 25% of the tokens on average',
      met: kept !== null && kept.meanTokens <= 0.25 * 576,
      measured: kept === null ? 'no policy point reaches the 576-token accuracy' : `${pt(kept.accuracy)}% (576 tokens: ${pt(r.m3.all[idx(576)]!)}%) at ${kept.meanTokens.toFixed(1)} mean tokens = ${((100 * kept.meanTokens) / 576).toFixed(1)}% of 576 (${kept.policy})`,
    },
  ];
}

/**
 * Where the oracle's gain over the best fixed scale comes from: per question type, the samples
 * some scale answers but the best fixed scale does not. Yes/no answers are right by chance half
 * the time, and the oracle counts a sample if any of five scales is right.
 */
export function oracleGainByType(r: StudyResult): { type: string; samples: number; share: number }[] {
  const best = r.oracle.bestFixed.scale;
  const bySample = new Map<string, { type: string; any: boolean; atBest: boolean }>();
  for (const rec of r.artifacts.testRecords as { id: string; scale: number; correct: boolean; type: string }[]) {
    const e = bySample.get(rec.id) ?? { type: rec.type, any: false, atBest: false };
    e.any ||= rec.correct;
    if (rec.scale === best) e.atBest = rec.correct;
    bySample.set(rec.id, e);
  }
  const gained = [...bySample.values()].filter((e) => e.any && !e.atBest);
  const types = [...new Set([...bySample.values()].map((e) => e.type))];
  return types.map((type) => {
    const n = gained.filter((e) => e.type === type).length;
    return { type, samples: n, share: gained.length === 0 ? 0 : n / gained.length };
  });
}
