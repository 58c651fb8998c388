import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { savePredictor, toJsonl } from '@matryoshka/scale-predictor';
import type { StudyResult } from '../pipeline.js';
import { ASCENDING, type PolicyEvaluation } from '../policies.js';
import { renderSummary } from './markdown.js';
import { accuracyPlot, oracleScalesPlot, policyPlot } from './plots.js';

const flat = (e: PolicyEvaluation) => ({
  /** `{ policy, target, meanTokens, accuracy, gapClosed }` for every policy at 9 / 36 / 144 mean tokens. */
  policies: e.points,
  softOracle: e.softOracle,
  /** The soft oracle chosen by K − 1 models and scored on the held-out one (no luck in it). */
  crossFittedOracle: e.crossFitted,
  /** The best a predictor that sees only question type × subset can do (each group's test mean; not a policy). */
  groupCeiling: e.groupCeiling,
  /** Expected accuracy (mean of the K M3 models) of each fixed scale. */
  fixed: ASCENDING.map((scale, j) => ({ scale, accuracy: e.fixed[j]! })),
  rows: e.rows,
});

/**
 * The numbers of a run without the bulky artifacts (what `results.json` holds and the tests
 * compare): the policy points, soft and paper oracles, fixed scales and calibration at the top
 * level (all test questions), the same for the dense subsets under `dense`, and the curves.
 */
export function resultNumbers(r: StudyResult) {
  const { artifacts: _a, seconds: _s, policies, predictor, paperOracle, ...rest } = r;
  return {
    ...flat(policies.all),
    paperOracle,
    calibration: predictor.calibration,
    dense: flat(policies.dense),
    ...rest,
    predictor: { featureSize: predictor.featureSize, losses: predictor.losses },
    curves: { all: policies.all.curves, dense: policies.dense.curves },
  };
}

/** Writes the report folder: summary.md, the SVG plots, results.json, the test records and the predictor. */
export function writeReport(r: StudyResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['summary.md', renderSummary(r)],
    ['accuracy-vs-tokens.svg', accuracyPlot(r)],
    ['policies.svg', policyPlot(r.policies.all, 'Policies: expected accuracy vs mean tokens (test)')],
    ['policies-dense.svg', policyPlot(r.policies.dense, 'Policies on 4×4 and 6×6 grids (test)')],
    ['oracle-scales.svg', oracleScalesPlot(r)],
    ['results.json', `${JSON.stringify({ ...resultNumbers(r), seconds: r.seconds }, null, 2)}\n`],
    ['records-test.jsonl', toJsonl(r.artifacts.testRecords)],
    ['predictor.json', savePredictor(r.artifacts.predictor, { study: 'mosaic-qa', seed: r.config.seed, size: r.config.size })],
  ];
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
  return files.map(([name]) => path.join(dir, name));
}
