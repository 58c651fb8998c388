/**
 * The browser demo (apps/examples/web) end to end: a Vite build served statically, opened in
 * headless Debian Chromium (WebGPU on SwiftShader), run on a bundled photo and a mosaic-QA sample;
 * every level must be drawn and the page's numbers must match the same pipeline in Node.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TokenPyramid } from '@matryoshka/core';
import { defaultModel, loadEncoder, type LoadedEncoder } from '@matryoshka/encoders';
import { buildPyramid } from '@matryoshka/pooling';
import { chooseScale, loadPredictor, predictorInput } from '@matryoshka/scale-predictor';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceAliases } from '../../../vitest.shared.js';
import { levelStats, type LevelStats } from '../web/src/level-stats.js';
import { webConfig } from '../web/vite.config.js';
import { chromiumMissing, launchChromium, type Chromium } from './support/chromium.js';
import { writeFakeMosaicQa } from './support/fake-mosaic-qa.js';
import { serveStatic } from './support/static-server.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const IMAGE = here('../images/chelsea.png');
const SCREENSHOT = here('../test-artifacts/web.png');
const REAL_MOSAIC_QA = here('../models/mosaic-qa');

const missing = chromiumMissing();
if (missing !== undefined) console.log(`web-browser test skipped: ${missing}`);

interface PageResult {
  backend: 'webgpu' | 'cpu';
  reason: string;
  encodeMs: number;
  poolMs: number;
  levels: LevelStats[];
  prediction?: { scales: number[]; probabilities: number[]; chosen: number };
}

interface CanvasInfo {
  tokens: number;
  width: number;
  height: number;
  opaque: boolean;
  colours: number;
}

/** Opens `query`, waits for the page to finish, and reads back its JSON and every level's pixels. */
async function runPage(page: Page, url: string, query: string): Promise<{ result: PageResult; canvases: CanvasInfo[]; text: string }> {
  await page.goto(`${url}?${query}`);
  await page.waitForFunction(
    () => (globalThis as unknown as { document: { body: { dataset: { state?: string } } } }).document.body.dataset.state !== 'busy',
    undefined,
    {
      timeout: 45_000,
    },
  );
  const status = await page.locator('#status').textContent();
  expect(await page.locator('body').getAttribute('data-state'), `page status: ${status}`).toBe('done');
  const result = JSON.parse((await page.locator('#result').textContent()) ?? '') as PageResult;
  const canvases = await page.$$eval('#levels canvas', (elements) =>
    elements.map((element) => {
      const c = element as unknown as {
        width: number;
        height: number;
        dataset: { tokens: string };
        getContext(t: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      };
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      let opaque = true;
      for (let i = 0; i < px.length; i += 4) {
        colours.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
        if (px[i + 3] !== 255) opaque = false;
      }
      return { tokens: Number(c.dataset.tokens), width: c.width, height: c.height, opaque, colours: colours.size };
    }),
  );
  return { result, canvases, text: (await page.locator('body').innerText()) ?? '' };
}

/** Same levels as Node: sizes exactly, values within 1e-3 (ORT wasm and ORT's CPU EP round differently). */
function expectLevelsMatch(actual: readonly LevelStats[], expected: readonly LevelStats[]): number {
  let worst = 0;
  expect(actual.map((l) => [l.tokens, l.rows, l.cols, l.channels])).toEqual(expected.map((l) => [l.tokens, l.rows, l.cols, l.channels]));
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(Math.abs(a.mean - e.mean), `level ${e.tokens} mean`).toBeLessThanOrEqual(1e-3 * Math.abs(e.mean));
    expect(Math.abs(a.maxAbs - e.maxAbs), `level ${e.tokens} max`).toBeLessThanOrEqual(1e-3 * e.maxAbs);
    a.first.forEach((v, k) => expect(Math.abs(v - e.first[k]!), `level ${e.tokens} value ${k}`).toBeLessThanOrEqual(1e-3 * e.maxAbs));
    worst = Math.max(worst, Math.abs(a.mean - e.mean) / Math.abs(e.mean), ...a.first.map((v, k) => Math.abs(v - e.first[k]!) / e.maxAbs));
  });
  return worst; // the largest difference seen, relative as above
}

function expectDrawn(canvases: readonly CanvasInfo[], levels: readonly LevelStats[]): void {
  expect(canvases.map((c) => [c.tokens, c.height, c.width])).toEqual(levels.map((l) => [l.tokens, l.rows, l.cols]));
  for (const c of canvases) {
    expect(c.opaque, `level ${c.tokens} drawn`).toBe(true);
    if (c.tokens > 1) expect(c.colours, `level ${c.tokens} has more than one colour`).toBeGreaterThan(1);
  }
}

describe.skipIf(missing !== undefined)('the browser demo (npm run web)', () => {
  let scratch: string;
  let server: { url: string; close: () => Promise<void> };
  let browser: Chromium;
  let encoder: LoadedEncoder;
  let mosaicDir: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'matryoshka-web-'));
    // The study's predictor when it exists, else a fake one, so the predictor path is always exercised.
    const real = existsSync(path.join(REAL_MOSAIC_QA, 'predictor.json')) && existsSync(path.join(REAL_MOSAIC_QA, 'samples.json'));
    mosaicDir = real ? REAL_MOSAIC_QA : path.join(scratch, 'mosaic-qa');
    if (!real) {
      await mkdir(mosaicDir);
      writeFakeMosaicQa(mosaicDir);
    }
    const t = performance.now();
    const outDir = path.join(scratch, 'dist');
    // From the packages' sources, like the Node reference below: no prior `npm run build` needed.
    const config = webConfig({ outDir, mosaicQaDir: mosaicDir, aliases: sourceAliases, modelBytes: async () => (await defaultModel()).bytes });
    await build({ ...config, configFile: false, logLevel: 'warn' });
    console.log(`web build: ${(performance.now() - t).toFixed(0)} ms (${real ? "the study's predictor" : 'a fake predictor'})`);
    server = await serveStatic(outDir);
    browser = await launchChromium();
    encoder = await loadEncoder(undefined, { ort });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await encoder?.dispose();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  const nodePyramid = async (file: string): Promise<TokenPyramid> => buildPyramid(await encoder.encode(await readFile(file)));

  it('encodes a photo, pools it on WebGPU (or says why not) and draws every level with the Node numbers', async () => {
    const expected = (await nodePyramid(IMAGE)).levels.map((l) => levelStats(l));
    let run;
    try {
      run = await runPage(browser.page, server.url, 'image=chelsea.png');
    } finally {
      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await browser.page.screenshot({ path: SCREENSHOT, fullPage: true });
    }
    const { result, canvases, text } = run;
    const worst = expectLevelsMatch(result.levels, expected);
    console.log(
      `chelsea.png in Chromium: ${result.backend} (${result.reason}), encode ${result.encodeMs.toFixed(0)} ms, pool ${result.poolMs.toFixed(1)} ms, largest relative difference from Node ${worst.toExponential(1)}`,
    );
    expect(text).toContain(result.backend === 'webgpu' ? 'Pooled on WebGPU' : 'Pooled on the CPU');
    expect(text).toContain(result.reason);
    expect(text).toMatch(/Encode \d+\.\d ms \(ORT wasm\), pool \d+\.\d+ ms/);
    expect(text).toContain('photos get none');
    expect(result.levels.map((l) => l.tokens)).toEqual([576, 144, 36, 9, 1]);
    expectDrawn(canvases, expected);
    expect(browser.console).toEqual([]);
  });

  it('falls back to the CPU backend and says why', async () => {
    const { result, canvases } = await runPage(browser.page, server.url, 'image=chelsea.png&backend=cpu');
    expect(result.backend).toBe('cpu');
    expect(await browser.page.locator('#backend').textContent()).toContain('Pooled on the CPU (WebAssembly) — WebGPU skipped');
    expectLevelsMatch(
      result.levels,
      (await nodePyramid(IMAGE)).levels.map((l) => levelStats(l)),
    );
    expect(canvases).toHaveLength(5);
  });

  it("offers the mosaic-QA samples and shows the predictor's probabilities and choice", async () => {
    const samples = JSON.parse(await readFile(path.join(mosaicDir, 'samples.json'), 'utf8')) as {
      samples: { image: string; question: string; embedding: number[] }[];
    };
    const sample = samples.samples[0]!;
    const predictor = loadPredictor(await readFile(path.join(mosaicDir, 'predictor.json'), 'utf8'));
    const pyramid = await nodePyramid(path.join(mosaicDir, sample.image));
    const probabilities = Array.from(predictor.predict(predictorInput(predictor, pyramid, sample.embedding)));
    const { result, canvases, text } = await runPage(browser.page, server.url, 'sample=0');
    expect(text).toContain(sample.question);
    expectDrawn(
      canvases,
      pyramid.levels.map((l) => levelStats(l)),
    );
    expect(result.prediction?.scales).toEqual(predictor.scales);
    result.prediction!.probabilities.forEach((p, i) => expect(Math.abs(p - probabilities[i]!)).toBeLessThanOrEqual(1e-3));
    // The choice can only differ when a probability sits within rounding of the threshold.
    if (probabilities.every((p) => Math.abs(p - 0.8) > 1e-3)) expect(result.prediction?.chosen).toBe(chooseScale(probabilities, 0.8, predictor.scales));
    expect(text).toMatch(/Chosen: \d+ tokens|chosen: \d+ tokens/);
    expect(text).toContain('← chosen');
  });
});
