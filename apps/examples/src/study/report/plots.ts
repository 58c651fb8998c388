import { renderPlot } from '@matryoshka/scale-predictor';
import type { StudyResult } from '../pipeline.js';
import { QUESTION_TYPES } from '../questions.js';
import { renderStackedBars } from './bars.js';

/** Accuracy vs tokens: M3, SS, the training-free baselines, the oracle point and the predictor's curves. */
export function accuracyPlot(r: StudyResult): string {
  const line = (acc: readonly number[]) => r.scales.map((s, j) => ({ tokens: s, accuracy: acc[j]! }));
  return renderPlot({
    title: 'Mosaic-QA test accuracy vs visual tokens',
    fixedLabel: 'M3 (one model, every scale)',
    fixed: r.scales.map((s, j) => ({ scale: s, tokens: s, accuracy: r.m3.all[j]! })),
    oracle: { tokens: r.oracle.oracle.meanTokens ?? 1, accuracy: r.oracle.oracle.accuracy },
    curve: r.predictor.evaluation.curve.map((p) => ({ tokens: p.meanTokens, accuracy: p.accuracy })),
    budget: r.predictor.budget.map((p) => ({ tokens: p.meanTokens, accuracy: p.accuracy })),
    series: [
      { label: 'SS (a model per scale)', points: line(r.singleScale.all), color: '#9467bd' },
      { label: 'training-free avg pooling', points: line(r.trainingFree.pool.all), color: '#8c564b', dashed: true },
      { label: 'training-free spatial sampling', points: line(r.trainingFree.spatial.all), color: '#e377c2', dashed: true },
      { label: 'training-free sequential', points: line(r.trainingFree.sequential.all), color: '#7f7f7f', dashed: true },
      { label: 'predictor, question only (budgeted)', points: r.predictor.questionOnly.budget.map((p) => ({ tokens: p.meanTokens, accuracy: p.accuracy })), color: '#bcbd22', dashed: true },
    ],
  });
}

/** The oracle scale's distribution per question type (the smallest scale the M3 model answers at). */
export function oracleScalesPlot(r: StudyResult): string {
  const scales = r.oracle.scales.map((s) => s.scale);
  const bars = QUESTION_TYPES.map((t) => {
    const g = r.oracle.groups.find((x) => x.field === 'type' && x.value === t)!;
    const share = (scale: number | null) => g.oracleScales.find((x) => x.scale === scale)?.share ?? 0;
    return { label: t, shares: [...scales.map(share), share(null)], note: `${g.oracle.meanTokens?.toFixed(1)} tokens` };
  });
  return renderStackedBars('Oracle scale per question type (M3, test)', [...scales.map((s) => `${s}`), 'none'], bars);
}
