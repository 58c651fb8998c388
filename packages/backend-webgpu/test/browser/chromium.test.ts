/**
 * The WebGPU suite (`test/portable/suite.ts`: the shared conformance cases, then the WebGPU-only ones) in a real browser: headless Debian Chromium with
 * WebGPU on SwiftShader, loading the BUILT package (`dist/`). One test per case.
 * Skipped, with the reason printed, where `/usr/bin/chromium` is missing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuSuite } from '../portable/suite.js';
import { FIXTURE_DIR } from '@matryoshka/testing/fixtures';
import { bundlePage } from './bundle.js';
import { chromiumPath, runPageInChromium, type PageRun } from './chromium.js';
import { startServer, type StaticServer } from './server.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const screenshotPath = path.join(packageDir, 'test-artifacts', 'chromium.png');
const fixturesDir = existsSync(FIXTURE_DIR) ? FIXTURE_DIR : undefined;

const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  console.warn(
    `[backend-webgpu] skipping the Chromium run of the portable suite: ${chromiumPath} is missing. ` +
      "Install Debian's browser (apt-get install -y chromium libvulkan1) or set MATRYOSHKA_CHROMIUM to a Chromium binary.",
  );
}

const caseNames = webgpuSuite().cases.map((c) => c.name);

describe.skipIf(!haveChromium)('portable suite in headless Chromium (WebGPU, built package)', () => {
  let server: StaticServer | undefined;
  let run: PageRun;

  beforeAll(async () => {
    const bundle = await bundlePage();
    if (bundle.sourceInputs.length > 0) {
      console.warn(`[backend-webgpu] the browser bundle takes these files from sources, not dist/: ${bundle.sourceInputs.join(', ')}`);
    }
    // The point of this run: the package as built, not as written.
    expect(bundle.inputs).toContain('packages/backend-webgpu/dist/index.js');
    if (fixturesDir === undefined) console.warn('[backend-webgpu] no fixtures folder found (set MATRYOSHKA_FIXTURES): fixture cases will fail');
    server = await startServer({ bundle: bundle.code, fixturesDir });
    run = await runPageInChromium({
      url: server.url,
      screenshotPath,
      onConsole: (line) => console.warn(`[chromium] ${line}`),
    });
    const { info } = run;
    const passed = run.results.filter((r) => r.ok).length;
    console.info(
      [
        `[chromium] ${info?.userAgent ?? '?'}`,
        `[chromium] adapter: ${info?.adapter ?? '(none)'} (${info?.deviceSource ?? '?'})`,
        `[chromium] adapter features: ${info?.adapterFeatures?.join(', ') || '(none)'}`,
        `[chromium] device limits: maxStorageBufferBindingSize ${info?.maxStorageBufferBindingSize}, maxBufferSize ${info?.maxBufferSize}`,
        `[chromium] ${passed}/${run.results.length} cases passed in ${run.wallMs.toFixed(0)} ms (browser start included); screenshot: ${path.relative(packageDir, screenshotPath)}`,
        ...run.results.map((r) => `[chromium]   ${r.ok ? 'pass' : 'FAIL'} ${r.name} (${r.ms.toFixed(0)} ms)${r.ok ? '' : `: ${r.error?.split('\n')[0]}`}`),
      ].join('\n'),
    );
  }, 600_000);

  afterAll(async () => {
    await server?.close();
  });

  it('gets a WebGPU device from navigator.gpu in the page', () => {
    expect(run.info?.setupError, 'creating the backend in the page failed').toBeUndefined();
    expect(run.info?.deviceSource).toBe('navigator');
    expect(run.info?.adapter).toBeTruthy();
  });

  it('runs every case once, in order', () => {
    expect(new Set(caseNames).size, 'case names must be unique').toBe(caseNames.length);
    expect(run.results.map((r) => r.name)).toEqual(caseNames);
  });

  it.each(caseNames)('%s', (name) => {
    const result = run.results.find((r) => r.name === name);
    if (result === undefined) throw new Error(`${name} did not run in the page${run.info?.setupError === undefined ? '' : `: ${run.info.setupError}`}`);
    if (!result.ok) throw new Error(`${name} failed in chromium:\n${result.error ?? '(no message)'}`);
  });
});
