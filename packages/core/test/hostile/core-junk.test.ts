import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import * as kit from '../../src/backend-kit/index.js';
import {
  attempt,
  detachedFloats,
  finiteArrays,
  hostileOptions,
  junkValue,
  newTally,
  show,
  sameMemoryOtherObject,
  sharedFloats,
  summary,
  type Tally,
} from '@matryoshka/testing/hostile';

// Junk at every public function of core: each call returns a right result or a coded
// MatryoshkaError naming the argument — never a raw error, a hang, a non-finite number or a
// changed input. Sizes up to 1e9 per side must be refused by arithmetic, before any allocation.

const tally: Tally = newTally();
afterAll(() => console.log(summary('core', tally)));

const RUNS = 150;
const sizes = fc.record(
  {
    rows: fc.oneof(junkValue(), fc.integer({ min: 1, max: 9 }), fc.constantFrom(1e8, 1e9, 65537, 2 ** 32)),
    cols: fc.oneof(junkValue(), fc.integer({ min: 1, max: 9 }), fc.constantFrom(1e8, 1e9)),
    channels: fc.oneof(junkValue(), fc.integer({ min: 1, max: 5 })),
    frames: fc.oneof(fc.constant(undefined), junkValue(), fc.integer({ min: 1, max: 3 })),
  },
  { requiredKeys: [] },
);
const dataArb = fc.oneof(
  junkValue(),
  fc.integer({ min: 0, max: 200 }).map((n) => new Float32Array(n).map((_, i) => Math.cos(i))),
  fc.integer({ min: 1, max: 60 }).map((n) => sharedFloats(n)),
  fc.integer({ min: 1, max: 60 }).map((n) => detachedFloats(n)),
  fc.constant(new Float64Array(4)),
);
const planOptions = fc.oneof(
  fc.constant(undefined),
  hostileOptions({ scales: [4, 1], mode: 'm3' }),
  fc.record(
    {
      scales: fc.oneof(junkValue(), fc.array(fc.oneof(fc.integer({ min: 1, max: 81 }), junkValue()), { maxLength: 5 }), fc.constant(new Array(3))),
      mode: fc.oneof(junkValue(), fc.constantFrom('m3', 'ceil', 'adaptive', 'bilinear')),
      maxOutputBytes: fc.oneof(fc.constant(undefined), junkValue()),
    },
    { requiredKeys: [] },
  ),
);
const isGrid = (g: unknown): true | string => {
  const t = g as core.TokenGrid;
  if (!(t.data instanceof Float32Array)) return 'no data';
  return t.data.length === t.frames * t.rows * t.cols * t.channels ? true : 'length mismatch';
};
const goodPlan = (plans: unknown): true | string =>
  (plans as core.LevelPlan[]).every((p) => Number.isSafeInteger(p.tokens) && p.tokens >= 1 && p.rows * p.cols === p.tokens) ? true : 'bad plan';

describe('core under hostile input', () => {
  it('tokenGrid, assertTokenGrid, gridShape, splitFrames, stackFrames', async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, sizes, async (data, s) => {
        const inputs = { data, s };
        await attempt(tally, {
          label: `tokenGrid(${core.describe(data)}, ${show(s)})`,
          inputs,
          run: () => core.tokenGrid(data as Float32Array, s as core.TokenGridSizes),
          check: isGrid,
        });
        await attempt(tally, { label: 'assertTokenGrid', inputs, run: () => core.assertTokenGrid({ ...(s as object), data }), check: isGrid });
        await attempt(tally, { label: 'gridShape', inputs, run: () => core.gridShape(s as core.TokenGridSizes), check: () => true });
        await attempt(tally, {
          label: 'splitFrames',
          inputs,
          run: () => core.splitFrames({ ...(s as object), data } as core.TokenGrid),
          check: (r) => ((r as unknown[]).every(isGrid) ? true : 'bad frame'),
        });
        await attempt(tally, {
          label: 'stackFrames',
          inputs,
          run: () => core.stackFrames([{ ...(s as object), data } as core.TokenGrid, , data] as core.TokenGrid[]),
          check: isGrid,
        }); // eslint-disable-line no-sparse-arrays
      }),
      { numRuns: RUNS },
    );
  });

  it('planLevels, resolvePlanOptions and planOp with huge sides and junk options', async () => {
    const ops = fc.constantFrom(...core.POOLING_OPS, 'nope', null);
    const opOptions = fc.oneof(
      hostileOptions({ kernel: 2 }),
      fc.record(
        {
          kernel: fc.oneof(junkValue(), fc.constantFrom(1, 2, 3, [2, 1], [1e9, 1], 65536)),
          stride: fc.oneof(fc.constant(undefined), junkValue(), fc.constantFrom(1, [1, 1])),
          rows: fc.oneof(junkValue(), fc.constantFrom(1, 2, 1e8, 1e9)),
          cols: fc.oneof(junkValue(), fc.constantFrom(1, 2, 1e8)),
          tokens: fc.oneof(junkValue(), fc.constantFrom(1, 3, 1e9)),
          temporalKernel: fc.oneof(junkValue(), fc.constantFrom(1, 2, 1e9)),
          ceilMode: fc.oneof(fc.constant(undefined), junkValue()),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(sizes, planOptions, ops, opOptions, async (s, options, op, oo) => {
        const inputs = { s, options, oo };
        await attempt(tally, {
          label: `planLevels(${show(s)}, ${show(options)})`,
          inputs,
          run: () => core.planLevels(s as { rows: number; cols: number }, options as core.PlanOptions),
          check: goodPlan,
        });
        await attempt(tally, { label: 'resolvePlanOptions', inputs, run: () => kit.resolvePlanOptions(options as core.PlanOptions), check: () => true });
        await attempt(tally, {
          label: `planOp(${show(s)}, ${String(op)}, ${show(oo)})`,
          inputs,
          run: () => kit.planOp(core.gridShape(s as core.TokenGridSizes), op as core.PoolingOpName, oo),
          check: (p) => ((p as kit.OpPlan).rows >= 1 ? true : 'empty plan'),
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses sides of 1e8–1e9 by arithmetic, quickly', async () => {
    for (const side of [1e8, 5e8, 1e9]) {
      await attempt(tally, {
        label: `planLevels ${side}`,
        inputs: {},
        timeoutMs: 1000,
        run: () => core.planLevels({ rows: side, cols: side }),
        check: goodPlan,
      });
      await attempt(tally, {
        label: `planLevels ${side}×1`,
        inputs: {},
        timeoutMs: 1000,
        run: () => core.planLevels({ rows: side, cols: 1 }, { scales: [1] }),
        check: goodPlan,
      });
      await attempt(tally, {
        label: `adaptive ${side}`,
        inputs: {},
        timeoutMs: 1000,
        run: () => kit.planOp({ frames: 1, rows: 4, cols: 4, channels: 1 }, 'adaptiveAvgPool2d', { rows: side, cols: side }),
        check: () => 'must refuse',
      });
      await attempt(tally, {
        label: `bilinear ${side}`,
        inputs: {},
        timeoutMs: 1000,
        run: () => kit.planOp({ frames: 1, rows: 4, cols: 4, channels: 1 }, 'bilinearResize', { rows: side, cols: 2 }),
        check: () => 'must refuse',
      });
      await attempt(tally, { label: `windows ${side}`, inputs: {}, timeoutMs: 1000, run: () => kit.adaptiveWindows(side, side), check: () => 'must refuse' });
    }
    expect(tally.failing).toEqual([]);
  });

  it('token bookkeeping: exact totals or LIMIT_EXCEEDED', async () => {
    const layout = fc.record(
      {
        level: fc.oneof(
          junkValue(),
          fc.record({ rows: fc.oneof(junkValue(), fc.integer({ min: 1, max: 2 ** 30 })), cols: fc.oneof(junkValue(), fc.integer({ min: 1, max: 2 ** 30 })) }),
        ),
        crops: fc.oneof(junkValue(), fc.record({ rows: fc.integer({ min: 1, max: 2 ** 26 }), cols: fc.integer({ min: 1, max: 2 ** 26 }) })),
        frames: fc.oneof(junkValue(), fc.integer({ min: 1, max: 2 ** 40 })),
        temporalKernel: fc.oneof(fc.constant(undefined), junkValue()),
        newline: fc.oneof(fc.constant(undefined), junkValue()),
        imageSize: fc.oneof(
          fc.constant(undefined),
          junkValue(),
          fc.record({ width: fc.integer({ min: 1, max: 2 ** 31 }), height: fc.integer({ min: 1, max: 2 ** 31 }) }),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(layout, async (l) => {
        const exact = (r: unknown): true | string => (Number.isSafeInteger((r as { total: number }).total) ? true : `total ${(r as { total: number }).total}`);
        await attempt(tally, { label: `anyresTokenCount(${show(l)})`, inputs: l, run: () => core.anyresTokenCount(l as core.AnyresLayout), check: exact });
        await attempt(tally, { label: `videoTokenCount(${show(l)})`, inputs: l, run: () => core.videoTokenCount(l as core.VideoLayout), check: exact });
      }),
      { numRuns: RUNS },
    );
  });

  it('half-float converters take only their array types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          junkValue(),
          fc.constant(new Float32Array([1, 70000, Number.NaN])),
          fc.constant(new Uint16Array([0x3c00, 0x7c00])),
          fc.constant(sharedFloats(5)),
        ),
        async (v) => {
          for (const [name, fn] of [
            ['toFloat16', core.toFloat16],
            ['fromFloat16', core.fromFloat16],
            ['toBfloat16', core.toBfloat16],
            ['fromBfloat16', core.fromBfloat16],
          ] as const) {
            await attempt(tally, {
              label: `${name}(${core.describe(v)})`,
              inputs: { v },
              run: () => (fn as (x: unknown) => ArrayLike<number>)(v),
              check: (r) => ((r as ArrayLike<number>).length === (v as ArrayLike<number>).length ? true : 'length'),
            });
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('overlapsMemory sees two SharedArrayBuffer objects over one block of memory', async () => {
    const a = sharedFloats(16);
    const other = new Float32Array(await sameMemoryOtherObject(a.buffer as SharedArrayBuffer));
    expect(other.buffer).not.toBe(a.buffer);
    const before = Array.from(a);
    expect(kit.overlapsMemory(other.subarray(4, 8), a.subarray(6, 10))).toBe(true);
    expect(kit.overlapsMemory(other.subarray(0, 4), a.subarray(4, 8))).toBe(false);
    expect(kit.overlapsMemory(sharedFloats(16), a)).toBe(false);
    expect(Array.from(a)).toEqual(before);
    expect(finiteArrays(a)).toBe(true);
  });

  it('has no failures', () => {
    expect(tally.failing.slice(0, 20)).toEqual([]);
  });
});
