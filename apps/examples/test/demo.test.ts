import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@matryoshka/core';
import { chooseScale } from '@matryoshka/scale-predictor';
import { parseCli } from '../src/demo/cli.js';
import { DEFAULT_IMAGES } from '../src/demo/options.js';
import { runDemo, type DemoResult } from '../src/demo/run.js';
import { formatDemo } from '../src/demo/table.js';
import { writeFakeMosaicQa } from './support/fake-mosaic-qa.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'matryoshka-demo-'));

describe('the demo (npm run demo)', () => {
  let result: DemoResult;
  let text: string;

  beforeAll(async () => {
    result = await runDemo({ predictorDir: writeFakeMosaicQa(), out: false });
    text = formatDemo(result).join('\n');
  }, 60_000);

  it('encodes the bundled photos and pools every level on the best backend, saying why others were passed over', () => {
    expect(result.images.map((im) => im.name)).toEqual(['chelsea.png', 'coffee.png', 'rocket.jpg']);
    expect(text).toMatch(/Pooling on '(cpu|webgpu|cuda)', the best available/);
    for (const s of result.backend.skipped) expect(text).toContain(`${s.name.padEnd(7)} unavailable: ${s.reason}`);
    expect(text).toContain('24×24×576');
    for (const im of result.images) {
      expect(im.pyramid.levels.map((l) => [l.rows, l.cols, l.channels])).toEqual([
        [24, 24, 576],
        [12, 12, 576],
        [6, 6, 576],
        [3, 3, 576],
        [1, 1, 576],
      ]);
      // Real features: ReLU6 outputs in [0, 6], not all zero.
      const full = im.pyramid.levels[0]!.data;
      expect(full.every((v) => v >= 0 && v <= 6)).toBe(true);
      expect(full.some((v) => v > 0.5)).toBe(true);
      // Coverage falls as levels coarsen, from exactly 1 at the full grid.
      expect(im.levels[0]!.coverage).toBeCloseTo(1, 5);
      for (let i = 1; i < im.levels.length; i++) expect(im.levels[i]!.coverage).toBeLessThan(im.levels[i - 1]!.coverage);
    }
    expect(text).toMatch(/chelsea\.png\s+(cpu|webgpu|cuda)\s+576\/144\/36\/9\/1\s+36\s+\d+\s+–\s+[\d.]+\s+[\d.]+/);
    expect(text).toContain('576 / 2928   144 / 744');
  });

  it('compares the fixed scale with the budget, and says what the budget optimises', () => {
    expect(result.scale).toBe(36);
    expect(result.budgeted.budget).toBe(108);
    expect(result.fixed.tokens).toBe(108);
    expect(result.budgeted.tokens).toBeLessThanOrEqual(108);
    // Exact: never worse than the fixed scale that fits the same budget.
    expect(result.budgeted.value).toBeGreaterThanOrEqual(result.fixed.value - 1e-12);
    expect(text).toContain('What the budget optimises: the sum over the photos of how much of its full grid each photo keeps');
  });

  it('spends a larger budget where pooling loses most', async () => {
    const r = await runDemo({ images: DEFAULT_IMAGES, budget: 200, predictorDir: scratch, out: false });
    expect(r.budgeted.tokens).toBeLessThanOrEqual(200);
    expect(r.budgeted.value).toBeGreaterThan(r.fixed.value);
    expect(r.images.some((im) => im.levels[im.budgetLevel]!.tokens !== 36)).toBe(true);
  });

  it('runs the mosaic-QA samples through the predictor: τ choice, budget, and what the answer model really did', () => {
    const m = result.mosaic;
    if (m.kind !== 'ran') throw new Error(`mosaic section skipped: ${m.reason}`);
    expect(m.scales).toEqual([576, 144, 36, 9, 1]);
    expect(m.samples).toHaveLength(3);
    for (const s of m.samples) {
      expect(s.probabilities).toHaveLength(5);
      expect(s.chosen).toBe(chooseScale(s.probabilities, 0.8, m.scales));
      expect(s.rightAtChosen).toBe(s.sample.correctAt[String(s.chosen)]);
      expect(s.rightAtBudget).toBe(s.sample.correctAt[String(s.budgetScale)]);
    }
    expect(m.budget.tokens).toBeLessThanOrEqual(m.budget.budget);
    expect(text).toContain('only valid for the kind of questions it was trained on');
    expect(text).toMatch(/sample-01\.png\s+where\s+What is in the top-left\?\s+Sneaker/);
    expect(text).toMatch(/threshold τ = 0\.8: \d+ tokens, \d\/3 right/);
  });

  it('says plainly when the predictor section is skipped', async () => {
    const r = await runDemo({ images: [DEFAULT_IMAGES[0]!], predictorDir: scratch, out: false });
    expect(r.mosaic.kind).toBe('skipped');
    expect(formatDemo(r).join('\n')).toContain(`Skipped: no predictor.json in ${scratch}`);
  });

  it('rejects bad paths, non-images and impossible options with MatryoshkaError', async () => {
    await expect(runDemo({ images: ['/nonexistent.png'], out: false })).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: expect.stringContaining('cannot read /nonexistent.png'),
    });
    const fake = path.join(scratch, 'notes.png');
    writeFileSync(fake, 'just some text, renamed\n');
    await expect(runDemo({ images: [fake], out: false })).rejects.toThrow(`${fake} is not a PNG or JPEG image`);
    await expect(runDemo({ scale: 100, out: false })).rejects.toThrow('scale: 100 is not one of the levels');
    await expect(runDemo({ budget: 2, predictorDir: scratch, out: false })).rejects.toThrow('budget');
  });

  it('parses the command line', () => {
    expect(parseCli(['a.png', '--scale', '9', '--budget', '50', '--backend', 'cpu', '--tau', '0.6', '--out', 'r', '--predictor-dir', 'p'], '/w')).toMatchObject(
      {
        images: ['/w/a.png'],
        scale: 9,
        budget: 50,
        backend: 'cpu',
        tau: 0.6,
        out: '/w/r',
        predictorDir: '/w/p',
      },
    );
    expect(parseCli(['--no-report'], '/w')).toMatchObject({ out: false, scale: 36 });
    expect(() => parseCli(['--tau', '2'], '/w')).toThrow('--tau must be a probability');
  });

  it('exits 1 with "Error: …" on a bad path or a non-image, as a command', () => {
    const fake = path.join(scratch, 'text.png');
    writeFileSync(fake, 'not an image');
    for (const [file, message] of [
      ['/nonexistent/cat.png', 'cannot read /nonexistent/cat.png'],
      [fake, 'is not a PNG or JPEG image'],
    ] as const) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/demo/cli.ts', file, '--no-report'], {
        cwd: appDir,
        encoding: 'utf8',
        env: { ...process.env, INIT_CWD: appDir },
      });
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/^Error/m);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
    }
  });
});
