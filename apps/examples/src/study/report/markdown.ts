import { BASELINES, checkGoals, fullAccuracyKept, groupGap, pointOf, totalSeconds } from '../goals.js';
import { SINGLE_SIZE, SUBSETS } from '../mosaics.js';
import type { StudyResult } from '../pipeline.js';
import { ASCENDING, POLICY_LABELS, TARGETS, type PolicyEvaluation, type PolicyName } from '../policies.js';
import { QUESTION_TYPES } from '../questions.js';
import { SELECTIONS } from '../tokens.js';

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
const pts = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
const share = (x: number | null): string => (x === null ? '–' : `${Math.round(100 * x)}%`);

/** A Markdown table (GitHub style). */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

const SUBSET_NAMES: Record<string, string> = {
  grid1: '1×1',
  grid2: '2×2 (the original task)',
  grid3: '3×3',
  grid4: '4×4',
  grid6: '6×6',
  single: 'single item',
};
const ORDER: readonly PolicyName[] = ['fixed', 'type-table', 'coverage', 'question-only', 'cascade', 'predictor-threshold', 'predictor-budget'];

function policyTable(e: PolicyEvaluation): string {
  return table(
    ['policy', ...TARGETS.map((t) => `≤ ${t} tokens: accuracy (mean tokens)`), ...TARGETS.map((t) => `gap closed @${t}`)],
    [
      ...ORDER.map((p) => [
        POLICY_LABELS[p],
        ...TARGETS.map((t) => {
          const x = pointOf(e, p, t);
          return x.accuracy === null ? '–' : `${pct(x.accuracy)} (${x.meanTokens!.toFixed(1)})`;
        }),
        ...TARGETS.map((t) => share(pointOf(e, p, t).gapClosed)),
      ]),
      [
        '**soft oracle**',
        ...TARGETS.map((t) => {
          const s = e.softOracle.find((x) => x.target === t)!;
          return `**${pct(s.accuracy)}** (${s.meanTokens.toFixed(1)})`;
        }),
        '100%',
        '100%',
        '100%',
      ],
      [
        'soft oracle, cross-fitted (no luck)',
        ...TARGETS.map((t) => {
          const s = e.crossFitted.find((x) => x.target === t)!;
          return `${pct(s.accuracy)} (${s.meanTokens.toFixed(1)})`;
        }),
        ...TARGETS.map((t) => share(gapOf(e, t))),
      ],
      [
        'group ceiling: type × subset means on test (not a policy)',
        ...TARGETS.map((t) => {
          const s = e.groupCeiling.find((x) => x.target === t)!;
          return `${pct(s.accuracy)} (${s.meanTokens.toFixed(1)})`;
        }),
        ...TARGETS.map((t) => share(groupGap(e, t))),
      ],
    ],
  );
}

/** (policy − best fixed) / (ceiling − best fixed) at one budget; null without a gap. */
function gapTo(e: PolicyEvaluation, policy: PolicyName, t: number, ceiling: number): number | null {
  const base = pointOf(e, 'fixed', t).accuracy!;
  const acc = pointOf(e, policy, t).accuracy;
  return acc === null || ceiling - base <= 1e-9 ? null : (acc - base) / (ceiling - base);
}

/** The cross-fitted ceiling's share of the soft oracle's gap over the best fixed scale (how much of that gap is not luck). */
function gapOf(e: PolicyEvaluation, t: number): number {
  const base = pointOf(e, 'fixed', t).accuracy!;
  const soft = e.softOracle.find((x) => x.target === t)!.accuracy;
  const cross = e.crossFitted.find((x) => x.target === t)!.accuracy;
  return soft - base <= 1e-9 ? 0 : Math.max(cross - base, 0) / (soft - base);
}

/** Each learned policy's share of the cross-fitted ceiling's gap (the luck-free one). */
function crossFittedShares(e: PolicyEvaluation): string {
  return (['predictor-budget', 'question-only', 'type-table', 'cascade'] as const)
    .map((p) => `${POLICY_LABELS[p]}: ${TARGETS.map((t) => `${share(gapTo(e, p, t, e.crossFitted.find((x) => x.target === t)!.accuracy))} @${t}`).join(', ')}`)
    .join('; ');
}

/** The study's summary: setup, every table, the plots, and the goals checked against the numbers. */
export function renderSummary(r: StudyResult): string {
  const c = r.config;
  const K = r.m3Models.length;
  const out: string[] = [];
  out.push('# Mosaic-QA: Matryoshka Multimodal Models in miniature');
  out.push('');
  out.push(
    '**What this is — and is not.** No vision-language model can be had offline here, so a small **answer model stands in for the LLM**: ' +
      'question-conditioned attention pooling over the visual tokens followed by an MLP, trained in TensorFlow.js. ' +
      'The visual tokens are real: a real ImageNet-pretrained CNN (MobileNetV2, not CLIP) encodes real labelled images (Fashion-MNIST items laid out on a 384 px canvas). ' +
      "The numbers below show how the M3 method and a scale predictor behave on this task; they are not the paper's numbers and not an LLM's.",
  );
  out.push('');
  out.push('## Setup');
  out.push('');
  out.push(
    `- **Data:** Fashion-MNIST items (MIT, © Zalando SE; Debian \`dataset-fashion-mnist\`) drawn on a 384×384 canvas in six subsets of equal size that need different detail: ` +
      `grids of 1×1, 2×2, 3×3, 4×4 and 6×6 items filling the canvas (an item is 384 … 64 px, i.e. 24 … 4 tokens wide at 576 tokens), and one item of ${SINGLE_SIZE[0]}–${SINGLE_SIZE[1]} px (log-uniform) at a random place on an empty canvas. ` +
      'Four questions per image: exist “Is there a bag?”, count “How many sandal items are there?” (0–4), where “What is at row 2, column 3 of the 4×4 grid?” (“What is the item?” with one item), same “Are the items at row 1, column 1 and row 1, column 2 of the 2×2 grid the same kind?” (adjacent cells; images with one item ask a second exist question). ' +
      'Answers are balanced by construction (yes/no half each, counts uniform).',
  );
  out.push(
    `  The answer models also learn from ${c.extraTrainQuestions} more questions about each training image (drawn the same way, answers balanced where the image allows; validation and test keep four). ` +
      `Splits (seeded, items never shared): train ${c.train} images (${r.samples.train} questions), validation ${r.samples.validation / 4} (${r.samples.validation}), test ${r.samples.test / 4} (${r.samples.test}). Majority answer per type on test: ${QUESTION_TYPES.map((t) => `${t} “${r.answerBalance[t]}”`).join(', ')}.`,
  );
  out.push(
    `- **Encoder:** the ${r.encoder}. The 576 channels are reduced to ${c.components} by a fixed linear projector fitted on the training split, as a VLM's projector is trained on its own data: ${c.classComponents} least-squares class directions (a ridge regression of what each training token shows — one of the ten classes or background — on its channels), then ${c.components - c.classComponents} principal components (${pct(r.features.explained)} of the variance). Principal components alone lose what tells items apart (a linear probe on 4×4-grid cells: 70% through 32 components, 81% on all 576 channels); being linear, the projector commutes with M3's pooling. Features cache: ${r.features.cache}.`,
  );
  out.push(
    "- **Tokens:** M3's nested average pooling (`@matryoshka/pooling`, mode m3): 576 / 144 / 36 / 9 / 1 tokens; each token carries its position (x, y, a soft quadrant sign, x² + y²), pooled with it.",
  );
  out.push(
    `- **Answer model:** ${c.heads} attention heads whose queries come from the question's numbers (type, class, the asked cells' centres and the grid size), an MLP (${c.hidden} hidden), one softmax over all 17 answers; Adam (lr ${c.learningRate}), ${c.epochs} epochs, batches of ${c.batchSize} images, tfjs backend \`${r.backend}\`, each model in its own worker thread (the numbers do not depend on how many run at once). ` +
      `**M3**: ${K} models with seeds ${c.seed}…${c.seed + K - 1} (same data), each trained with the loss averaged over all five scales at every step (\`matryoshkaLoss\`${c.m3ScaleWeights ? `, weights ${c.m3ScaleWeights.join('/')}` : ''}); **SS**: one model per scale (seed ${c.seed}); **training-free**: the SS model trained at 576 tokens given fewer tokens by average pooling, spatial sampling or sequential sampling.`,
  );
  out.push(
    `- **Predictor:** \`@matryoshka/scale-predictor\` on \`pyramidFeatures\` (per image: what the 1/9/36/144-token levels keep of the grid, the spread of the 9/36/144/576-token levels, the mean feature's norm) + the question's ${r.predictor.featureSize - 9} numbers = ${r.predictor.featureSize} inputs; MLP ${c.predictorHidden.join('×')}, L2 ${c.predictorL2}, ${c.predictorEpochs} epochs, trained on the validation split with **soft targets**: each sample's correctness at each scale averaged over the ${K} M3 models. Evaluated on test.`,
  );
  out.push(
    `- **Budgets:** every budgeted policy and the soft oracle allocate exactly (\`allocateBudget\`) within batches of ${c.budgetBatch} requests. Accuracy of every policy is the **expected accuracy** — the ${K} M3 models' mean correctness at the chosen scale (the cascade runs each model on its own confidences) — so the soft oracle is a true ceiling for all of them.`,
  );
  out.push('');

  out.push('## Accuracy against tokens (test)');
  out.push('');
  out.push('![accuracy vs tokens](accuracy-vs-tokens.svg)');
  out.push('');
  const spread = (j: number): string => {
    const v = r.m3Models.map((m) => m.all[j]!);
    return `${pct(Math.min(...v))}–${pct(Math.max(...v))}`;
  };
  const first = r.m3Models[0]!;
  out.push(
    table(
      [
        'tokens',
        `M3, mean of ${K}`,
        `M3 range over seeds`,
        'M3 model 1',
        'SS (a model per scale)',
        'M3 model 1 − SS',
        'training-free: avg pooling',
        'spatial sampling',
        'sequential sampling',
      ],
      r.scales.map((s, j) => [
        String(s),
        pct(r.m3.all[j]!),
        spread(j),
        pct(first.all[j]!),
        pct(r.singleScale.all[j]!),
        pts(first.all[j]! - r.singleScale.all[j]!),
        ...SELECTIONS.map((sel) => pct(r.trainingFree[sel].all[j]!)),
      ]),
    ),
  );
  out.push('');
  out.push(`### Per subset (M3, mean of ${K}; SS at each scale in brackets)`);
  out.push('');
  out.push(
    table(
      ['subset', ...r.scales.map(String)],
      SUBSETS.map((s) => [SUBSET_NAMES[s]!, ...r.scales.map((_, j) => `${pct(r.m3.bySubset[s][j]!)} (${pct(r.singleScale.bySubset[s][j]!)})`)]),
    ),
  );
  out.push('');
  out.push(`### Per question type (M3, mean of ${K})`);
  out.push('');
  out.push(
    table(
      ['type', ...r.scales.map(String)],
      QUESTION_TYPES.map((t) => [t, ...r.scales.map((_, j) => pct(r.m3.byType[t][j]!))]),
    ),
  );
  out.push('');

  out.push('## Oracles: structure and chance (test)');
  out.push('');
  out.push('![paper oracle scale per subset](oracle-scales.svg)');
  out.push('');
  const all = r.policies.all;
  out.push(
    table(
      ['mean tokens', 'best fixed scale (expected accuracy)', `soft oracle (K = ${K})`, 'soft oracle, cross-fitted'],
      TARGETS.map((t) => {
        const soft = all.softOracle.find((x) => x.target === t)!;
        const cross = all.crossFitted.find((x) => x.target === t)!;
        return [String(t), pct(pointOf(all, 'fixed', t).accuracy), pct(soft.accuracy), pct(cross.accuracy)];
      }),
    ),
  );
  out.push('');
  const paper = r.paperOracle[0]!;
  const softAtPaper = all.curves['soft-oracle'].filter((p) => p.meanTokens <= paper.meanTokens + 1e-9).reduce((b, p) => Math.max(b, p.accuracy), 0);
  out.push(
    `The paper's oracle (a sample counts if one model gets it right at any scale; tokens of the smallest such scale) reaches ${pct(paper.accuracy)} at ${paper.meanTokens.toFixed(1)} mean tokens for model 1. ` +
      `The soft oracle — the best per-sample scale choice when each sample's correctness at a scale is its mean over the ${K} seeds — reaches ${pct(softAtPaper)} within the same mean tokens. ` +
      `The difference, ${pts(paper.accuracy - softAtPaper)} points, is chance (a model right by luck at one scale, mostly on yes/no questions); only the soft oracle's gain over the best fixed scale is structure a predictor could find. ` +
      `With K = ${K} the soft oracle still holds some luck (a mean of ${K} coin flips is noisy, and the allocation picks its highs): the cross-fitted column chooses by the other ${K - 1} models' mean and scores on the held-out model, which no luck can help; the predictor's gap closed is measured against the (higher) soft oracle all the same. ` +
      `The paper's oracle per model: ${r.paperOracle.map((p, k) => `model ${k + 1} ${pct(p.accuracy)} at ${p.meanTokens.toFixed(1)} mean tokens`).join(', ')}. ` +
      `More tokens hurt model 1 on ${pct(r.oracle.moreTokensHurt.share)} of the samples.`,
  );
  out.push('');

  out.push('## Policies at equal mean tokens (test)');
  out.push('');
  out.push('![policies](policies.svg)');
  out.push('');
  out.push(
    `All ${all.rows} test questions. Gap closed = (policy − best fixed) / (soft oracle − best fixed) at the same budget; curve policies (threshold, cascade) take their best point within the budget.`,
  );
  out.push('');
  out.push(policyTable(all));
  out.push('');
  out.push(`Against the cross-fitted ceiling instead (its gap over the best fixed scale is what is left once luck is out): ${crossFittedShares(all)}.`);
  out.push('');
  const predictorAt = (t: number): number => pointOf(all, 'predictor-budget', t).accuracy ?? -1;
  const belowCeiling = TARGETS.filter((t) => predictorAt(t) < all.groupCeiling.find((x) => x.target === t)!.accuracy);
  const fixedAt = (t: number): number => all.fixed[ASCENDING.indexOf(t as (typeof ASCENDING)[number])]!;
  out.push(
    `**Where the gap lies.** The group ceiling allocates by each question type × subset's mean expected correctness measured on test itself — more than any predictor that knows only the image's subset (its density) and the question's type can know; the learned predictor sees a little more (which cell, the pyramid's statistics) and ${belowCeiling.length === TARGETS.length ? 'still stays below it' : `stays below it at ${belowCeiling.length === 0 ? 'no budget' : belowCeiling.map((t) => `${t}`).join(', ') + ' tokens'}`}. From 36 tokens on there is little structure left to find: the best fixed scale at 36 tokens is ${(100 * (fixedAt(576) - fixedAt(36))).toFixed(1)} points ${fixedAt(36) > fixedAt(576) ? 'above' : 'below'} all 576 tokens. It closes ${TARGETS.map((t) => `${share(groupGap(all, t))} @${t}`).join(', ')} of the soft oracle's gap; the learned predictor reaches ${TARGETS.map((t) => `${share(gapTo(all, 'predictor-budget', t, all.groupCeiling.find((x) => x.target === t)!.accuracy))} @${t}`).join(', ')} of the group ceiling's own gain. The rest of the soft oracle's gap is per sample: which items the answer models get right at which scale, partly luck (soft oracle − cross-fitted) and partly consistent across seeds but invisible to image statistics and the question (cross-fitted − group ceiling) — e.g. exist and count questions on grids, which the answer models answer near their priors at every scale (per-type table above).`,
  );
  out.push('');
  out.push(`### Dense subsets only (4×4 and 6×6 grids, ${r.policies.dense.rows} questions)`);
  out.push('');
  out.push('![policies on dense images](policies-dense.svg)');
  out.push('');
  out.push(policyTable(r.policies.dense));
  out.push('');
  out.push(`Against the cross-fitted ceiling: ${crossFittedShares(r.policies.dense)}.`);
  out.push('');
  const kept = fullAccuracyKept(all);
  out.push(
    kept === null
      ? 'No policy reaches the expected accuracy of all 576 tokens.'
      : `The expected accuracy of all 576 tokens (${pct(all.fixed[all.fixed.length - 1]!)}) is reached with **${kept.meanTokens.toFixed(1)} mean tokens (${((100 * kept.meanTokens) / 576).toFixed(1)}% of 576)** by the ${POLICY_LABELS[kept.policy]} (${pct(kept.accuracy)}).`,
  );
  out.push('');

  out.push("## Calibration (test, against the K models' outcomes)");
  out.push('');
  const cal = r.predictor.calibration;
  out.push(
    table(
      ['probabilities', 'ECE (15 bins)', 'Brier', 'cells'],
      [
        ['learned predictor (image + question)', cal.predictor.ece.toFixed(3), cal.predictor.brier.toFixed(3), String(cal.predictor.cells)],
        ['predictor from the question alone', cal.questionOnly.ece.toFixed(3), cal.questionOnly.brier.toFixed(3), String(cal.questionOnly.cells)],
        ['per-question-type table (validation means)', cal.typeTable.ece.toFixed(3), cal.typeTable.brier.toFixed(3), String(cal.typeTable.cells)],
      ],
    ),
  );
  out.push('');
  out.push(
    'A constant base-rate predictor can have a small ECE; the Brier score and the policies above show whether the probabilities also separate samples. Reliability of the learned predictor (predicted → observed): ' +
      cal.predictor.bins
        .filter((b) => b.count >= 20)
        .map((b) => `${b.meanPredicted.toFixed(2)}→${b.meanObserved.toFixed(2)} (${b.count})`)
        .join(', ') +
      '.',
  );
  out.push('');

  out.push('## Goals, checked');
  out.push('');
  out.push(
    table(
      ['goal', 'met', 'measured'],
      checkGoals(r).map((g) => [g.claim, g.met ? 'yes' : '**no**', g.measured]),
    ),
  );
  out.push('');
  out.push(`Baselines for "beats every baseline": ${BASELINES.map((b) => POLICY_LABELS[b]).join(', ')}.`);
  out.push('');
  out.push('## Reproducing');
  out.push('');
  out.push(
    `\`npm run study${c.size === 'quick' ? ' -- --quick' : ''}\` (seed ${c.seed}); two runs give the same numbers. Stage times (s): ${Object.entries(r.seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} — ${(totalSeconds(r) / 60).toFixed(1)} min in all, on 2 cores shared with other jobs.`,
  );
  out.push(
    "Files: `results.json` (every number above; `policies` holds `{ policy, meanTokens, accuracy, gapClosed }` per policy at 9/36/144 mean tokens, with `softOracle`, `crossFittedOracle`, `groupCeiling`, `paperOracle`, `fixed` and `calibration`), `records-test.jsonl` (model 1's per-sample results, for `matryoshka-oracle analyze --group-by subset`), `predictor.json` (for `loadPredictor`).",
  );
  out.push('');
  return out.join('\n');
}
