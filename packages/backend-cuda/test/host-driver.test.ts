import { afterEach, describe, expect, it } from 'vitest';
import { tokenGrid } from '@matryoshka/core';
import { createCudaBackend } from '../src/index.js';
import { PTX_KERNELS } from '../src/kernels/ptx.js';
import { fakeLibcuda } from './host/fake-libcuda.js';
import { seeded } from './parity/data.js';

// The koffi binding of the driver API, end to end against the fake libcuda: what the backend
// reads from the driver, and how driver failures reach the caller.
const fake = fakeLibcuda();
const grid = tokenGrid(seeded(24 * 24 * 8, 2), { rows: 24, cols: 24, channels: 8 });

if (typeof fake === 'string') {
  console.log(`fake libcuda tests skipped: ${fake}`);
  it.skip(`fake libcuda (${fake})`, () => undefined);
} else {
  describe('the driver binding (koffi → fake libcuda)', () => {
    afterEach(() => fake.reset());

    it('reads the device and releases everything on dispose', async () => {
      fake.reset();
      const before = { refs: fake.contextRefs(), modules: fake.modules(), streams: fake.streams(), live: fake.liveAllocations() };
      const b = await createCudaBackend({ library: fake.path, cacheBytes: 1 << 20 });
      expect(b.device).toMatchObject({
        ordinal: 0,
        name: 'Fake CUDA device 0 (host emulation)',
        computeCapability: '7.5',
        driverVersion: '13.0',
        maxSharedBytes: 48 * 1024,
      });
      expect(b.library).toBe(fake.path);
      expect(fake.contextRefs()).toBe(before.refs + 1);
      const p = await b.buildPyramid(grid);
      expect(p.levels.map((l) => typeof l.pointer)).toEqual(['bigint', 'bigint', 'bigint', 'bigint', 'bigint']);
      p.dispose();
      expect(b.cachedBytes).toBeGreaterThan(0);
      b.dispose();
      expect(b.disposed).toBe(true);
      expect({ refs: fake.contextRefs(), modules: fake.modules(), streams: fake.streams(), live: fake.liveAllocations() }).toEqual(before);
      await expect(b.buildPyramid(grid)).rejects.toMatchObject({ code: 'DISPOSED' });
    });

    it('one fused launch for a whole default pyramid, whose input is uploaded once', async () => {
      const b = await createCudaBackend({ library: fake.path });
      const launches = fake.launches();
      const p = await b.buildPyramid(grid);
      expect(fake.launches() - launches).toBe(1);
      p.dispose();
      b.dispose();
    });

    it('explains a driver too old for the PTX, with the JIT log', async () => {
      fake.fail('cuModuleLoadDataEx', 222);
      const refs = fake.contextRefs();
      const error = await createCudaBackend({ library: fake.path }).catch((e: Error) => e);
      expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
      // The minimum the message names is the one the committed PTX declares (ISA 6.3: CUDA 10.0, R410).
      expect((error as Error).message).toMatch(/PTX ISA 6\.3, which needs a driver for CUDA 10\.0 or newer \(R410\+, and at least what .+ itself needs\)/);
      expect((error as Error).message).toMatch(/CUDA_ERROR_UNSUPPORTED_PTX_VERSION/);
      expect((error as Error).message).toMatch(/JIT log: ptxas application ptx input/);
      expect(fake.contextRefs()).toBe(refs);
    });

    it('reports a PTX JIT failure with the JIT log', async () => {
      fake.fail('cuModuleLoadDataEx', 218);
      const error = await createCudaBackend({ library: fake.path }).catch((e: Error) => e);
      expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
      expect((error as Error).message).toMatch(/JIT compilation of the kernels .* failed .*CUDA_ERROR_INVALID_PTX \(a PTX JIT compilation failed\); JIT log: /);
    });

    it('reports no device, and an ordinal out of range', async () => {
      fake.reset(0);
      await expect(createCudaBackend({ library: fake.path })).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        message: expect.stringMatching(/no CUDA device.*CUDA_ERROR_NO_DEVICE/),
      });
      fake.reset(2);
      await expect(createCudaBackend({ library: fake.path, device: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.device' });
      const second = await createCudaBackend({ library: fake.path, device: 1 });
      expect(second.device.ordinal).toBe(1);
      second.dispose();
    });

    it('a failed launch surfaces the CUDA error name and message, frees what the call allocated, and marks the context lost', async () => {
      const b = await createCudaBackend({ library: fake.path, cacheBytes: 0 });
      const live = fake.liveAllocations();
      fake.fail('cuLaunchKernel', 719);
      const error = await b.buildPyramid(grid).catch((e: Error) => e);
      expect(error).toMatchObject({ code: 'DEVICE_ERROR' });
      expect((error as Error).message).toBe('cuda: cuLaunchKernel(matryoshka_pyramid_f32_f32) failed: CUDA_ERROR_LAUNCH_FAILED (unspecified launch failure)');
      expect(fake.liveAllocations()).toBe(live);
      expect(b.disposed).toBe(true);
      await expect(b.buildPyramid(grid)).rejects.toMatchObject({ code: 'DEVICE_ERROR', message: expect.stringMatching(/unusable after cuLaunchKernel/) });
      b.dispose();
    });

    it('a failed allocation is a DEVICE_ERROR that leaves the backend usable', async () => {
      const b = await createCudaBackend({ library: fake.path, cacheBytes: 0 });
      const live = fake.liveAllocations();
      fake.fail('cuMemAlloc_v2', 2, 2);
      await expect(b.buildPyramid(grid)).rejects.toMatchObject({
        code: 'DEVICE_ERROR',
        message: expect.stringMatching(/cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY \(out of memory\)/),
      });
      expect(fake.liveAllocations()).toBe(live);
      expect(b.liveBuffers).toBe(0);
      const p = await b.buildPyramid(grid);
      expect((await p.read()).levels).toHaveLength(5);
      p.dispose();
      b.dispose();
    });

    it('every kernel the PTX defines exists in the emulation', async () => {
      expect(PTX_KERNELS).toHaveLength(18);
      const b = await createCudaBackend({ library: fake.path });
      for (const type of ['float32', 'float16', 'bfloat16'] as const) {
        const p = await b.buildPyramid(grid, { scales: [144, 9], outputType: type });
        p.dispose();
      }
      b.dispose();
    });
  });
}
