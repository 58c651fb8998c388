import { anyresTokenCount } from '@matryoshka/core';
import { formatTable } from '@matryoshka/scale-predictor';
import { PREDICTOR_SCOPE } from './mosaic.js';
import type { DemoResult } from './run.js';

export const BUDGET_EXPLAINED =
  'What the budget optimises: the sum over the photos of how much of its full grid each photo keeps at its chosen level (the table above), with the total tokens at most the budget; allocateBudget solves this exactly. It measures how much detail survives pooling, not answer accuracy: without a predictor for the task there is nothing better to optimise for photos.';

const ms = (x: number, digits = 1) => x.toFixed(digits);
const yesNo = (v: boolean | undefined) => (v === undefined ? '?' : v ? 'yes' : 'no');

/** The demo's printed output, line by line. */
export function formatDemo(r: DemoResult): string[] {
  const out: string[] = [];
  const say = (text = '') => out.push(...text.split('\n'));
  say(`Matryoshka demo: nested visual tokens (M3) for ${r.images.length} image${r.images.length === 1 ? '' : 's'}`);
  say();
  say('Backends:');
  for (const b of r.backend.statuses) say(`  ${b.name.padEnd(7)} ${b.available ? 'available' : `unavailable: ${b.reason}`}`);
  const passed = r.backend.skipped.map((s) => s.name).join(' and ');
  say(
    r.backend.forced
      ? `Pooling on '${r.backend.name}' (forced with --backend).`
      : `Pooling on '${r.backend.name}', the best available${passed === '' ? '' : ` (passed over ${passed}: see why above)`}.`,
  );
  say(`Encoder: ${r.encoder.description} on ${r.encoder.executionProvider}, ready in ${ms(r.encoder.loadMs, 0)} ms.`);
  say();

  const levels = r.images[0]!.levels;
  say(`Photos: every photo at a fixed ${r.scale} tokens (${r.fixed.tokens} in all), against a budget of ${r.budgeted.budget} tokens for the whole set.`);
  say(
    formatTable(
      ['image', 'backend', 'tokens per level', 'fixed', 'budget', 'predicted p', 'encode ms', 'pyramid ms'],
      [
        ...r.images.map((im) => [
          im.name,
          r.backend.name,
          im.levels.map((l) => l.tokens).join('/'),
          im.levels[im.fixedLevel]!.tokens,
          im.levels[im.budgetLevel]!.tokens,
          '–',
          ms(im.encodeMs),
          ms(im.pyramidMs, 2),
        ]),
        ['total', '', '', r.fixed.tokens, r.budgeted.tokens, '', '', ''],
      ],
    ),
  );
  say('(predicted p: photos get no prediction; see the mosaic-QA section below.)');
  say();
  say('How much of its full grid each level keeps (mean cosine similarity of every full-grid token with the coarse token covering it):');
  say(
    formatTable(
      ['image', ...levels.map((l) => `${l.tokens} (${l.rows}×${l.cols})`)],
      r.images.map((im) => [im.name, ...im.levels.map((l) => l.coverage.toFixed(3))]),
    ),
  );
  say(BUDGET_EXPLAINED);
  say(
    `Kept in all: fixed ${r.scale} → ${r.fixed.value.toFixed(3)} with ${r.fixed.tokens} tokens; budget → ${r.budgeted.value.toFixed(3)} with ${r.budgeted.tokens} of ${r.budgeted.budget} tokens.`,
  );
  if (r.images.length > 1 && r.images.every((im) => im.budgetLevel === im.fixedLevel)) {
    say(
      `At this budget the best split is the uniform one; a larger budget (--budget ${Math.round(r.budgeted.budget * 1.9)}) shows the allocation follow the content.`,
    );
  }
  say();
  say('Tokens per image at each level in a LLaVA-NeXT 2×2 anyres layout (crops + base image + newline tokens):');
  say(`  ${levels.map((l) => `${l.tokens} / ${anyresTokenCount({ level: l, crops: { rows: 2, cols: 2 } }).total}`).join('   ')}`);
  say();

  const m = r.mosaic;
  say('Mosaic-QA samples with a learned scale predictor:');
  say(`  ${PREDICTOR_SCOPE}`);
  if (m.kind === 'skipped') {
    say(`  Skipped: ${m.reason}.`);
  } else {
    if (m.note !== '') say(`  ${m.note}`);
    say(
      `  τ = ${m.tau}: each sample gets the smallest scale whose predicted p ≥ τ (else its most likely one); the budget spreads ${m.budget.budget} tokens to maximise the expected number of right answers (Σ p).`,
    );
    say(
      formatTable(
        ['sample', 'type', 'question', 'answer', `p at ${m.scales.join('/')}`, 'τ scale', 'p there', 'right there', 'budget scale', 'right there'],
        m.samples.map((s) => {
          const at = m.scales.indexOf(s.chosen);
          return [
            s.sample.image,
            s.sample.type,
            s.sample.question,
            s.sample.answer,
            s.probabilities.map((p) => p.toFixed(2)).join(' '),
            s.chosen,
            s.probabilities[at]!.toFixed(2),
            yesNo(s.rightAtChosen),
            s.budgetScale,
            yesNo(s.rightAtBudget),
          ];
        }),
      ),
    );
    const n = m.samples.length;
    say(`  threshold τ = ${m.tau}: ${m.threshold.tokens} tokens, ${m.threshold.right}/${n} right`);
    say(`  budget ${m.budget.budget}: ${m.budget.tokens} tokens, ${m.budget.value.toFixed(2)} right expected, ${m.budget.right}/${n} right`);
    if (m.fixed !== undefined) say(`  fixed ${m.fixed.scale}: ${m.fixed.tokens} tokens, ${m.fixed.right}/${n} right`);
    say('  ("right there": whether the M3 answer model was actually right at that scale, from samples.json.)');
  }
  say();
  if (r.report !== undefined) say(`Report: ${r.report}`);
  say(`Done in ${(r.totalMs / 1000).toFixed(1)} s.`);
  return out;
}
