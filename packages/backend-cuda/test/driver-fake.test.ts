import { describe, expect, it } from 'vitest';
import { tokenGrid } from '@matryoshka/core';
import { createCudaBackend } from '../src/index.js';
import { FakeDriver } from './fake-driver.js';
import { seeded } from './parity/data.js';

// Host-side behaviour with a recording driver in JavaScript: no kernel runs, every call is seen.
const grid = tokenGrid(seeded(2 * 24 * 24 * 64, 5), { frames: 2, rows: 24, cols: 24, channels: 64 });

describe('host side, with a recording fake driver', () => {
  it('10,000 pyramids and ops: no growth of device memory, every buffer freed on dispose', async () => {
    const driver = new FakeDriver();
    const b = await createCudaBackend({ driver });
    for (let i = 0; i < 10_000; i++) {
      const p = await b.buildPyramid(grid, { scales: [144, 36, 9, 1] });
      p.dispose();
      if (i % 10 === 0) (await b.run('avgPool2d', grid, { kernel: 3 })).dispose();
    }
    expect(driver.launches.length).toBe(11_000);
    expect(b.liveBuffers).toBe(0);
    // The first call's blocks are reused by every later one: the driver saw the first call's allocations only.
    expect(driver.allocations).toBeLessThanOrEqual(8);
    expect(driver.peakLive).toBeLessThanOrEqual(8);
    b.dispose();
    expect(driver.memory.size).toBe(0);
    expect(driver.contextRefs).toBe(0);
  });

  it('at() on a disposed pyramid throws DISPOSED instead of handing out freed memory', async () => {
    const b = await createCudaBackend({ driver: new FakeDriver() });
    const p = await b.buildPyramid(grid, { scales: [36, 1] });
    expect(p.at(36).rows).toBe(6);
    p.dispose();
    expect(() => p.at(36)).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    b.dispose();
  });

  it('without the cache, memory goes back to the driver on every dispose', async () => {
    const driver = new FakeDriver();
    const b = await createCudaBackend({ driver, cacheBytes: 0 });
    for (let i = 0; i < 1000; i++) (await b.buildPyramid(grid)).dispose();
    expect(driver.memory.size).toBe(0);
    expect(b.cachedBytes).toBe(0);
    b.dispose();
  });

  it('checks every argument before any driver call', async () => {
    const driver = new FakeDriver();
    const b = await createCudaBackend({ driver });
    const before = driver.calls.length;
    await expect(b.buildPyramid(grid, { mode: 'nearest' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.mode' });
    await expect(b.buildPyramid(grid, { nonFinite: 'ignore' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.nonFinite' });
    await expect(b.buildPyramid({ rows: 24, cols: 24, channels: 64 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'input.data' });
    await expect(b.buildPyramid({ pointer: 1n << 40n, rows: 0, cols: 2, channels: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'input.rows',
    });
    await expect(b.run('maxPool2d', grid, { kernel: [2, 0] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.kernel[1]' });
    await expect(b.run('avgPool3d', grid, { temporalKernel: 3, kernel: 2 })).rejects.toMatchObject({ code: 'KERNEL_TOO_LARGE' });
    expect(driver.calls.slice(before)).toEqual([]);
    // A device pointer is checked against its allocation, and nothing else happens.
    await expect(b.buildPyramid({ pointer: 1n << 40n, rows: 2, cols: 2, channels: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'input.pointer',
    });
    expect(driver.calls.slice(before)).toEqual(['cuMemGetAddressRange_v2']);
    b.dispose();
  });

  it('launch geometry: one fused launch for 64×24×24×4096, 32 channels × 8 cells per block', async () => {
    const driver = new FakeDriver();
    const b = await createCudaBackend({ driver });
    const big = await b.buildPyramid(
      { pointer: driver.memAlloc(64 * 576 * 4096 * 2), dtype: 'float16', frames: 64, rows: 24, cols: 24, channels: 4096 },
      { scales: [144, 36, 9, 1] },
    );
    expect(driver.launches).toHaveLength(1);
    expect(driver.launches[0]).toMatchObject({
      kernel: 'matryoshka_pyramid_f16_f16',
      grid: [128, 64, 1],
      block: [32, 8, 1],
      sharedBytes: (144 + 36 + 9) * 32 * 4,
    });
    big.dispose();
    b.dispose();
  });

  it('a sticky launch error marks the backend lost; the registry would create a fresh one', async () => {
    const driver = new FakeDriver();
    const b = await createCudaBackend({ driver });
    driver.failNext('cuLaunchKernel', 700);
    await expect(b.buildPyramid(grid)).rejects.toMatchObject({
      code: 'DEVICE_ERROR',
      message: expect.stringMatching(/CUDA_ERROR_ILLEGAL_ADDRESS \(an illegal memory access was encountered\)/),
    });
    expect(b.disposed).toBe(true);
    await expect(b.run('avgPool2d', grid, { kernel: 2 })).rejects.toMatchObject({ code: 'DEVICE_ERROR' });
    b.dispose();
    expect(driver.contextRefs).toBe(0);
  });

  it('options are checked before the driver is touched', async () => {
    await expect(createCudaBackend({ device: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.device' });
    await expect(createCudaBackend({ cacheBytes: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.cacheBytes' });
    await expect(createCudaBackend({ driver: {} as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.driver' });
  });
});
