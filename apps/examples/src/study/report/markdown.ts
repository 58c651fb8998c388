import { checkGoals, fullAccuracyKept, oracleGainByType, predictorAtFixedScales } from '../goals.js';
import type { StudyResult } from '../pipeline.js';
import { QUESTION_TYPES, question } from '../questions.js';
import { SELECTIONS } from '../tokens.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const pts = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;

/** A Markdown table (GitHub style). */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

const EXAMPLES = [4 + 8, 14, 0, 15].map((id) => `${question(id).type}: “${question(id).text}”`);

/** The study's summary: setup, every table, the plots, and the issue's claims checked against the numbers. */
export function renderSummary(r: StudyResult): string {
  const c = r.config;
  const out: string[] = [];
  out.push('# Mosaic-QA: Matryoshka Multimodal Models in miniature');
  out.push('');
  out.push(
    '**What this is — and is not.** No vision-language model can be had offline here, so a small **answer model stands in for the LLM**: ' +
      'question-conditioned attention pooling over the visual tokens followed by an MLP, trained in TensorFlow.js. ' +
      'The visual tokens are real: a real ImageNet-pretrained CNN (MobileNetV2, not CLIP) encodes real labelled images (Fashion-MNIST mosaics). ' +
      'The numbers below show how the M3 method behaves on this task; they are not the paper\'s numbers and not an LLM\'s.',
  );
  out.push('');
  out.push('## Setup');
  out.push('');
  out.push(`- **Data:** 2×2 mosaics of Fashion-MNIST items (MIT, © Zalando SE; Debian \`dataset-fashion-mnist\`), four questions per mosaic, one of each type — ${EXAMPLES.join('; ')}.`);
  out.push(`  Splits (seeded, items never shared): train ${r.samples.train / 4} mosaics (${r.samples.train} questions), validation ${r.samples.validation / 4} (${r.samples.validation}), test ${r.samples.test / 4} (${r.samples.test}). Majority answer per type on test: ${QUESTION_TYPES.map((t) => `${t} “${r.answerBalance[t]}”`).join(', ')}.`);
  out.push(`- **Encoder:** the ${r.encoder}; each 56×56 mosaic is resized to 384×384. The 576 channels are reduced to ${c.components} principal components fitted on the training split (${pct(r.features.explained)} of the variance) — a fixed projector. Pooling is linear, so pooling the reduced grid equals reducing the pooled 576-channel levels. Features cache: ${r.features.cache}.`);
  out.push(`- **Tokens:** M3's nested average pooling (\`@matryoshka/pooling\`, mode m3): 576 / 144 / 36 / 9 / 1 tokens; each token carries its position (x, y and a soft quadrant sign), pooled with it.`);
  out.push(`- **Answer model:** ${c.heads} attention heads whose queries come from the question, an MLP (${c.hidden} hidden), one softmax over all 17 answers; Adam (lr ${c.learningRate}), ${c.epochs} epochs, batches of ${c.batchSize} mosaics, seed ${c.seed}, tfjs backend \`${r.backend}\`.`);
  out.push(`  **M3** trains one model with the loss averaged over all five scales at every step (\`matryoshkaLoss\`); **SS** trains one model per scale; the **training-free baselines** take the SS model trained at 576 tokens and give it fewer tokens by average pooling, spatial sampling (a uniform sub-grid) or sequential sampling (the first n tokens, row-major).`);
  out.push(`- **Predictor:** \`@matryoshka/scale-predictor\` trained on the M3 model's validation results (features: \`coarseFeatures\` of the 1- and 9-token levels at 576 channels + the question one-hot, ${r.predictor.featureSize} numbers; MLP ${c.predictorHidden.join('×')}, L2 ${c.predictorL2}, ${c.predictorEpochs} epochs), evaluated on test; an ablation trains the same predictor on the question alone. The budgeted policy allocates exactly (\`allocateBudget\`) within batches of ${c.budgetBatch} requests.`);
  out.push('');

  out.push('## Accuracy against tokens (test)');
  out.push('');
  out.push('![accuracy vs tokens](accuracy-vs-tokens.svg)');
  out.push('');
  out.push(
    table(
      ['tokens', 'M3 (one model)', 'SS (a model per scale)', 'M3 − SS', 'training-free: avg pooling', 'spatial sampling', 'sequential sampling'],
      r.scales.map((s, j) => [String(s), pct(r.m3.all[j]!), pct(r.singleScale.all[j]!), pts(r.m3.all[j]! - r.singleScale.all[j]!), ...SELECTIONS.map((sel) => pct(r.trainingFree[sel].all[j]!))]),
    ),
  );
  out.push('');
  out.push('### Per question type (M3, test)');
  out.push('');
  const groups = new Map(r.oracle.groups.filter((g) => g.field === 'type').map((g) => [g.value, g]));
  out.push(
    table(
      ['type', ...r.scales.map((s) => `${s}`), 'oracle', 'oracle mean tokens', 'SS at 576', 'training-free pool at 1'],
      QUESTION_TYPES.map((t) => {
        const g = groups.get(t);
        return [t, ...r.scales.map((_, j) => pct(r.m3.byType[t][j]!)), g ? pct(g.oracle.accuracy) : '–', g?.oracle.meanTokens?.toFixed(1) ?? '–', pct(r.singleScale.byType[t][0]!), pct(r.trainingFree.pool.byType[t][r.scales.indexOf(1)]!)];
      }),
    ),
  );
  out.push('');

  out.push('## The oracle (M3 model, test)');
  out.push('');
  out.push('![oracle scale per question type](oracle-scales.svg)');
  out.push('');
  const o = r.oracle;
  out.push(`Options: unanswered samples charged ${o.options.unanswered} scale, missing scales: ${o.options.missing}.`);
  out.push('');
  out.push(
    table(
      ['', 'mean tokens', 'accuracy', 'share of samples whose oracle scale this is'],
      [
        ...o.scales.map((s) => [`${s.scale} tokens`, s.meanTokens.toFixed(0), pct(s.accuracy), pct(o.oracleScales.find((x) => x.scale === s.scale)?.share ?? 0)]),
        ['**oracle**', (o.oracle.meanTokens ?? NaN).toFixed(1), `**${pct(o.oracle.accuracy)}**`, `none: ${pct(o.oracleScales.find((x) => x.scale === null)?.share ?? 0)}`],
      ],
    ),
  );
  out.push('');
  out.push(`Best fixed scale: ${o.bestFixed.scale} tokens (${pct(o.bestFixed.accuracy)}). More tokens hurt on ${pct(o.moreTokensHurt.share)} of the samples (right at some scale, wrong at a larger one).`);
  const gain = oracleGainByType(r);
  out.push(
    `Where the oracle's gain comes from — samples some scale answers but ${o.bestFixed.scale} tokens does not: ${gain.map((g) => `${g.type} ${g.samples} (${pct(g.share)})`).join(', ')}. ` +
      'Yes/no questions (exist, same) are right by chance half the time at each scale, and the oracle counts a sample as answered if any of five scales is right, so much of its gain is luck that no predictor can foresee.',
  );
  out.push('');

  out.push('## The scale predictor (trained on validation, tested on test)');
  out.push('');
  const at = predictorAtFixedScales(r);
  const thresholdAt = new Map(r.predictor.evaluation.fixed.map((f) => [f.scale, f.threshold]));
  out.push(
    table(
      ['mean tokens', 'fixed scale', 'best fixed within the tokens', 'predictor, budgeted', 'gap closed', 'predictor, threshold τ (tokens)', 'ablation: question only, budgeted (gap closed)'],
      at.map((a) => {
        const th = thresholdAt.get(a.scale);
        const gap = (g: number | null) => (g === null ? '–' : `${Math.round(100 * g)}%`);
        return [
          String(a.scale),
          pct(a.fixed),
          pct(a.bestFixed),
          `${pct(a.budgeted)} (${a.meanTokens.toFixed(1)})`,
          gap(a.gapClosed),
          th ? `${pct(th.accuracy)} (${th.meanTokens.toFixed(1)}, τ=${th.tau.toFixed(2)})` : '–',
          `${pct(a.questionOnly)} (${gap(a.questionGap)})`,
        ];
      }),
    ),
  );
  out.push('');
  const kept = fullAccuracyKept(r);
  out.push(
    kept === null
      ? 'No predictor point reaches the accuracy of all 576 tokens.'
      : `The accuracy of all 576 tokens (${pct(o.scales.find((s) => s.scale === 576)!.accuracy)}) is kept with **${kept.meanTokens.toFixed(1)} mean tokens (${((100 * kept.meanTokens) / 576).toFixed(1)}% of 576)**: ${pct(kept.accuracy)} by the ${kept.policy} policy.`,
  );
  out.push('Gap closed = (predictor − best fixed scale within the same mean tokens) / (oracle − that fixed scale). The oracle needs the answers; the predictor sees only the 1- and 9-token levels and the question.');
  out.push('');

  out.push("## The issue's claims, checked");
  out.push('');
  out.push(table(['claim', 'met', 'measured'], checkGoals(r).map((g) => [g.claim, g.met ? 'yes' : '**no**', g.measured])));
  out.push('');
  out.push('## Reproducing');
  out.push('');
  out.push(`\`npm run study${c.size === 'quick' ? ' -- --quick' : ''}\` (seed ${c.seed}); two runs give the same numbers. Stage times (s): ${Object.entries(r.seconds).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  out.push('Files: `results.json` (every number above), `records-test.jsonl` (the M3 per-sample results, for `matryoshka-oracle analyze --group-by type`), `predictor.json` (for `loadPredictor`).');
  out.push('');
  return out.join('\n');
}
