import type { Evaluation } from '../evaluate/evaluate.js';
import type { OracleAnalysis } from '../oracle/analyze.js';
import type { Summary } from '../oracle/summary.js';
import { formatTable, num, percent } from './table.js';

function summaryTable(s: Summary): string {
  const rows: (string | number)[][] = s.scales.map((r) => [
    String(r.scale),
    num(r.meanTokens, 1),
    percent(r.accuracy),
    percent(s.oracleScales.find((o) => o.scale === r.scale)!.share),
  ]);
  rows.push(['oracle', num(s.oracle.meanTokens, 1), percent(s.oracle.accuracy), `none: ${percent(s.oracleScales.at(-1)!.share)}`]);
  return formatTable(['scale', 'mean tokens', 'accuracy', 'oracle scale'], rows);
}

/** The analysis as text: the options, the per-scale table with the oracle, flips, then each group. */
export function formatAnalysis(a: OracleAnalysis): string {
  const o = a.options;
  const lines = [
    `${a.samples} samples, ${a.counts.records} records (${a.counts.duplicates} duplicates, ${a.counts.ignored} ignored, ${a.counts.samplesDropped} samples dropped, ${a.counts.missingCells} missing cells counted wrong)`,
    `options: unanswered charged ${o.unanswered}, score threshold ${o.threshold}, missing scales: ${o.missing}`,
    '',
    summaryTable(a),
    '',
    `best fixed scale: ${a.bestFixed.scale} (${percent(a.bestFixed.accuracy)}); oracle: ${percent(a.oracle.accuracy)} at ${num(a.oracle.meanTokens, 2)} mean tokens`,
    `more tokens hurt: ${a.moreTokensHurt.samples} samples (${percent(a.moreTokensHurt.share)}) are right at some scale and wrong at a larger one`,
    formatTable(
      ['step', 'lost', 'gained'],
      a.moreTokensHurt.steps.map((s) => [`${s.from} → ${s.to}`, s.lost, s.gained]),
    ),
  ];
  for (const g of a.groups) {
    lines.push(
      '',
      `${g.field} = ${g.value}: ${g.samples} samples, oracle ${percent(g.oracle.accuracy)} at ${num(g.oracle.meanTokens, 2)} tokens, more tokens hurt ${g.moreTokensHurt.samples}`,
    );
    lines.push(summaryTable(g));
  }
  return lines.join('\n') + '\n';
}

/** The evaluation as text: at each fixed scale's tokens, the fixed, threshold and budgeted accuracies and the gap closed. */
export function formatEvaluation(e: Evaluation): string {
  const rows = e.fixed.map((f) => [
    String(f.scale),
    num(f.meanTokens, 1),
    percent(f.accuracy),
    percent(f.bestFixedAccuracy),
    f.threshold === null ? '–' : percent(f.threshold.accuracy),
    f.threshold === null ? '–' : num(f.threshold.tau, 3),
    f.threshold === null ? '–' : percent(f.threshold.gapClosed),
    f.budget === null ? '–' : percent(f.budget.accuracy),
    f.budget === null ? '–' : percent(f.budget.gapClosed),
  ]);
  return [
    `${e.samples} held-out samples; oracle ${percent(e.oracle.accuracy)} at ${num(e.oracle.meanTokens, 2)} mean tokens (unanswered charged ${e.options.unanswered}, threshold ${e.options.threshold})`,
    '',
    formatTable(['scale', 'mean tokens', 'fixed', 'best fixed ≤', 'threshold', 'τ', 'gap closed', 'budgeted', 'gap closed'], rows),
    '',
  ].join('\n');
}
