/**
 * The demo's HTML report in a real browser: headless Debian Chromium (test/support/chromium.ts)
 * opens the report the demo wrote, served from 127.0.0.1; every picture must decode and every
 * number shown must be the demo's. Saves test-artifacts/report.png and checks it shows a page;
 * docs/report.png (the README's screenshot) is rewritten only with MATRYOSHKA_UPDATE_SCREENSHOTS=1.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../src/demo/run.js';
import { chromiumMissing, launchChromium, type Chromium } from './support/chromium.js';
import { writeFakeMosaicQa } from './support/fake-mosaic-qa.js';
import { serveStatic } from './support/static-server.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ARTIFACT = here('../test-artifacts/report.png');
const README_SHOT = here('../docs/report.png');

const missing = chromiumMissing();
if (missing !== undefined) console.log(`demo report browser test skipped: ${missing}`);

describe.skipIf(missing !== undefined)('the demo report in headless Chromium', () => {
  let result: DemoResult;
  let browser: Chromium;
  let server: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'matryoshka-demo-report-'));
    result = await runDemo({ predictorDir: writeFakeMosaicQa(), out });
    server = await serveStatic(out);
    browser = await launchChromium({ width: 1280, height: 860 });
    await browser.page.goto(`${server.url}index.html`, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads every picture: the photos, every level of every pyramid, the mosaics', async () => {
    const pictures = await browser.page.$$eval('img', (imgs) =>
      imgs.map((img) => ({ alt: img.alt, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight })),
    );
    const levels = result.scales.length;
    expect(pictures).toHaveLength(result.images.length * (1 + levels) + (result.mosaic.kind === 'ran' ? result.mosaic.samples.length : 0));
    for (const p of pictures) {
      expect(p.complete, p.alt).toBe(true);
      expect(p.width, p.alt).toBeGreaterThan(0);
    }
    // Levels are upscaled nearest-neighbour from one pixel per token: the 1×1 level is a big square.
    const one = await browser.page.$eval('figure[data-tokens="1"] img.level', (el) => {
      const img = el as unknown as { naturalWidth: number; naturalHeight: number };
      return [img.naturalWidth, img.naturalHeight];
    });
    expect(one[0]).toBeGreaterThanOrEqual(100);
    expect(browser.console.filter((l) => l.startsWith('uncaught'))).toEqual([]);
  });

  it('shows the numbers the demo computed', async () => {
    const page = browser.page;
    expect(await page.textContent('#summary [data-field="backend"]')).toBe(result.backend.name);
    for (const im of result.images) {
      const row = `#summary tr[data-image="${im.name}"]`;
      expect(await page.textContent(`${row} [data-field="levels"]`)).toBe(im.levels.map((l) => l.tokens).join('/'));
      expect(await page.textContent(`${row} [data-field="fixed"]`)).toBe(String(im.levels[im.fixedLevel]!.tokens));
      expect(await page.textContent(`${row} [data-field="budget"]`)).toBe(String(im.levels[im.budgetLevel]!.tokens));
      expect(await page.textContent(`${row} [data-field="encode-ms"]`)).toBe(im.encodeMs.toFixed(1));
      const section = `section[data-image="${im.name}"]`;
      expect(await page.$$eval(`${section} [data-field="tokens"]`, (cells) => cells.map((c) => c.textContent))).toEqual(im.levels.map((l) => String(l.tokens)));
      expect(await page.$$eval(`${section} [data-field="coverage"]`, (cells) => cells.map((c) => c.textContent))).toEqual(
        im.levels.map((l) => l.coverage.toFixed(3)),
      );
      expect(await page.$$eval(`${section} figcaption`, (cells) => cells.slice(1).map((c) => c.textContent))).toEqual(
        im.levels.map((l) => `${l.tokens} tokens (${l.rows}×${l.cols})`),
      );
    }
    expect(await page.textContent('[data-field="fixed-total"]')).toBe(String(result.fixed.tokens));
    expect(await page.textContent('[data-field="budget-total"]')).toBe(String(result.budgeted.tokens));
    const m = result.mosaic;
    expect(m.kind).toBe('ran');
    if (m.kind !== 'ran') return;
    for (const s of m.samples) {
      const row = `tr[data-sample="${s.sample.image}"]`;
      expect(await page.textContent(`${row} [data-field="chosen"]`)).toBe(String(s.chosen));
      expect(await page.textContent(`${row} [data-field="p"]`)).toBe(s.probabilities[m.scales.indexOf(s.chosen)]!.toFixed(2));
      expect(await page.textContent(`${row} [data-field="budget-scale"]`)).toBe(String(s.budgetScale));
    }
  });

  it('renders a non-blank page; refreshes the README picture only when asked', async () => {
    mkdirSync(path.dirname(ARTIFACT), { recursive: true });
    await browser.page.screenshot({ path: ARTIFACT, fullPage: true });
    // The screenshot must show the report: a tall page whose pixels vary (not a blank or error page).
    const shot = PNG.sync.read(readFileSync(ARTIFACT));
    expect(shot.width).toBeGreaterThan(400);
    expect(shot.height).toBeGreaterThan(400);
    const colours = new Set<number>();
    for (let i = 0; i < shot.data.length; i += 4 * 97) colours.add(shot.data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(50);
    // docs/report.png is a tracked file: only an explicit request rewrites it.
    if (process.env.MATRYOSHKA_UPDATE_SCREENSHOTS === '1') {
      // Zoomed out so the summary and the first pyramid fit a small picture.
      await browser.page.addStyleTag({ content: 'body { zoom: 0.7 }' });
      await browser.page.screenshot({ path: README_SHOT, clip: { x: 0, y: 0, width: 900, height: 560 } });
    } else {
      console.log('docs/report.png left as committed (MATRYOSHKA_UPDATE_SCREENSHOTS=1 refreshes it)');
    }
  });
});
