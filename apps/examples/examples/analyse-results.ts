/**
 * Oracle analysis of per-sample results at every scale: accuracy per scale, the oracle (the
 * smallest scale that answers each sample) and its mean tokens, per question type.
 * Run: npx tsx examples/analyse-results.ts [records.jsonl]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeOracle, formatAnalysis, parseJsonl } from '@matryoshka/scale-predictor';

const file = process.argv[2] ?? fileURLToPath(new URL('../../../packages/scale-predictor/examples/records.jsonl', import.meta.url));
const analysis = analyzeOracle(parseJsonl(readFileSync(file, 'utf8')), { groupBy: ['type'] });

console.log(formatAnalysis(analysis));
const { oracle, bestFixed } = analysis;
console.log();
console.log(
  `oracle: ${oracle.correct}/${analysis.samples} answered (${(100 * oracle.accuracy).toFixed(1)}%) at ${oracle.meanTokens?.toFixed(2) ?? '–'} mean tokens`,
);
console.log(`best fixed scale: ${bestFixed.scale} tokens (${(100 * bestFixed.accuracy).toFixed(1)}%)`);
for (const g of analysis.groups)
  console.log(`  ${g.field} = ${g.value}: oracle ${(100 * g.oracle.accuracy).toFixed(1)}% at ${g.oracle.meanTokens?.toFixed(2) ?? '–'} tokens`);
