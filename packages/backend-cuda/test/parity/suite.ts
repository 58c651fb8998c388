import fc from 'fast-check';
import { expect, it } from 'vitest';
import { fromBfloat16, fromFloat16, toBfloat16, toFloat16, tokenGrid, type PoolingMode, type PoolingOpName, type TokenGrid } from '@matryoshka/core';
import * as cpu from '@matryoshka/pooling';
import type { CudaBackend, CudaDType } from '../../src/index.js';
import { fixtureOp, fixturePyramid } from '../../../../testing/fixture-requests.js';
import { loadFloats, loadManifest } from '../../../../testing/fixtures.js';
import { gridArb, plannable, relativeError, scalesArb, scalesFor, seeded } from './data.js';

// The parity suite: the cuda backend against the CPU reference (@matryoshka/pooling) and the
// PyTorch fixtures. The same cases run on the host emulation (fake libcuda) and on a real GPU.

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
}

type OpCall = { op: PoolingOpName; options: Record<string, unknown> };

const reference = (g: TokenGrid, { op, options }: OpCall): TokenGrid => (cpu[op] as (grid: TokenGrid, o: unknown) => TokenGrid)(g, options);

async function read(b: CudaBackend, g: Parameters<CudaBackend['run']>[1], call: OpCall): Promise<TokenGrid> {
  const out = await b.run(call.op, g, call.options);
  try {
    return await out.read();
  } finally {
    out.dispose();
  }
}

/** Random op calls that fit a grid. */
const opCalls = (g: TokenGrid): fc.Arbitrary<OpCall> => {
  const k = fc.integer({ min: 1, max: Math.max(1, Math.min(g.rows, g.cols, 6)) });
  const size = (n: number) => fc.integer({ min: 1, max: n + 2 });
  return fc.oneof(
    k.map((kernel) => ({ op: 'avgPool2d' as const, options: { kernel } })),
    fc.tuple(fc.integer({ min: 1, max: g.rows }), fc.integer({ min: 1, max: g.cols })).map((kernel) => ({ op: 'avgPool2d' as const, options: { kernel, ceilMode: true } })),
    fc.tuple(k, fc.integer({ min: 1, max: 3 })).map(([kernel, stride]) => ({ op: 'avgPool2d' as const, options: { kernel, stride } })),
    fc.tuple(k, fc.boolean()).map(([kernel, ceilMode]) => ({ op: 'maxPool2d' as const, options: { kernel, ceilMode } })),
    fc.tuple(size(g.rows), size(g.cols)).map(([rows, cols]) => ({ op: 'adaptiveAvgPool2d' as const, options: { rows, cols } })),
    fc.tuple(size(g.rows), size(g.cols)).map(([rows, cols]) => ({ op: 'bilinearResize' as const, options: { rows, cols } })),
    fc.tuple(fc.integer({ min: 1, max: g.frames }), k).map(([temporalKernel, kernel]) => ({ op: 'avgPool3d' as const, options: { temporalKernel, kernel } })),
    fc
      .tuple(fc.integer({ min: 1, max: g.rows }), fc.integer({ min: 1, max: g.cols }), fc.constantFrom('center', 'start'))
      .map(([rows, cols, anchor]) => ({ op: 'spatialSample' as const, options: { rows, cols, anchor } })),
    fc.integer({ min: 1, max: g.rows * g.cols }).map((tokens) => ({ op: 'sequentialSample' as const, options: { tokens } })),
  );
};

const halfOf = (t: 'float16' | 'bfloat16') => (t === 'float16' ? { to: toFloat16, from: fromFloat16 } : { to: toBfloat16, from: fromBfloat16 });

export function paritySuite(ctx: () => ParityContext): void {
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

  it('adaptive and bilinear pyramids match the CPU reference', async () => {
    const { backend, runs } = ctx();
    await fc.assert(
      fc.asyncProperty(gridArb({ maxSide: 20 }), scalesArb, fc.constantFrom<PoolingMode>('adaptive', 'bilinear'), async (g, ts, mode) => {
        const scales = scalesFor(g, ts);
        const expected = cpu.buildPyramid(g, { scales, mode });
        const p = await backend.buildPyramid(g, { scales, mode });
        const got = (await p.read()).levels;
        p.dispose();
        got.forEach((level, i) => expect(relativeError(level.data, expected.levels[i]!.data)).toBeLessThanOrEqual(TOLERANCE.float32));
      }),
      { numRuns: Math.ceil(runs / 2) },
    );
  });

  it('every op matches the CPU reference on random shapes', async () => {
    const { backend, runs } = ctx();
    await fc.assert(
      fc.asyncProperty(
        gridArb({ maxSide: 16, maxChannels: 20 }).chain((g) => fc.tuple(fc.constant(g), opCalls(g))),
        async ([g, call]) => {
          const expected = reference(g, call);
          const got = await read(backend, g, call);
          expect([got.frames, got.rows, got.cols, got.channels]).toEqual([expected.frames, expected.rows, expected.cols, expected.channels]);
          expect(relativeError(got.data, expected.data)).toBeLessThanOrEqual(TOLERANCE.float32);
        },
      ),
      { numRuns: runs },
    );
  });

  it('matches every PyTorch fixture within 1e-5 (each op, and whole pyramids)', async () => {
    const { backend } = ctx();
    const manifest = loadManifest();
    expect(manifest.cases.length).toBeGreaterThan(0);
    for (const c of manifest.cases) {
      const g = tokenGrid(loadFloats(c.input), { frames: c.frames ?? 1, rows: c.rows, cols: c.cols, channels: c.channels });
      for (const level of c.levels) {
        const got = await read(backend, g, fixtureOp(c, level));
        expect([got.rows, got.cols], level.file).toEqual([level.rows, level.cols]);
        expect(relativeError(got.data, loadFloats(level.file)), `${c.name} ${level.file}`).toBeLessThanOrEqual(TOLERANCE.float32);
      }
      const request = fixturePyramid(c);
      if (request !== undefined) {
        const p = await backend.buildPyramid(g, request);
        const levels = (await p.read()).levels;
        p.dispose();
        c.levels.forEach((level, i) => {
          expect(levels[i]!.plan.tokens).toBe(level.tokens);
          expect(relativeError(levels[i]!.data, loadFloats(level.file)), `${c.name} pyramid ${level.file}`).toBeLessThanOrEqual(TOLERANCE.float32);
        });
      }
    }
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
        expect(p.levels.every((l) => l.dtype === outType && l.byteLength === l.frames * l.rows * l.cols * l.channels * (outType === 'float32' ? 4 : 2))).toBe(true);
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
    await expect(backend.run('avgPool2d', { pointer: full.pointer, byteOffset: frameBytes, frames: 2, rows: 24, cols: 24, channels: 12 }, { kernel: 2 })).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
      argument: 'input.pointer',
    });
    for (const x of [second, chained, first]) x.dispose();
  });

  it('NaN and ±Infinity: rejected on read by default, propagated on request, ignored where never read', async () => {
    const { backend } = ctx();
    const data = seeded(27 * 27 * 3, 3);
    data[5] = Number.NaN;
    const g = tokenGrid(data, { rows: 27, cols: 27, channels: 3 });
    const p = await backend.buildPyramid(g, { scales: [144, 9] });
    expect(await p.hasNonFinite()).toBe(true);
    await expect(p.read()).rejects.toMatchObject({ code: 'NON_FINITE_VALUE' });
    p.dispose();
    const q = await backend.buildPyramid(g, { scales: [144, 9], nonFinite: 'propagate' });
    const ref = cpu.buildPyramid(g, { scales: [144, 9], nonFinite: 'propagate' });
    (await q.read()).levels.forEach((l, i) => {
      const nan = (a: Float32Array) => [...a.keys()].filter((k) => Number.isNaN(a[k]));
      expect(nan(l.data)).toEqual(nan(ref.levels[i]!.data));
      expect(nan(l.data).length).toBeGreaterThan(0);
    });
    q.dispose();
    // The last row of 27×27 is dropped by m3 (k = 2): a NaN there reaches no level of [144] ...
    const dropped = seeded(27 * 27 * 3, 4);
    dropped[26 * 27 * 3 + 4] = Number.POSITIVE_INFINITY;
    const d = tokenGrid(dropped, { rows: 27, cols: 27, channels: 3 });
    const r = await backend.buildPyramid(d, { scales: [144] });
    expect(relativeError((await r.read()).levels[0]!.data, cpu.buildPyramid(d, { scales: [144] }).levels[0]!.data)).toBeLessThanOrEqual(TOLERANCE.float32);
    r.dispose();
    // ... but does reach the identity level (729), which the fused launch copies.
    const s = await backend.buildPyramid(d, { scales: [729, 144] });
    await expect(s.read()).rejects.toMatchObject({ code: 'NON_FINITE_VALUE' });
    s.dispose();
  });

  it('rejects bad arguments before allocating or launching anything', async () => {
    const { backend } = ctx();
    const g = tokenGrid(seeded(24 * 24 * 4, 1), { rows: 24, cols: 24, channels: 4 });
    const live = backend.liveBuffers;
    const bad: Array<[Promise<unknown>, string, string]> = [
      [backend.buildPyramid(g, { scales: [0] }), 'INVALID_ARGUMENT', 'options.scales[0]'],
      [backend.buildPyramid(g, { scales: [577] }), 'SCALE_OUT_OF_RANGE', 'options.scales[0]'],
      [backend.buildPyramid(g, { outputType: 'float64' as never }), 'INVALID_ARGUMENT', 'options.outputType'],
      [backend.buildPyramid({ ...g, data: new Float32Array(3) }, {}), 'SHAPE_MISMATCH', 'input.data'],
      [backend.buildPyramid({ data: new Uint16Array(4), dtype: 'float8' as never, rows: 2, cols: 2, channels: 1 }), 'INVALID_ARGUMENT', 'input.dtype'],
      [backend.buildPyramid({ pointer: -1n, rows: 2, cols: 2, channels: 1 }), 'INVALID_ARGUMENT', 'input.pointer'],
      [backend.buildPyramid({ pointer: 16n, rows: 2, cols: 2, channels: 1 }), 'INVALID_ARGUMENT', 'input.pointer'],
      [backend.run('avgPool2d', g, { kernel: 25 }), 'KERNEL_TOO_LARGE', 'options.kernel'],
      [backend.run('nope' as PoolingOpName, g, {}), 'INVALID_ARGUMENT', 'op'],
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
}
