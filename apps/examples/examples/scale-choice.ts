/**
 * How many tokens each image gets: the same fixed scale for all, or one token budget for the set
 * spread by `allocateBudget` (an exact knapsack: the largest sum of values within the budget).
 * Without a task-specific predictor, the value is training-free: how much of its full grid each
 * level keeps (see src/demo/coverage.ts). Run: npx tsx examples/scale-choice.ts [budget]
 */
import { fileURLToPath } from 'node:url';
import { loadEncoder } from '@matryoshka/encoders';
import { buildPyramid } from '@matryoshka/pooling';
import { allocateBudget } from '@matryoshka/scale-predictor';
import { levelCoverage } from '../src/demo/coverage.js';

const scales = [576, 144, 36, 9, 1];
const names = ['chelsea.png', 'coffee.png', 'rocket.jpg'];
const budget = Number(process.argv[2] ?? 200);

const encoder = await loadEncoder(); // the offline default: 384×384 → 24×24×576
const grids = await encoder.encode(names.map((n) => fileURLToPath(new URL(`../images/${n}`, import.meta.url))));
await encoder.dispose();
const values = grids.map((grid) => {
  const levels = buildPyramid(grid, { scales }).levels;
  return levels.map((level) => levelCoverage(levels[0]!, level));
});

const fixedIndex = scales.indexOf(36);
const allocation = allocateBudget(values, scales, budget);
console.log(`fixed 36 tokens each: ${36 * names.length} tokens, kept ${values.reduce((s, v) => s + v[fixedIndex]!, 0).toFixed(3)}`);
console.log(`budget ${budget}: ${allocation.totalTokens} tokens, kept ${allocation.value.toFixed(3)}`);
names.forEach((name, i) => {
  const tokens = allocation.tokens[i]!;
  const kept = values[i]![scales.indexOf(tokens)]!;
  console.log(`  ${name.padEnd(12)} fixed 36 (kept ${values[i]![fixedIndex]!.toFixed(3)})   budget ${String(tokens).padStart(3)} (kept ${kept.toFixed(3)})`);
});
