import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPredictor } from '@matryoshka/scale-predictor';
import { DEFAULT_PREDICTOR_DIR } from '../src/demo/options.js';
import { runDemo } from '../src/demo/run.js';
import type { DemoSamples } from '../src/study/export-demo.js';

// The committed output of `npm run study -- --export-demo`: the demo must reproduce the study's
// predictions from the sample PNGs alone (PNG → default encoder → pyramid → coarse features).
describe('the bundled mosaic-QA predictor and samples', () => {
  const manifest = JSON.parse(readFileSync(path.join(DEFAULT_PREDICTOR_DIR, 'samples.json'), 'utf8')) as DemoSamples;

  it('load, and cover every question type', () => {
    const predictor = loadPredictor(readFileSync(path.join(DEFAULT_PREDICTOR_DIR, 'predictor.json'), 'utf8'));
    expect(predictor.scales).toEqual([576, 144, 36, 9, 1]);
    expect(new Set(manifest.samples.map((s) => s.type))).toEqual(new Set(['exist', 'count', 'where', 'same']));
    expect(manifest.note).toContain('only');
  });

  it('give the study’s probabilities when the demo runs them from the PNGs', async () => {
    const result = await runDemo({ images: [], predictorDir: DEFAULT_PREDICTOR_DIR, out: false });
    expect(result.mosaic.kind).toBe('ran');
    if (result.mosaic.kind !== 'ran') return;
    expect(result.mosaic.samples).toHaveLength(manifest.samples.length);
    result.mosaic.samples.forEach((s, i) => {
      const expected = manifest.samples[i]!.probabilities;
      s.probabilities.forEach((p, j) => expect(Math.abs(p - expected[j]!)).toBeLessThan(1e-4));
    });
  }, 60_000);
});
