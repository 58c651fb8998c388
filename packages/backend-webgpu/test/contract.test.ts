import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_CONTRACT_VERSION, getBackend, tokenGrid } from '@matryoshka/core';
import { createWebGpuBackend, type WebGpuBackend } from '../src/index.js';
import { seededFloats } from '@matryoshka/testing/random';

// Contract version 2 on Dawn (SwiftShader here): the declared version, typed getBackend, partial reads.
const grid = tokenGrid(seededFloats(2 * 24 * 24 * 8, 3), { frames: 2, rows: 24, cols: 24, channels: 8 });
let backend: WebGpuBackend;
beforeAll(async () => {
  backend = await createWebGpuBackend();
});
afterAll(() => backend?.dispose());

describe('webgpu and the backend contract', () => {
  it('declares the contract version, and getBackend("webgpu") is typed WebGpuBackend', async () => {
    expect(backend.contractVersion).toBe(BACKEND_CONTRACT_VERSION);
    const named = await getBackend('webgpu');
    // Typed through BackendMap: `softwareAdapter` exists only on WebGpuBackend.
    expect(typeof named.adapter).toBe('string');
  });

  it('reads a selection of levels with the same numbers as a full read', async () => {
    const p = await backend.buildPyramid(grid, { scales: [576, 144, 36, 9, 1] });
    const all = await p.read();
    const some = await p.read({ tokens: [1, 36] });
    expect(some.levels.map((l) => l.plan.tokens)).toEqual([36, 1]);
    expect(some.at(36).data).toEqual(all.at(36).data);
    expect(some.at(1).data).toEqual(all.at(1).data);
    await expect(p.read({ tokens: [7] })).rejects.toMatchObject({ code: 'LEVEL_NOT_FOUND', argument: 'selection.tokens[0]' });
    p.dispose();
    await expect(p.read({ tokens: [9] })).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
