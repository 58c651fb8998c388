/**
 * The browser side of the Chromium run: bundled by `bundle.ts` against the packages' built
 * `dist/` files, served by `server.ts`, driven by `chromium.ts`. Runs the same case list as the
 * Node run (the shared conformance suite, then the WebGPU-only cases) in order on `navigator.gpu`
 * and leaves the results on `window` (see `protocol.ts`).
 */
import { createWebGpuBackend, type WebGpuBackend } from '@matryoshka/backend-webgpu';
import { webgpuSuite } from '../portable/suite.js';
import type { FixtureCase, SuiteContext } from '../portable/types.js';
import type { CaseResult, PageInfo, PageState } from './protocol.js';

const state = window as unknown as PageState;
const params = new URLSearchParams(location.search);
const caseTimeoutMs = Number(params.get('caseTimeoutMs') ?? '120000');

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stack = error.stack ?? '';
    // Chromium's stack starts with "Name: message"; keep both when the stack adds frames.
    return stack.includes(error.message) ? stack : `${error.name}: ${error.message}\n${stack}`;
  }
  return String(error);
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function fetchOk(path: string): Promise<Response> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${response.statusText} ${await response.text()}`);
  return response;
}

let manifest: Promise<{ generator: string; cases: FixtureCase[] }> | undefined;
const fixtures: SuiteContext['fixtures'] = {
  manifest() {
    manifest ??= fetchOk('/fixtures/manifest.json').then((r) => r.json() as Promise<{ generator: string; cases: FixtureCase[] }>);
    return manifest;
  },
  async floats(file) {
    const bytes = await (await fetchOk(`/fixtures/${encodeURIComponent(file)}`)).arrayBuffer();
    if (bytes.byteLength % 4 !== 0) throw new Error(`fixture ${file}: ${bytes.byteLength} bytes is not a whole number of float32`);
    // The files are little-endian whatever the host's byte order.
    const view = new DataView(bytes);
    const out = new Float32Array(bytes.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  },
};

function render(info: PageInfo, results: readonly CaseResult[], running?: string): void {
  const rows = results
    .map(
      (r) =>
        `<tr class="${r.ok ? 'ok' : 'fail'}"><td>${r.ok ? 'PASS' : 'FAIL'}</td><td>${escapeHtml(r.name)}</td><td>${r.ms.toFixed(0)} ms</td><td><pre>${escapeHtml(r.error ?? '')}</pre></td></tr>`,
    )
    .join('');
  const passed = results.filter((r) => r.ok).length;
  document.body.innerHTML = `
    <h1>@matryoshka/backend-webgpu — portable suite in Chromium</h1>
    <p>adapter: <b>${escapeHtml(info.adapter ?? '(none)')}</b> (${escapeHtml(info.deviceSource ?? '')})</p>
    <p>adapter features: ${escapeHtml((info.adapterFeatures ?? []).join(', ') || '(none)')}</p>
    ${info.setupError === undefined ? '' : `<pre class="fail">${escapeHtml(info.setupError)}</pre>`}
    <p>${passed} / ${results.length} passed${running === undefined ? '' : `; running ${escapeHtml(running)}…`}</p>
    <table>${rows}</table>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

async function main(): Promise<void> {
  const results: CaseResult[] = [];
  state.__results = results;
  let info: PageInfo = { userAgent: navigator.userAgent };
  let backend: WebGpuBackend;
  try {
    backend = await withTimeout(createWebGpuBackend(), caseTimeoutMs, 'createWebGpuBackend()');
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    info = {
      ...info,
      adapter: backend.adapter,
      deviceSource: backend.deviceSource,
      adapterFeatures: adapter === null ? [] : [...adapter.features].sort(),
      deviceFeatures: [...backend.device.features].sort(),
      maxStorageBufferBindingSize: backend.device.limits.maxStorageBufferBindingSize,
      maxBufferSize: backend.device.limits.maxBufferSize,
    };
    backend.device.addEventListener('uncapturederror', (event) => {
      console.error(`uncaptured WebGPU error on the shared device: ${(event as GPUUncapturedErrorEvent).error.message}`);
    });
  } catch (error) {
    state.__info = { ...info, setupError: describeError(error) };
    render(state.__info, results);
    return;
  }
  state.__info = info;

  const created: WebGpuBackend[] = [];
  const ctx: SuiteContext = {
    host: 'chromium',
    backend,
    createBackend: async (options) => {
      const fresh = await createWebGpuBackend(options);
      created.push(fresh);
      return fresh;
    },
    fixtures,
  };
  for (const testCase of webgpuSuite().cases) {
    state.__current = testCase.name;
    render(info, results, testCase.name);
    const start = performance.now();
    try {
      await withTimeout(
        Promise.resolve().then(() => testCase.run(ctx)),
        caseTimeoutMs,
        testCase.name,
      );
      results.push({ name: testCase.name, ok: true, ms: performance.now() - start });
    } catch (error) {
      results.push({ name: testCase.name, ok: false, error: describeError(error), ms: performance.now() - start });
    }
  }
  delete state.__current;
  for (const b of created) b.dispose();
  backend.dispose();
  render(info, results);
}

main()
  .catch((error: unknown) => {
    state.__info = { ...(state.__info ?? { userAgent: navigator.userAgent }), setupError: describeError(error) };
  })
  .finally(() => {
    state.__done = true;
  });
