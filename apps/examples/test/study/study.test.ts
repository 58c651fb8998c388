import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPredictor } from '@matryoshka/scale-predictor';
import { decodeImage } from '@matryoshka/encoders';
import { QUICK_CONFIG } from '../../src/study/config.js';
import { exportDemo, type DemoSamples } from '../../src/study/export-demo.js';
import { runStudy, type StudyResult } from '../../src/study/pipeline.js';
import { QUESTION_TYPES } from '../../src/study/questions.js';
import { resultNumbers, writeReport } from '../../src/study/report/write-report.js';

const app = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'matryoshka-study-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The numbers of a run as JSON would carry them, with the one field that differs by design (cache hit or miss) left out. */
const comparable = (numbers: unknown): unknown => {
  const copy = JSON.parse(JSON.stringify(numbers)) as { features: { cache?: string }; seconds?: unknown };
  delete copy.features.cache;
  delete copy.seconds;
  return copy;
};

describe('the mosaic-QA study (--quick)', () => {
  let first: StudyResult;

  it('runs end to end on real Fashion-MNIST mosaics and the real default encoder', async () => {
    first = await runStudy(QUICK_CONFIG, { cacheDir: path.join(work, 'cache') });
    expect(first.features.cache).toBe('miss');
    expect(first.samples).toEqual({ train: QUICK_CONFIG.train * 4, validation: QUICK_CONFIG.validation * 4, test: QUICK_CONFIG.test * 4 });
    expect(first.scales).toEqual([576, 144, 36, 9, 1]);
    for (const a of [first.m3, first.singleScale, first.trainingFree.pool, first.trainingFree.spatial, first.trainingFree.sequential]) {
      expect(a.all).toHaveLength(5);
      for (const t of QUESTION_TYPES) expect(a.byType[t].every((x) => x >= 0 && x <= 1)).toBe(true);
    }
    // Every selection gives the same 576 tokens (the whole grid), so the full-scale model agrees with itself.
    expect(first.trainingFree.spatial.all[0]).toBe(first.trainingFree.pool.all[0]);
    expect(first.trainingFree.sequential.all[0]).toBe(first.trainingFree.pool.all[0]);
    expect(first.oracle.samples).toBe(QUICK_CONFIG.test * 4);
    // The predictor reads its input: its probabilities differ between samples (a collapsed one
    // would give every sample the same base rates).
    const p = [...first.artifacts.testProbabilities.values()];
    const spread = (j: number) => Math.max(...p.map((r) => r[j]!)) - Math.min(...p.map((r) => r[j]!));
    expect(Math.max(...[0, 1, 2, 3, 4].map(spread))).toBeGreaterThan(0.05);
    expect(first.oracle.oracle.accuracy).toBeGreaterThanOrEqual(first.oracle.bestFixed.accuracy);
  }, 600_000);

  it('needs more tokens for spatial questions: "where" accuracy rises with tokens', () => {
    const where = first.m3.byType.where; // 576, 144, 36, 9, 1
    expect(where[3]!).toBeGreaterThan(where[4]! + 0.1); // 9 tokens beat 1 by 10+ points
    expect(where[2]!).toBeGreaterThan(where[4]! + 0.15); // and 36 beat it by more
    expect(Math.max(where[0]!, where[1]!, where[2]!)).toBeGreaterThanOrEqual(where[3]!);
  });

  it('writes every table, both plots, the records and a loadable predictor', () => {
    const files = writeReport(first, path.join(work, 'report'));
    expect(files.map((f) => path.basename(f))).toEqual(['summary.md', 'accuracy-vs-tokens.svg', 'oracle-scales.svg', 'results.json', 'records-test.jsonl', 'predictor.json']);
    const summary = readFileSync(files[0]!, 'utf8');
    for (const heading of ['## Accuracy against tokens (test)', '### Per question type (M3, test)', '## The oracle (M3 model, test)', '## The scale predictor', "## The issue's claims, checked"]) expect(summary).toContain(heading);
    expect(summary).toContain('answer model stands in for the LLM');
    expect(summary.match(/^\| --- \|/gm)).toHaveLength(5); // five tables
    const plot = readFileSync(files[1]!, 'utf8');
    for (const label of ['M3 (one model, every scale)', 'SS (a model per scale)', 'training-free avg pooling', 'training-free spatial sampling', 'training-free sequential', 'predictor (threshold τ)', 'predictor (budgeted)', 'oracle']) expect(plot).toContain(label);
    const bars = readFileSync(files[2]!, 'utf8');
    for (const t of QUESTION_TYPES) expect(bars).toContain(`>${t}</text>`);
    expect(readFileSync(files[4]!, 'utf8').trim().split('\n')).toHaveLength(QUICK_CONFIG.test * 4 * 5);
    expect(loadPredictor(readFileSync(files[5]!, 'utf8')).scales).toEqual([1, 9, 36, 144, 576]);
  });

  it('exports the predictor and samples the demo reads', async () => {
    const dir = path.join(work, 'demo');
    exportDemo(first, dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'samples.json'), 'utf8')) as DemoSamples;
    expect(manifest.samples.length).toBeGreaterThan(0);
    for (const s of manifest.samples) {
      const image = await decodeImage(readFileSync(path.join(dir, s.image)), s.image);
      expect([image.width, image.height]).toEqual([56, 56]);
      expect(s.embedding).toHaveLength(19);
      expect(Object.keys(s.correctAt).sort()).toEqual(['1', '144', '36', '576', '9']);
      expect(s.oracleScale === null || s.correctAt[String(s.oracleScale)]).toBe(true);
    }
    expect(loadPredictor(readFileSync(path.join(dir, 'predictor.json'), 'utf8')).scales).toEqual([1, 9, 36, 144, 576]);
  });

  it('gives the same numbers on a second run (from the features cache, through the CLI)', () => {
    const out = path.join(work, 'cli-report');
    const printed = execFileSync(process.execPath, ['--import', 'tsx', 'src/study/cli.ts', '--quick', '--out', out, '--cache-dir', path.join(work, 'cache')], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INIT_CWD: app } });
    expect(printed).toContain('Mosaic-QA study (quick)');
    expect(printed).toMatch(/[✓✗] M3 within 1\.5 points/);
    const second = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { features: { cache: string } };
    expect(second.features.cache).toBe('hit');
    expect(comparable(second)).toEqual(comparable(resultNumbers(first)));
    expect(existsSync(path.join(out, 'summary.md'))).toBe(true);
  }, 600_000);
});
