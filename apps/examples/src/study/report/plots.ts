import { renderPlot, type PlotSeries } from '@matryoshka/scale-predictor';
import type { StudyResult } from '../pipeline.js';
import { SUBSETS } from '../mosaics.js';
import { POLICY_LABELS, type PolicyEvaluation } from '../policies.js';
import { renderStackedBars } from './bars.js';

const COLOURS = { soft: '#d62728', table: '#8c564b', coverage: '#e377c2', question: '#bcbd22', cascade: '#17becf', budget: '#ff7f0e', threshold: '#2ca02c' };
const points = (list: readonly { meanTokens: number; accuracy: number }[]) => list.map((p) => ({ tokens: Math.max(p.meanTokens, 1), accuracy: p.accuracy }));

/** Accuracy vs tokens of the answer models: M3 (mean of K), SS, the training-free baselines, the paper's and the soft oracle. */
export function accuracyPlot(r: StudyResult): string {
  const line = (acc: readonly number[]) => r.scales.map((s, j) => ({ tokens: s, accuracy: acc[j]! }));
  const paper = r.paperOracle[0]!;
  return renderPlot({
    title: 'Mosaic-QA test accuracy vs visual tokens',
    fixedLabel: `M3 (mean of ${r.m3Models.length} seeds, every scale)`,
    fixed: r.scales.map((s, j) => ({ scale: s, tokens: s, accuracy: r.m3.all[j]! })),
    series: [
      { label: 'SS (a model per scale)', points: line(r.singleScale.all), color: '#9467bd' },
      { label: 'training-free avg pooling', points: line(r.trainingFree.pool.all), color: '#8c564b', dashed: true },
      { label: 'training-free spatial sampling', points: line(r.trainingFree.spatial.all), color: '#e377c2', dashed: true },
      { label: 'training-free sequential', points: line(r.trainingFree.sequential.all), color: '#7f7f7f', dashed: true },
      { label: 'soft oracle (K-model mean)', points: points(r.policies.all.curves['soft-oracle']), color: COLOURS.soft, dashed: true },
      { label: "paper's oracle (model 1)", points: [{ tokens: Math.max(paper.meanTokens, 1), accuracy: paper.accuracy }], color: '#000000' },
    ],
  });
}

/** Every policy's expected accuracy against mean tokens, under the soft oracle, on the rows of one evaluation. */
export function policyPlot(e: PolicyEvaluation, title: string): string {
  const series: PlotSeries[] = [
    { label: 'soft oracle', points: points(e.curves['soft-oracle']), color: COLOURS.soft, dashed: true },
    { label: POLICY_LABELS['type-table'], points: points(e.curves['type-table']), color: COLOURS.table, dashed: true },
    { label: POLICY_LABELS.coverage, points: points(e.curves.coverage), color: COLOURS.coverage, dashed: true },
    { label: POLICY_LABELS['question-only'], points: points(e.curves['question-only']), color: COLOURS.question, dashed: true },
    { label: POLICY_LABELS.cascade, points: points(e.curves.cascade), color: COLOURS.cascade },
    { label: POLICY_LABELS['predictor-budget'], points: points(e.curves['predictor-budget']), color: COLOURS.budget },
    { label: POLICY_LABELS['predictor-threshold'], points: points(e.curves['predictor-threshold']), color: COLOURS.threshold },
  ];
  return renderPlot({
    title,
    fixedLabel: 'fixed scale',
    fixed: e.fixed.map((a, j) => ({ scale: [1, 9, 36, 144, 576][j]!, tokens: [1, 9, 36, 144, 576][j]!, accuracy: a })),
    series,
  });
}

/** The paper's oracle scale per subset (the smallest scale the first M3 model answers at). */
export function oracleScalesPlot(r: StudyResult): string {
  const scales = r.oracle.scales.map((s) => s.scale);
  const bars = SUBSETS.map((subset) => {
    const g = r.oracle.groups.find((x) => x.field === 'subset' && x.value === subset)!;
    const share = (scale: number | null) => g.oracleScales.find((x) => x.scale === scale)?.share ?? 0;
    return { label: subset, shares: [...scales.map(share), share(null)], note: `${g.oracle.meanTokens?.toFixed(1)} tokens` };
  });
  return renderStackedBars("Paper's oracle scale per subset (M3 model 1, test)", [...scales.map((s) => `${s}`), 'none'], bars);
}
