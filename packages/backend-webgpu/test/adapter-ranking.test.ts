import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeBackends, getBackend, listBackends, selectBackend, tokenGrid } from '@matryoshka/core';
import '@matryoshka/pooling'; // registers cpu
import { createWebGpuBackend, type WebGpuBackend } from '../src/index.js'; // registers webgpu
import { softwareAdapter } from '../src/device/acquire.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function fakeAdapter(info: Record<string, unknown>, isFallbackAdapter?: boolean): GPUAdapter {
  return { info, ...(isFallbackAdapter === undefined ? {} : { isFallbackAdapter }) } as unknown as GPUAdapter;
}

describe('software adapters', () => {
  it('are recognised by name or by the fallback flag, hardware is not', () => {
    expect(
      softwareAdapter(fakeAdapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' }), 'google swiftshader'),
    ).toMatch(/software adapter/);
    expect(softwareAdapter(fakeAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }), 'llvmpipe')).toMatch(/software adapter/);
    expect(softwareAdapter(fakeAdapter({ vendor: 'mesa', device: 'lavapipe' }), 'lavapipe')).toMatch(/software adapter/);
    expect(softwareAdapter(fakeAdapter({ vendor: 'x', isFallbackAdapter: true }), 'x')).toMatch(/fallback adapter/);
    expect(softwareAdapter(fakeAdapter({ vendor: 'x' }, true), 'x')).toMatch(/fallback adapter/);
    expect(softwareAdapter(fakeAdapter({ vendor: 'nvidia', architecture: 'ada', description: 'NVIDIA GeForce RTX 4090' }), 'nvidia')).toBeUndefined();
    expect(softwareAdapter(fakeAdapter({ vendor: 'apple', architecture: 'metal-3', isFallbackAdapter: false }), 'apple')).toBeUndefined();
  });

  describe('in the registry (Dawn: SwiftShader in CI, a real GPU elsewhere)', () => {
    afterAll(() => disposeBackends());

    it('rank a software webgpu below cpu unless asked for by name', async () => {
      let probe: WebGpuBackend;
      try {
        probe = await createWebGpuBackend();
      } catch (error) {
        // The Node suite (node.test.ts) fails loudly without an adapter; this test needs one too.
        throw new Error(`no WebGPU adapter for the ranking test: ${(error as Error).message}`);
      }
      const software = probe.softwareAdapter;
      console.log(`adapter: ${probe.adapter}; software: ${software ?? 'no'}`);
      probe.dispose();

      const chosen = await selectBackend();
      const list = await listBackends();
      if (software !== undefined) {
        expect(chosen.backend.name).toBe('cpu');
        expect(chosen.skipped).toContainEqual(expect.objectContaining({ name: 'webgpu', available: true, demoted: true }));
        const webgpu = list.find((s) => s.name === 'webgpu');
        expect(webgpu).toMatchObject({ available: true, demoted: true });
        expect(webgpu?.reason).toMatch(/software adapter.*getBackend\('webgpu'\)/);
        expect(list.at(-1)?.name).toBe('webgpu');
      } else {
        expect(chosen.backend.name).toBe('webgpu');
        expect(list.find((s) => s.name === 'webgpu')).toEqual({ name: 'webgpu', priority: 10, available: true });
      }
      // By name, alone or in a list, it is always served (how CI's tests reach SwiftShader).
      expect((await getBackend('webgpu')).name).toBe('webgpu');
      expect((await getBackend(['webgpu', 'cpu'])).name).toBe('webgpu');
    });
  });
});

describe('a disposed pyramid', () => {
  it('refuses at() instead of handing out a destroyed buffer', async () => {
    const backend = await createWebGpuBackend();
    try {
      const grid = tokenGrid(new Float32Array(4 * 4 * 2).fill(1), { rows: 4, cols: 4, channels: 2 });
      const pyramid = await backend.buildPyramid(grid, { scales: [4, 1] });
      expect(pyramid.at(4).rows).toBe(2);
      pyramid.dispose();
      expect(() => pyramid.at(4)).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    } finally {
      backend.dispose();
    }
  });
});

describe('Dawn', () => {
  it('prints the Vulkan loader warnings once per process, not on every retry', () => {
    const attempt = (n: number) => {
      const script = `import { getBackend } from '@matryoshka/core'; import '@matryoshka/backend-webgpu';
        for (let i = 0; i < ${n}; i++) await getBackend('webgpu').then(() => console.log('adapter'), (e) => console.log(e.code));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' },
      });
      expect(run.stdout.trim().split('\n')).toEqual(Array(n).fill('BACKEND_UNAVAILABLE'));
      return run.stderr.split('\n').filter((l) => l.startsWith('Warning:')).length;
    };
    expect(attempt(3)).toBe(attempt(1));
  });
});

describe('the browser build (export condition "browser")', () => {
  const browserBuild = `${root}/dist/browser/index.js`;

  it('never imports Dawn, so a bundler needs no `webgpu` package', async () => {
    expect(existsSync(browserBuild), 'build the package first (turbo runs build before test)').toBe(true);
    for (const file of [browserBuild, `${root}/dist/browser/index.cjs`])
      expect(readFileSync(file, 'utf8')).not.toMatch(/(import|require)\(\s*["']webgpu["']\s*\)/);
    // A browser bundle of the package, as Vite or webpack would make it; `webgpu` must not be resolved.
    const result = await build({
      stdin: { contents: "import { createWebGpuBackend } from '@matryoshka/backend-webgpu'; console.log(createWebGpuBackend);", resolveDir: root },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
      external: [],
      plugins: [
        {
          name: 'no-dawn',
          setup: (b) => b.onResolve({ filter: /^webgpu$/ }, () => ({ errors: [{ text: 'the browser bundle imports webgpu (Dawn for Node)' }] })),
        },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).toContain('no navigator.gpu');
  });

  it('says why there is no device in a browser without WebGPU', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createWebGpuBackend } from ${JSON.stringify(browserBuild)}; await createWebGpuBackend().catch((e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const error = JSON.parse(out.trim()) as { code: string; message: string };
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(/^webgpu: no navigator\.gpu: .*browser has no WebGPU/);
  });
});
