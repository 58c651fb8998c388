/**
 * Drives Debian's Chromium (never a downloaded browser) headless through playwright-core, with
 * WebGPU on SwiftShader, through the page `server.ts` serves, and returns what the page reported.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '@matryoshka/testing/chromium';
import type { CaseResult, PageInfo, PageState } from './protocol.js';

export { chromiumArgs, chromiumPath };

export interface PageRun {
  readonly info: PageInfo | undefined;
  readonly results: readonly CaseResult[];
  /** The browser's version string. */
  readonly version: string;
  /** Errors and warnings the page logged, uncaught exceptions included. */
  readonly console: readonly string[];
  readonly wallMs: number;
}

export interface RunOptions {
  readonly url: string;
  readonly executablePath?: string;
  /** For the whole page (every case); default 540 s. */
  readonly timeoutMs?: number;
  /** Per case, in the page; default 120 s. */
  readonly caseTimeoutMs?: number;
  /** Where to save a full-page screenshot (also after a failure), if anywhere. */
  readonly screenshotPath?: string;
  /** Called with each console error or warning as it comes. */
  readonly onConsole?: (line: string) => void;
}

export async function runPageInChromium(options: RunOptions): Promise<PageRun> {
  const started = performance.now();
  // A fresh profile each run (playwright takes it as launchPersistentContext's argument, not as --user-data-dir).
  const scratch = await mkdtemp(path.join(tmpdir(), 'matryoshka-chromium-'));
  const userDataDir = path.join(scratch, 'profile');
  const runtimeDir = path.join(scratch, 'xdg-runtime');
  await mkdir(runtimeDir, { mode: 0o700 });
  const consoleLines: string[] = [];
  const note = (line: string) => {
    consoleLines.push(line);
    options.onConsole?.(line);
  };
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: options.executablePath ?? chromiumPath,
    headless: true,
    args: chromiumArgs,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? runtimeDir },
    viewport: { width: 1280, height: 800 },
    timeout: 60_000,
  });
  try {
    const version = context.browser()?.version() ?? 'unknown';
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') note(`console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => note(`uncaught in page: ${error.stack ?? error.message}`));
    page.on('crash', () => note('the page crashed'));
    const url = new URL(options.url);
    url.searchParams.set('caseTimeoutMs', String(options.caseTimeoutMs ?? 120_000));
    await page.goto(url.href, { waitUntil: 'load' });
    const timeoutMs = options.timeoutMs ?? 540_000;
    try {
      await page.waitForFunction(() => (window as unknown as PageState).__done === true, undefined, { timeout: timeoutMs, polling: 100 });
    } catch (error) {
      const partial = await page
        .evaluate(() => {
          const s = window as unknown as PageState;
          return { current: s.__current, finished: s.__results?.length ?? 0 };
        })
        .catch(() => undefined);
      const where = partial === undefined ? 'the page is gone' : `${partial.finished} cases finished, running: ${partial.current ?? '(none)'}`;
      throw new Error(`the page did not finish in ${timeoutMs} ms (${where}): ${(error as Error).message}`);
    } finally {
      if (options.screenshotPath !== undefined) {
        await mkdir(path.dirname(options.screenshotPath), { recursive: true });
        await page.screenshot({ path: options.screenshotPath, fullPage: true }).catch((error: unknown) => note(`screenshot failed: ${String(error)}`));
      }
    }
    const state = await page.evaluate(() => {
      const s = window as unknown as PageState;
      return { info: s.__info, results: s.__results ?? [] };
    });
    return { ...state, version, console: consoleLines, wallMs: performance.now() - started };
  } finally {
    await context.close().catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
}
