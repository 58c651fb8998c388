import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { ErrorCode, isMatryoshkaError } from '@matryoshka/core';
import { loadEncoder } from '../src/index.js';
import { expectRejection, relativeError, tempDir } from './helpers.js';

const cacheDir = tempDir('providers');
// A small input keeps the WebGPU run short on SwiftShader (a CPU emulating a GPU).
const options = { ort, cacheDir, imageSize: 64 } as const;
const pixels = new Float32Array(3 * 64 * 64).map((_, i) => Math.sin(i * 0.01));

describe('execution providers, each tried on its own', () => {
  it("falls back from 'cuda' (not in onnxruntime-node's npm package) to 'cpu' and says why", async () => {
    const encoder = await loadEncoder(undefined, { ...options, executionProviders: ['cuda', 'cpu'] });
    expect(encoder.executionProvider).toBe('cpu');
    expect(encoder.providerAttempts.map((a) => [a.provider, a.ok])).toEqual([
      ['cuda', false],
      ['cpu', true],
    ]);
    expect(encoder.providerAttempts[0]!.error).toMatch(/\S/);
    await encoder.dispose();
  });

  it('rejects with BACKEND_UNAVAILABLE, every reason listed, when no provider opens', async () => {
    const error = await expectRejection(
      loadEncoder(undefined, { ...options, executionProviders: ['cuda', 'no-such-provider'] }),
      ErrorCode.BackendUnavailable,
      'options.executionProviders',
    );
    expect(error.message).toContain('cuda:');
    expect(error.message).toContain('no-such-provider:');
  });

  it('runs on WebGPU (Dawn inside onnxruntime-node) where an adapter exists, matching the CPU', async (ctx) => {
    let gpu;
    try {
      gpu = await loadEncoder(undefined, { ...options, executionProviders: ['webgpu'] });
    } catch (error) {
      if (isMatryoshkaError(error) && error.code === ErrorCode.BackendUnavailable) {
        ctx.skip(`no WebGPU adapter here (set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json on Linux without a GPU): ${error.message}`);
      }
      throw error;
    }
    const cpu = await loadEncoder(undefined, options);
    const [a] = await gpu.encodePixels(pixels);
    const [b] = await cpu.encodePixels(pixels);
    expect(gpu.executionProvider).toBe('webgpu');
    expect(relativeError(a!.data, b!.data)).toBeLessThan(1e-4);
    await Promise.all([gpu.dispose(), cpu.dispose()]);
  });
});
