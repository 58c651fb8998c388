/**
 * Headless Debian Chromium (never a downloaded browser) through playwright-core, with WebGPU on
 * SwiftShader, a fresh profile per launch, with the flags every browser test shares (testing/chromium.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '@matryoshka/testing/chromium';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export { chromiumArgs, chromiumPath };

/** Why a browser test cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(chromiumPath) ? undefined : `${chromiumPath} not found (apt-get install chromium, or set MATRYOSHKA_CHROMIUM)`;
}

export interface Chromium {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors/warnings and uncaught exceptions, as they came. */
  readonly console: string[];
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Chromium> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'matryoshka-chromium-'));
  const runtimeDir = path.join(scratch, 'xdg-runtime');
  await mkdir(runtimeDir, { mode: 0o700 }); // the Vulkan loader wants a 0700 XDG_RUNTIME_DIR
  const env: Record<string, string> = { ...(process.env as Record<string, string>), XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? runtimeDir };
  // CI sets this globally; a local run needs it for SwiftShader's Vulkan driver to be found.
  if (env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // playwright takes the fresh profile as launchPersistentContext's argument, not as --user-data-dir.
  const context = await chromium.launchPersistentContext(path.join(scratch, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    env,
    viewport,
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleLines.push(`uncaught in page: ${e.stack ?? e.message}`));
  return {
    context,
    page,
    console: consoleLines,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
