import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { savePredictor, toJsonl } from '@matryoshka/scale-predictor';
import type { StudyResult } from '../pipeline.js';
import { renderSummary } from './markdown.js';
import { accuracyPlot, oracleScalesPlot } from './plots.js';

/** The numbers of a run without the bulky artifacts (what `results.json` holds and the tests compare). */
export function resultNumbers(r: StudyResult): Omit<StudyResult, 'artifacts' | 'seconds'> {
  const { artifacts: _a, seconds: _s, ...numbers } = r;
  return numbers;
}

/** Writes the report folder: summary.md, the two SVG plots, results.json, the test records and the predictor. */
export function writeReport(r: StudyResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['summary.md', renderSummary(r)],
    ['accuracy-vs-tokens.svg', accuracyPlot(r)],
    ['oracle-scales.svg', oracleScalesPlot(r)],
    ['results.json', `${JSON.stringify({ ...resultNumbers(r), seconds: r.seconds }, null, 2)}\n`],
    ['records-test.jsonl', toJsonl(r.artifacts.testRecords)],
    ['predictor.json', savePredictor(r.artifacts.predictor)],
  ];
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
  return files.map(([name]) => path.join(dir, name));
}
