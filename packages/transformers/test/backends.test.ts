/**
 * Pooling runs on any registry backend: the webgpu backend (Dawn on SwiftShader here) gives the
 * same pooled features as the cpu backend, and the package's entry bundles for a browser with no
 * Node built-in.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBackends } from '@matryoshka/core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMatryoshka } from '../src/index.js';
import { IMAGE_TOKEN, TINY_LLAVA, writeVlmFolder } from '../src/testing/index.js';
import { blockNetwork, loadVlm, testImage, type LoadedVlm } from './support/load-folder.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
let root = '';
let vlm: LoadedVlm;

beforeAll(async () => {
  blockNetwork();
  root = await mkdtemp(join(tmpdir(), 'matryoshka-backends-'));
  vlm = await loadVlm((await writeVlmFolder(join(root, 'llava'), TINY_LLAVA)).dir);
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** The pooled features `prepare` left for the prefill, read back through the hook itself. */
async function pooledFeatures(backend: 'cpu' | 'webgpu', tokens: number): Promise<Float32Array> {
  const adapter = withMatryoshka(vlm.model, vlm.processor, { backend });
  try {
    const inputs = await adapter.prepare({ text: `${IMAGE_TOKEN}\nWhat is it?`, images: [testImage(200, 300, 5)], tokens });
    expect(inputs.visualTokens).toEqual([tokens]);
    const features = await vlm.model.encode_image({ pixel_values: inputs.pixel_values });
    expect(features.dims).toEqual([1, tokens, TINY_LLAVA.text.hidden]);
    return features.data as Float32Array;
  } finally {
    adapter.dispose();
  }
}

describe('pooling backends', () => {
  const dawn = existsSync(SWIFTSHADER) || process.env.MATRYOSHKA_WEBGPU_REAL === '1';
  it.skipIf(!dawn)('webgpu pools the image features like cpu (≤ 1e-5 relative)', async () => {
    await import('@matryoshka/backend-webgpu');
    const status = (await listBackends()).find((b) => b.name === 'webgpu');
    expect(status?.available, status?.reason).toBe(true);
    for (const tokens of [144, 36, 9, 1]) {
      const cpu = await pooledFeatures('cpu', tokens);
      const gpu = await pooledFeatures('webgpu', tokens);
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < cpu.length; i++) {
        worst = Math.max(worst, Math.abs(cpu[i]! - gpu[i]!));
        scale = Math.max(scale, Math.abs(cpu[i]!));
      }
      expect(worst / scale).toBeLessThanOrEqual(1e-5);
    }
  });
  if (!dawn) console.log(`skipped the webgpu pooling test: no SwiftShader Vulkan driver at ${SWIFTSHADER} (apt-get install chromium libvulkan1)`);

  it("an unknown backend name is refused with the registry's coded error", async () => {
    const adapter = withMatryoshka(vlm.model, vlm.processor, { backend: 'tpu' });
    try {
      await expect(adapter.prepare({ text: `${IMAGE_TOKEN}`, images: [testImage(8, 8)], tokens: 9 })).rejects.toMatchObject({ code: 'BACKEND_NOT_FOUND' });
    } finally {
      adapter.dispose();
    }
    expect(() => withMatryoshka(vlm.model, vlm.processor, { backend: 42 as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'options.backend' }),
    );
  });
});

describe('browser bundle', () => {
  it('the entry bundles for the browser without any Node built-in', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      // The peer stays external, as in an app that installs it; workspace packages are bundled from source.
      external: ['@huggingface/transformers'],
      alias: {
        '@matryoshka/core/backend': fileURLToPath(new URL('../../core/src/backend-kit/index.ts', import.meta.url)),
        '@matryoshka/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)),
        '@matryoshka/pooling': fileURLToPath(new URL('../../pooling/src/index.ts', import.meta.url)),
      },
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:|require\(["'](fs|path|os|node:)/);
  });
});
