import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadPredictor } from '@matryoshka/scale-predictor';
import { decodeImage } from '@matryoshka/encoders';
import { main } from '../../src/study/cli.js';
import { QUICK_CONFIG } from '../../src/study/config.js';
import { exportDemo, type DemoSamples } from '../../src/study/export-demo.js';
import { IMAGE_STATS } from '../../src/study/features.js';
import { SUBSETS } from '../../src/study/mosaics.js';
import { runStudy, type StudyResult } from '../../src/study/pipeline.js';
import { POLICIES, TARGETS } from '../../src/study/policies.js';
import { QUESTION_FEATURES } from '../../src/study/questions.js';
import { resultNumbers, writeReport } from '../../src/study/report/write-report.js';

const work = mkdtempSync(path.join(tmpdir(), 'matryoshka-study-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The numbers of a run as JSON carries them, without the one field that differs by design (cache hit or miss). */
const comparable = (numbers: unknown): unknown => {
  const copy = JSON.parse(JSON.stringify(numbers)) as { features: { cache?: string }; seconds?: unknown };
  delete copy.features.cache;
  delete copy.seconds;
  return copy;
};

// Wiring and determinism on a tiny config (QUICK_CONFIG: 240/120/120 images, 3 epochs): the
// figures of so small a run mean nothing and are not checked; the default run's are in docs/study.
describe('the mosaic-QA study (--quick)', () => {
  let first: StudyResult;

  it('runs end to end on real Fashion-MNIST images of every density and the real default encoder', async () => {
    first = await runStudy(QUICK_CONFIG, { cacheDir: path.join(work, 'cache') });
    expect(first.features.cache).toBe('miss');
    expect(first.samples).toEqual({
      train: QUICK_CONFIG.train * (4 + QUICK_CONFIG.extraTrainQuestions),
      validation: QUICK_CONFIG.validation * 4,
      test: QUICK_CONFIG.test * 4,
    });
    expect(first.m3Models).toHaveLength(QUICK_CONFIG.models);
    for (const a of [first.m3, first.singleScale, first.trainingFree.pool, first.trainingFree.spatial, first.trainingFree.sequential, ...first.m3Models]) {
      expect(a.all).toHaveLength(5);
      for (const s of SUBSETS) expect(a.bySubset[s].every((x) => x >= 0 && x <= 1)).toBe(true);
    }
    // Every selection gives the same 576 tokens, so the full-scale model agrees with itself.
    expect(first.trainingFree.spatial.all[0]).toBe(first.trainingFree.pool.all[0]);
    // Seeds differ, so the models differ (otherwise the soft oracle would be the paper's).
    expect(new Set(first.m3Models.map((m) => m.all.join())).size).toBeGreaterThan(1);
    const { all, dense } = first.policies;
    expect(all.rows).toBe(QUICK_CONFIG.test * 4);
    expect(dense.rows).toBe((QUICK_CONFIG.test * 4) / 3); // 4×4 and 6×6: two subsets of six
    for (const e of [all, dense]) {
      expect(e.points).toHaveLength(TARGETS.length * POLICIES.length);
      for (const t of TARGETS) {
        const soft = e.softOracle.find((p) => p.target === t)!;
        const fixed = e.points.find((p) => p.policy === 'fixed' && p.target === t)!;
        // The soft oracle is a ceiling: at least the best fixed scale, at least every budgeted policy.
        expect(soft.accuracy).toBeGreaterThanOrEqual(fixed.accuracy! - 1e-12);
        for (const p of e.points.filter((x) => x.target === t && x.meanTokens !== null)) {
          expect(p.meanTokens!).toBeLessThanOrEqual(t + 1e-9);
          expect(p.accuracy!).toBeLessThanOrEqual(soft.accuracy + 1e-12);
        }
      }
    }
    // The paper's oracle of each model is at least its best fixed scale; chance makes it ≥ the soft oracle at its tokens.
    for (const [k, p] of first.paperOracle.entries()) expect(p.accuracy).toBeGreaterThanOrEqual(Math.max(...first.m3Models[k]!.all) - 1e-12);
    expect(first.predictor.featureSize).toBe(IMAGE_STATS + QUESTION_FEATURES);
    for (const c of Object.values(first.predictor.calibration)) {
      expect(c.cells).toBe(QUICK_CONFIG.test * 4 * 5);
      expect(c.ece).toBeGreaterThanOrEqual(0);
      expect(c.brier).toBeGreaterThan(0);
    }
    expect(first.artifacts.testProbabilities.every((r) => r.every((p) => p >= 0 && p <= 1))).toBe(true);
  }, 600_000);

  it('writes every table, the plots, results.json with the policy fields, the records and a loadable predictor', () => {
    const files = writeReport(first, path.join(work, 'report'));
    expect(files.map((f) => path.basename(f))).toEqual([
      'summary.md',
      'accuracy-vs-tokens.svg',
      'policies.svg',
      'policies-dense.svg',
      'oracle-scales.svg',
      'results.json',
      'records-test.jsonl',
      'predictor.json',
    ]);
    const summary = readFileSync(files[0]!, 'utf8');
    for (const heading of [
      '## Accuracy against tokens (test)',
      '### Per subset',
      '## Oracles: structure and chance (test)',
      '## Policies at equal mean tokens (test)',
      '### Dense subsets only',
      '## Calibration',
      '## Goals, checked',
    ]) {
      expect(summary).toContain(heading);
    }
    expect(summary).toContain('answer model stands in for the LLM');
    const policies = readFileSync(files[2]!, 'utf8');
    for (const label of [
      'soft oracle',
      'cascade on the answer model',
      'learned predictor, budgeted',
      'learned predictor, threshold',
      'training-free coverage heuristic',
      'per-question-type table',
    ])
      expect(policies).toContain(label);
    expect(readFileSync(files[1]!, 'utf8')).toContain("paper's oracle");
    const results = JSON.parse(readFileSync(files[5]!, 'utf8')) as Record<string, unknown> & { policies: Record<string, unknown>[] };
    for (const key of ['policies', 'softOracle', 'crossFittedOracle', 'groupCeiling', 'paperOracle', 'fixed', 'calibration', 'dense'])
      expect(results).toHaveProperty(key);
    expect(Object.keys(results.policies[0]!).sort()).toEqual(['accuracy', 'gapClosed', 'meanTokens', 'policy', 'target']);
    expect(readFileSync(files[6]!, 'utf8').trim().split('\n')).toHaveLength(QUICK_CONFIG.test * 4 * 5);
    const predictor = loadPredictor(readFileSync(files[7]!, 'utf8'));
    expect(predictor.scales).toEqual([576, 144, 36, 9, 1]);
    expect(predictor.input).toBe('pyramid');
  });

  it('exports the predictor and samples of several densities for the demo', async () => {
    const dir = path.join(work, 'demo');
    exportDemo(first, dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'samples.json'), 'utf8')) as DemoSamples;
    expect(new Set(manifest.samples.map((s) => s.subset)).size).toBe(SUBSETS.length);
    for (const s of manifest.samples) {
      const image = await decodeImage(readFileSync(path.join(dir, s.image)), s.image);
      expect([image.width, image.height]).toEqual([384, 384]);
      expect(s.embedding).toHaveLength(QUESTION_FEATURES);
      expect(Object.keys(s.correctAt).sort()).toEqual(['1', '144', '36', '576', '9']);
      expect(s.oracleScale === null || s.correctAt[String(s.oracleScale)]).toBe(true);
    }
    expect(loadPredictor(readFileSync(path.join(dir, 'predictor.json'), 'utf8')).input).toBe('pyramid');
  });

  // The first run trained its answer models in one worker per core, this one in a single worker:
  // each model's numbers depend on its seed only.
  it('gives the same numbers on a second run, through the CLI, from the features cache, with one worker', async () => {
    const out = path.join(work, 'cli-report');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      await main(['--quick', '--out', out, '--cache-dir', path.join(work, 'cache'), '--workers', '1']);
    } finally {
      log.mockRestore();
    }
    expect(lines[0]).toContain('Mosaic-QA study (quick)');
    expect(lines.some((l) => /[✓✗] M3 within 1\.5 points/.test(l))).toBe(true);
    const second = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { features: { cache: string } };
    expect(second.features.cache).toBe('hit');
    expect(comparable(second)).toEqual(comparable(resultNumbers(first)));
    expect(existsSync(path.join(out, 'summary.md'))).toBe(true);
  }, 600_000);
});
