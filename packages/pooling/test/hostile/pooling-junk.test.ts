import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, tokenGrid, type TokenGrid } from '@matryoshka/core';
import * as pooling from '../../src/index.js';
import {
  attempt,
  detachedFloats,
  finiteArrays,
  hostileOptions,
  junkValue,
  newTally,
  sameMemoryOtherObject,
  sharedFloats,
  show,
  summary,
  type Tally,
} from '@matryoshka/testing/hostile';

// Junk at every public function of the cpu backend: each call returns levels that are finite
// and sized as planned, or a coded MatryoshkaError naming the argument. Inputs are never
// written (SharedArrayBuffer views and `out` arrays included), and sides of 1e8–1e9 are refused
// before anything is allocated.

const tally: Tally = newTally();
afterAll(() => console.log(summary('pooling', tally)));

const grid = (rows: number, cols: number, channels: number, fill: (i: number) => number = Math.sin, frames = 1): TokenGrid => {
  const data = new Float32Array(frames * rows * cols * channels);
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  return tokenGrid(data, { frames, rows, cols, channels });
};

const gridArb = fc.oneof(
  fc
    .record({
      rows: fc.integer({ min: 1, max: 12 }),
      cols: fc.integer({ min: 1, max: 12 }),
      channels: fc.integer({ min: 1, max: 9 }),
      frames: fc.integer({ min: 1, max: 2 }),
    })
    .map((s) => grid(s.rows, s.cols, s.channels, Math.sin, s.frames)),
  fc
    .record({ rows: fc.integer({ min: 1, max: 8 }), cols: fc.integer({ min: 1, max: 8 }), channels: fc.integer({ min: 1, max: 5 }) })
    .map((s) => tokenGrid(sharedFloats(s.rows * s.cols * s.channels), s)),
  fc.constant({ rows: 2, cols: 2, channels: 1, data: detachedFloats(4) }),
  fc.constant({ rows: 1e9, cols: 1e9, channels: 1, data: new Float32Array(4) }),
  fc.constant(null),
  fc.constant({
    rows: 2,
    cols: 2,
    channels: 1,
    get data() {
      throw new Error('getter boom');
    },
  }),
  junkValue(),
);

const pyramidOptions = fc.oneof(
  fc.constant(undefined),
  hostileOptions({ scales: [4, 1], mode: 'm3' }),
  fc.record(
    {
      scales: fc.oneof(junkValue(), fc.array(fc.oneof(fc.integer({ min: 1, max: 144 }), junkValue()), { minLength: 1, maxLength: 4 })),
      mode: fc.oneof(junkValue(), fc.constantFrom('m3', 'ceil', 'adaptive', 'bilinear')),
      kernels: fc.oneof(fc.constant(undefined), junkValue(), fc.constantFrom('auto', 'wasm', 'js')),
      nonFinite: fc.oneof(fc.constant(undefined), junkValue(), fc.constantFrom('reject', 'propagate')),
      out: fc.oneof(fc.constant(undefined), junkValue(), fc.constant([new Float32Array(4)])),
      maxOutputBytes: fc.oneof(fc.constant(undefined), junkValue(), fc.constant(16)),
    },
    { requiredKeys: [] },
  ),
);

const goodGrid = (g: unknown): true | string => {
  const t = g as TokenGrid;
  if (t.data.length !== t.frames * t.rows * t.cols * t.channels) return 'length';
  return finiteArrays(t.data);
};
const goodPyramid = (p: unknown): true | string => {
  for (const level of (p as pooling.CpuBackend extends never ? never : { levels: TokenGrid[] }).levels) {
    const ok = goodGrid(level);
    if (ok !== true) return ok;
  }
  return true;
};

/** The `out` arrays a call may write (read without tripping a hostile getter or proxy). */
function outArrays(o: unknown): unknown {
  try {
    const d = typeof o === 'object' && o !== null ? Object.getOwnPropertyDescriptor(o, 'out') : undefined;
    return d !== undefined && 'value' in d ? d.value : [];
  } catch {
    return [];
  }
}

describe('pooling under hostile input', () => {
  it('buildPyramid and the cpu backend', async () => {
    const backend = await getBackend('cpu');
    await fc.assert(
      fc.asyncProperty(gridArb, pyramidOptions, async (g, o) => {
        const inputs = { g, o };
        const writable = outArrays(o);
        await attempt(tally, {
          label: `buildPyramid(${show(g)}, ${show(o)})`,
          inputs,
          writable,
          run: () => pooling.buildPyramid(g as TokenGrid, o as pooling.CpuPyramidOptions),
          check: goodPyramid,
        });
        await attempt(tally, {
          label: 'cpu.buildPyramid',
          inputs,
          writable,
          run: () => backend.buildPyramid(g as TokenGrid, o as pooling.CpuPyramidOptions),
          check: goodPyramid,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('valid grids (plain and shared memory) with valid options: finite levels of the planned sizes', async () => {
    const valid = fc
      .record({
        rows: fc.integer({ min: 1, max: 16 }),
        cols: fc.integer({ min: 1, max: 16 }),
        channels: fc.integer({ min: 1, max: 9 }),
        frames: fc.integer({ min: 1, max: 3 }),
        shared: fc.boolean(),
        big: fc.boolean(),
      })
      .chain((s) =>
        fc.record({
          g: fc.constant(
            s.shared
              ? tokenGrid(
                  sharedFloats(s.frames * s.rows * s.cols * s.channels, (i) => (s.big ? 3e38 : Math.sin(i))),
                  s,
                )
              : grid(s.rows, s.cols, s.channels, (i) => (s.big ? (i % 3 === 0 ? -3.3e38 : 3.3e38) : Math.sin(i)), s.frames),
          ),
          scales: fc.array(fc.integer({ min: 1, max: s.rows * s.cols }), { minLength: 1, maxLength: 4 }),
          mode: fc.constantFrom('m3', 'ceil', 'adaptive', 'bilinear'),
          kernels: fc.constantFrom('auto', 'wasm', 'js'),
        }),
      );
    await fc.assert(
      fc.asyncProperty(valid, async ({ g, ...o }) => {
        await attempt(tally, {
          label: `buildPyramid(${g.frames}×${g.rows}×${g.cols}×${g.channels}, ${show(o)})`,
          inputs: { g },
          run: () => pooling.buildPyramid(g, o as pooling.CpuPyramidOptions),
          // m3 on a non-square grid may legitimately refuse a scale (KERNEL_TOO_LARGE): a coded error.
          check: goodPyramid,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('every op', async () => {
    const ops = [
      pooling.avgPool2d,
      pooling.maxPool2d,
      pooling.adaptiveAvgPool2d,
      pooling.bilinearResize,
      pooling.avgPool3d,
      pooling.spatialSample,
      pooling.sequentialSample,
    ] as Array<(g: TokenGrid, o: unknown) => TokenGrid>;
    const opOptions = fc.oneof(
      hostileOptions({ kernel: 2, rows: 2, cols: 2 }),
      fc.record(
        {
          kernel: fc.oneof(junkValue(), fc.constantFrom(1, 2, [2, 1], 65536)),
          stride: fc.oneof(fc.constant(undefined), junkValue(), fc.constant(1)),
          rows: fc.oneof(junkValue(), fc.constantFrom(1, 2, 3, 1e8, 1e9)),
          cols: fc.oneof(junkValue(), fc.constantFrom(1, 2, 1e8)),
          tokens: fc.oneof(junkValue(), fc.constantFrom(1, 3)),
          temporalKernel: fc.oneof(junkValue(), fc.constantFrom(1, 2)),
          nonFinite: fc.oneof(fc.constant(undefined), junkValue()),
          anchor: fc.oneof(fc.constant(undefined), junkValue()),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(gridArb, fc.integer({ min: 0, max: ops.length - 1 }), opOptions, async (g, i, o) => {
        await attempt(tally, {
          label: `${ops[i]!.name}(${show(g)}, ${show(o)})`,
          inputs: { g, o },
          timeoutMs: 3000,
          run: () => ops[i]!(g as TokenGrid, o),
          check: goodGrid,
        });
        // The same through the backend's `run` (by op name, junk names included).
        const backend = (await getBackend('cpu')) as unknown as { run?: (op: unknown, g: unknown, o: unknown) => Promise<unknown> };
        const names = ['avgPool2d', 'maxPool2d', 'adaptiveAvgPool2d', 'bilinearResize', 'avgPool3d', 'spatialSample', 'sequentialSample', 'nope', null];
        if (typeof backend.run === 'function') {
          await attempt(tally, {
            label: `cpu.run(${String(names[i])}, ${show(g)}, ${show(o)})`,
            inputs: { g, o },
            timeoutMs: 3000,
            run: () => backend.run!(names[(i * 7 + 3) % names.length], g, o),
            check: goodGrid,
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses sides of 1e8–1e9 before allocating (no V8 out-of-memory abort)', async () => {
    const g = grid(4, 4, 1);
    for (const side of [1e8, 1e9]) {
      await attempt(tally, {
        label: `adaptive ${side}`,
        inputs: { g },
        timeoutMs: 1000,
        run: () => pooling.adaptiveAvgPool2d(g, { rows: side, cols: side }),
        check: () => 'must refuse',
      });
      await attempt(tally, {
        label: `bilinear ${side}`,
        inputs: { g },
        timeoutMs: 1000,
        run: () => pooling.bilinearResize(g, { rows: side, cols: 4 }),
        check: () => 'must refuse',
      });
    }
    // Within the planning limits but above the default 2 GiB of output: LIMIT_EXCEEDED, and the option raises it.
    await attempt(tally, {
      label: 'bilinear 2 GiB',
      inputs: { g },
      run: () => pooling.bilinearResize(g, { rows: 30000, cols: 30000 }),
      check: () => 'must refuse',
    });
    await attempt(tally, {
      label: 'maxOutputBytes raised',
      inputs: { g },
      run: () => pooling.bilinearResize(g, { rows: 64, cols: 64, maxOutputBytes: 64 * 64 * 4 } as never),
      check: goodGrid,
    });
    expect(tally.failing).toEqual([]);
  });

  it('sums finite grids near the float32 limit exactly, in every kernel choice', async () => {
    for (const value of [8e37, 2e38, 3.4e38, -3.4e38]) {
      const g = grid(24, 24, 8, () => value);
      for (const kernels of ['auto', 'wasm', 'js'] as const) {
        for (const mode of ['m3', 'ceil'] as const) {
          const p = pooling.buildPyramid(g, { kernels, mode, scales: [576, 144, 36, 9, 1] });
          for (const level of p.levels) {
            expect(finiteArrays(level.data), `${value} ${kernels} ${mode}`).toBe(true);
            expect(level.data[0]! / Math.fround(value)).toBeCloseTo(1, 6);
          }
        }
      }
    }
    // Mixed signs cancel in float64 (a float32 sum would lose the mean's small part).
    const mixed = grid(27, 27, 4, (i) => (i % 2 === 0 ? 1e30 : -1e30) + 0);
    const wasm = pooling.buildPyramid(mixed, { scales: [9], kernels: 'wasm' }).levels[0]!.data;
    const js = pooling.buildPyramid(mixed, { scales: [9], kernels: 'js' }).levels[0]!.data;
    expect(Array.from(wasm)).toEqual(Array.from(js));
  });

  it('still rejects real NaN/Infinity input in reject mode, wherever the level comes from', () => {
    for (const bad of [Number.NaN, Infinity]) {
      const g = grid(24, 24, 4, (i) => (i === 100 ? bad : 1));
      for (const kernels of ['wasm', 'js'] as const) {
        expect(() => pooling.buildPyramid(g, { kernels }), kernels).toThrow(expect.objectContaining({ code: 'NON_FINITE_VALUE', argument: 'grid.data' }));
        const p = pooling.buildPyramid(g, { kernels, nonFinite: 'propagate' });
        expect(Number.isFinite(p.at(1).data[0]!)).toBe(false);
      }
    }
  });

  it("refuses an `out` that is the input's memory under another SharedArrayBuffer object", async () => {
    const g = tokenGrid(sharedFloats(24 * 24 * 4), { rows: 24, cols: 24, channels: 4 });
    const alias = new Float32Array(await sameMemoryOtherObject(g.data.buffer as SharedArrayBuffer));
    const before = Array.from(g.data);
    await attempt(tally, {
      label: 'out aliasing input by memory',
      inputs: { g },
      run: () => pooling.buildPyramid(g, { scales: [576, 144], out: [alias.subarray(0, 576 * 4), new Float32Array(144 * 4)] }),
      check: () => 'must refuse',
    });
    expect(Array.from(g.data)).toEqual(before);
    // A separate SharedArrayBuffer is fine, and the levels are right.
    const out = [sharedFloats(144 * 4, () => 0)];
    const p = pooling.buildPyramid(g, { scales: [144], out });
    expect(p.levels[0]!.data).toBe(out[0]);
    expect(Array.from(out[0]!)).toEqual(Array.from(pooling.buildPyramid(g, { scales: [144] }).levels[0]!.data));
    expect(tally.failing).toEqual([]);
  });

  it('has no failures', () => {
    expect(tally.failing.slice(0, 20)).toEqual([]);
  });
});
