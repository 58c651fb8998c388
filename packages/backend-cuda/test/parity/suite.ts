import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBfloat16, fromFloat16, toBfloat16, toFloat16, tokenGrid, type AnyBackend, type PoolingMode } from '@matryoshka/core';
import * as cpu from '@matryoshka/pooling';
import type { ConformanceCapabilities, ConformanceContext } from '@matryoshka/testing/conformance';
import { conformanceTests } from '@matryoshka/testing/conformance/vitest';
import { nodeFixtures } from '@matryoshka/testing/fixtures';
import type { CudaBackend, CudaDType } from '../../src/index.js';
import { gridArb, plannable, relativeError, scalesArb, scalesFor, seeded } from './data.js';

// The cuda backend's tests: the shared conformance suite (@matryoshka/testing), then what only
// cuda has (step-by-step launches, bfloat16, device pointers, its memory cache). The same
// cases run on the host emulation (fake libcuda) and on a real GPU.

/**
 * Conformance cases cuda does not run, each with its reason. None today: every case of the
 * shared suite applies (float16 is declared as a capability below).
 */
export const CUDA_EXCLUSIONS: Readonly<Record<string, string>> = {};

/** Float16 inputs are host arrays of packed halves (`dtype: 'float16'`), uploaded by the backend. */
const CUDA_CAPABILITIES: ConformanceCapabilities = {
  float16: { input: (bits, shape) => ({ data: bits, dtype: 'float16', ...shape }) },
};

/** Relative error allowed per level type: float32 ≤ 1e-5 relative (PyTorch parity); halves by their precision (2^-11, 2^-8). */
export const TOLERANCE: Record<CudaDType, number> = { float32: 1e-5, float16: 1e-3, bfloat16: 8e-3 };

export interface ParityContext {
  /** The backend under test (fused launches). */
  readonly backend: CudaBackend;
  /** The same device with `fuse: false` (one launch per step). */
  readonly stepwise: CudaBackend;
  /** fast-check runs per property. */
  readonly runs: number;
  /** Pyramids built in the memory-growth case. */
  readonly iterations: number;
  /** A fresh backend on the same driver, for the cases that dispose one (disposed again at the end). */
  create(): Promise<CudaBackend>;
}

const halfOf = (t: 'float16' | 'bfloat16') => (t === 'float16' ? { to: toFloat16, from: fromFloat16 } : { to: toBfloat16, from: fromBfloat16 });

export function cudaSuite(ctx: () => ParityContext): void {
  describe('conformance', () => {
    const created: CudaBackend[] = [];
    const conformance = (): ConformanceContext => {
      const { backend, create } = ctx();
      return {
        host: 'cuda',
        backend: backend as AnyBackend,
        reference: cpu.createCpuBackend() as AnyBackend,
        createBackend: async () => {
          const b = await create();
          created.push(b);
          return b as AnyBackend;
        },
        fixtures: nodeFixtures,
        capabilities: CUDA_CAPABILITIES,
        resources: () => backend.liveBuffers,
        settle: () => backend.synchronize(),
      };
    };
    let memo: ConformanceContext | undefined;
    conformanceTests(() => (memo ??= conformance()), CUDA_CAPABILITIES, CUDA_EXCLUSIONS);
    afterAll(() => {
      for (const b of created) b.dispose();
    });
  });

  describe('cuda only', cudaOnly(ctx));
}

function cudaOnly(ctx: () => ParityContext): () => void {
  return () => {
    it('m3 and ceil pyramids match the CPU reference on random shapes, fused and step by step', async () => {
      const { backend, stepwise, runs } = ctx();
      await fc.assert(
        fc.asyncProperty(gridArb(), scalesArb, fc.constantFrom<PoolingMode>('m3', 'ceil'), async (g, ts, mode) => {
          const scales = scalesFor(g, ts);
          fc.pre(plannable(g, scales, mode));
          const expected = cpu.buildPyramid(g, { scales, mode });
          for (const b of [backend, stepwise]) {
            const p = await b.buildPyramid(g, { scales, mode });
            const got = (await p.read()).levels;
            p.dispose();
            got.forEach((level, i) => {
              expect([level.rows, level.cols, level.frames]).toEqual([expected.levels[i]!.rows, expected.levels[i]!.cols, g.frames]);
              expect(relativeError(level.data, expected.levels[i]!.data)).toBeLessThanOrEqual(TOLERANCE.float32);
            });
          }
        }),
        { numRuns: runs },
      );
    });

    it('float16 and bfloat16 inputs and levels: float32 sums, within each type’s precision', async () => {
      const { backend, runs } = ctx();
      const types = fc.constantFrom<CudaDType>('float32', 'float16', 'bfloat16');
      await fc.assert(
        fc.asyncProperty(gridArb({ maxSide: 24 }), scalesArb, types, types, async (g, ts, inType, outType) => {
          const scales = scalesFor(g, ts);
          fc.pre(plannable(g, scales, 'm3'));
          // The reference pools exactly the values the device sees: the input rounded to its type.
          let input: Parameters<CudaBackend['buildPyramid']>[0] = g;
          let exact = g;
          if (inType !== 'float32') {
            const h = halfOf(inType);
            const bits = h.to(g.data);
            input = { data: bits, dtype: inType, frames: g.frames, rows: g.rows, cols: g.cols, channels: g.channels };
            exact = tokenGrid(h.from(bits), g);
          }
          const expected = cpu.buildPyramid(exact, { scales });
          const p = await backend.buildPyramid(input, { scales, outputType: outType });
          expect(p.levels.every((l) => l.dtype === outType && l.byteLength === l.frames * l.rows * l.cols * l.channels * (outType === 'float32' ? 4 : 2))).toBe(
            true,
          );
          const got = (await p.read()).levels;
          p.dispose();
          got.forEach((level, i) => expect(relativeError(level.data, expected.levels[i]!.data)).toBeLessThanOrEqual(TOLERANCE[outType]));
        }),
        { numRuns: runs },
      );
    });

    it('takes device memory as input: a level of one pyramid feeds another, at an offset too', async () => {
      const { backend } = ctx();
      const g = tokenGrid(seeded(2 * 24 * 24 * 12, 7), { frames: 2, rows: 24, cols: 24, channels: 12 });
      const first = await backend.buildPyramid(g, { scales: [576, 144] });
      const full = first.at(576);
      const chained = await backend.buildPyramid(full, { scales: [36, 9, 1] });
      const expected = cpu.buildPyramid(g, { scales: [36, 9, 1] });
      (await chained.read()).levels.forEach((l, i) => expect(relativeError(l.data, expected.levels[i]!.data)).toBeLessThanOrEqual(TOLERANCE.float32));
      // The second frame alone, addressed by byte offset.
      const frameBytes = 24 * 24 * 12 * 4;
      const second = await backend.run('avgPool2d', { pointer: full.pointer, byteOffset: frameBytes, rows: 24, cols: 24, channels: 12 }, { kernel: 2 });
      const ref = cpu.avgPool2d(tokenGrid(g.data.slice(g.data.length / 2), { rows: 24, cols: 24, channels: 12 }), { kernel: 2 });
      expect(relativeError((await second.read()).data, ref.data)).toBeLessThanOrEqual(TOLERANCE.float32);
      // Past the end of the allocation: rejected before any launch.
      await expect(
        backend.run('avgPool2d', { pointer: full.pointer, byteOffset: frameBytes, frames: 2, rows: 24, cols: 24, channels: 12 }, { kernel: 2 }),
      ).rejects.toMatchObject({
        code: 'SHAPE_MISMATCH',
        argument: 'input.pointer',
      });
      for (const x of [second, chained, first]) x.dispose();
    });

    it('rejects bad device-pointer and element-type inputs before allocating or launching anything', async () => {
      const { backend } = ctx();
      const live = backend.liveBuffers;
      const bad: Array<[Promise<unknown>, string, string]> = [
        [backend.buildPyramid({ data: new Uint16Array(4), dtype: 'float8' as never, rows: 2, cols: 2, channels: 1 }), 'INVALID_ARGUMENT', 'input.dtype'],
        [backend.buildPyramid({ pointer: -1n, rows: 2, cols: 2, channels: 1 }), 'INVALID_ARGUMENT', 'input.pointer'],
        [backend.buildPyramid({ pointer: 16n, rows: 2, cols: 2, channels: 1 }), 'INVALID_ARGUMENT', 'input.pointer'],
      ];
      for (const [promise, code, argument] of bad) await expect(promise).rejects.toMatchObject({ name: 'MatryoshkaError', code, argument });
      expect(backend.liveBuffers).toBe(live);
    });

    it('builds and frees pyramids many times without device-memory growth', async () => {
      const { backend, iterations } = ctx();
      const g = tokenGrid(seeded(2 * 12 * 12 * 8, 9), { frames: 2, rows: 12, cols: 12, channels: 8 });
      const live = backend.liveBuffers;
      const warm = await backend.buildPyramid(g, { scales: [144, 36, 9, 1] });
      warm.dispose();
      const cached = backend.cachedBytes;
      for (let i = 0; i < iterations; i++) (await backend.buildPyramid(g, { scales: [144, 36, 9, 1] })).dispose();
      await backend.synchronize();
      expect(backend.liveBuffers).toBe(live);
      expect(backend.cachedBytes).toBe(cached);
    });
  };
}
