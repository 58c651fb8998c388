import {
  BACKEND_CONTRACT_VERSION,
  POOLING_MODES,
  POOLING_OPS,
  fromFloat16,
  toFloat16,
  tokenGrid,
  type AnyBackend,
  type OpOptions,
  type PoolingOpName,
  type PyramidOptions,
  type TokenGrid,
} from '@matryoshka/core';
import { fixtureOp, fixturePyramid } from '../fixture-requests.js';
import { int, random } from '../random.js';
import { RANDOM_OPTIONS, randomScales, type OpCall } from './calls.js';
import type { ConformanceAssert, ConformanceCase } from './types.js';

// Every backend against the cpu reference (@matryoshka/pooling) and the PyTorch fixtures.
// Modes and ops come from core (POOLING_MODES, POOLING_OPS): a new one is tested without edits here.

/** float32 parity with PyTorch and with the reference: ≤ 1e-5 relative. */
const TOL = 1e-5;
/** Float16 levels: each pooled step rounds to half precision (2^-11); chained steps add a few ulps. */
const HALF_TOL = 4e-3;

function grid(rnd: () => number, sizes: { frames: number; rows: number; cols: number; channels: number }): TokenGrid {
  const data = new Float32Array(sizes.frames * sizes.rows * sizes.cols * sizes.channels);
  for (let i = 0; i < data.length; i++) data[i] = rnd() * 8 - 4;
  return tokenGrid(data, sizes);
}

const shape = (g: { frames: number; rows: number; cols: number; channels: number }): string => `${g.frames}×${g.rows}×${g.cols}×${g.channels}`;

async function runRead(b: AnyBackend, input: unknown, op: PoolingOpName, options?: OpOptions): Promise<TokenGrid> {
  const result = await b.run(op, input, options);
  try {
    return await result.read();
  } finally {
    result.dispose();
  }
}

async function pyramidRead(b: AnyBackend, input: unknown, options?: PyramidOptions): Promise<readonly TokenGrid[]> {
  const p = await b.buildPyramid(input, options);
  try {
    return (await p.read()).levels;
  } finally {
    p.dispose();
  }
}

/** Same NaN/±Infinity positions (and the same values elsewhere); returns how many non-finite values the reference has. */
function sameNonFinite(t: ConformanceAssert, got: Float32Array, want: Float32Array, label: string): number {
  t.ok(got.length === want.length, `${label}: ${got.length} values, expected ${want.length}`);
  let count = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (Number.isNaN(w)) {
      count++;
      t.ok(Number.isNaN(g), `${label}: value ${i} should be NaN as in the reference, got ${g}`);
    } else if (!Number.isFinite(w)) {
      count++;
      t.ok(g === w, `${label}: value ${i} should be ${w} as in the reference, got ${g}`);
    } else {
      t.ok(Math.abs(g - w) <= TOL * Math.max(1, Math.abs(w)) * 8, `${label}: value ${i} is ${g}, expected ${w}`);
    }
  }
  return count;
}

/** Rejected with NON_FINITE_VALUE at build/run or at read: a backend may find it either way, never pass it on. */
async function rejectsNonFinite(t: ConformanceAssert, work: () => Promise<{ read(): Promise<unknown>; dispose(): void }>, label: string): Promise<void> {
  let made: { read(): Promise<unknown>; dispose(): void } | undefined;
  try {
    made = await work();
  } catch (error) {
    const e = error as { code?: string; message?: string };
    t.ok(e.code === 'NON_FINITE_VALUE', `${label}: expected NON_FINITE_VALUE, got ${e.code}: ${e.message}`);
    return;
  }
  try {
    await t.rejects(made.read(), 'NON_FINITE_VALUE', label);
  } finally {
    made.dispose();
  }
}

const fixtureCase: ConformanceCase = {
  name: 'matches every PyTorch fixture within 1e-5 (each op, and whole pyramids)',
  async run(ctx, t) {
    const manifest = await ctx.fixtures.manifest();
    t.ok(manifest.cases.length > 0, 'no fixture cases');
    for (const c of manifest.cases) {
      const input = tokenGrid(await ctx.fixtures.floats(c.input), { frames: c.frames ?? 1, rows: c.rows, cols: c.cols, channels: c.channels });
      for (const level of c.levels) {
        const { op, options } = fixtureOp(c, level);
        const out = await runRead(ctx.backend, input, op, options);
        t.ok(out.rows === level.rows && out.cols === level.cols, `${c.name} ${level.file}: ${out.rows}×${out.cols}, expected ${level.rows}×${level.cols}`);
        t.close(out.data, await ctx.fixtures.floats(level.file), TOL, `${c.name} ${level.file}`);
      }
      const request = fixturePyramid(c);
      if (request === undefined) continue;
      const levels = await pyramidRead(ctx.backend, input, request);
      for (const [i, level] of c.levels.entries()) {
        const got = levels[i] as TokenGrid & { plan?: { tokens: number; kernel?: number } };
        t.ok(got.plan?.tokens === level.tokens, `${c.name} pyramid level ${i}: ${got.plan?.tokens} tokens, expected ${level.tokens}`);
        if (level.kernel !== undefined)
          t.ok(got.plan?.kernel === level.kernel, `${c.name} pyramid level ${i}: kernel ${got.plan?.kernel}, expected ${level.kernel}`);
        t.close(got.data, await ctx.fixtures.floats(level.file), TOL, `${c.name} pyramid ${level.file}`);
      }
    }
  },
};

/** One case per op of core's POOLING_OPS: random shapes, frames and channel counts. */
const opCases = POOLING_OPS.map(
  (op, o): ConformanceCase => ({
    name: `${op} matches the cpu reference on seeded random shapes, frames and channels`,
    async run(ctx, t) {
      const options = RANDOM_OPTIONS[op] as (typeof RANDOM_OPTIONS)[PoolingOpName] | undefined;
      if (options === undefined) throw new Error(`no random options for op ${op}: add them to testing/conformance/calls.ts`);
      const rnd = random(20261124 + o);
      for (let n = 0; n < 10; n++) {
        const g = grid(rnd, { frames: int(rnd, 1, 3), rows: int(rnd, 1, 19), cols: int(rnd, 1, 19), channels: int(rnd, 1, 37) });
        for (const opts of options(rnd, g)) {
          const call: OpCall = { op, options: opts };
          const label = `${op}(${shape(g)}, ${JSON.stringify(call.options)})`;
          const want = await runRead(ctx.reference, g, op, call.options);
          const got = await runRead(ctx.backend, g, op, call.options);
          t.ok(
            got.frames === want.frames && got.rows === want.rows && got.cols === want.cols && got.channels === want.channels,
            `${label}: shape ${shape(got)}, expected ${shape(want)}`,
          );
          t.close(got.data, want.data, TOL, label);
        }
      }
    },
  }),
);

/** One case per mode of core's POOLING_MODES: whole pyramids on random grids and scales. */
const modeCases = POOLING_MODES.map(
  (mode, m): ConformanceCase => ({
    name: `${mode} pyramids match the cpu reference on seeded random shapes, frames and channels`,
    async run(ctx, t) {
      const rnd = random(7 + m);
      for (let n = 0; n < 8; n++) {
        // Square grids half the time (the encoders' case); else rectangular ones.
        const rows = int(rnd, 1, 30);
        const g = grid(rnd, { frames: int(rnd, 1, 4), rows, cols: rnd() < 0.5 ? rows : int(rnd, 1, 30), channels: int(rnd, 1, 33) });
        const scales = randomScales(rnd, g);
        const label = `${mode} ${shape(g)} scales ${scales.join(',')}`;
        let want: readonly TokenGrid[];
        try {
          want = await pyramidRead(ctx.reference, g, { scales, mode });
        } catch (error) {
          // A plan the reference refuses (a square window taller than the grid): the backend refuses it alike.
          const e = error as { code?: string; argument?: string };
          await t.rejects(ctx.backend.buildPyramid(g, { scales, mode }), e.code ?? '?', label, e.argument);
          continue;
        }
        const got = await pyramidRead(ctx.backend, g, { scales, mode });
        t.ok(got.length === want.length, `${label}: ${got.length} levels, expected ${want.length}`);
        want.forEach((w, i) => {
          t.ok(
            got[i]!.rows === w.rows && got[i]!.cols === w.cols && got[i]!.frames === w.frames,
            `${label} level ${i}: shape ${shape(got[i]!)}, expected ${shape(w)}`,
          );
          t.close(got[i]!.data, w.data, TOL, `${label} level ${i}`);
        });
      }
    },
  }),
);

const cases: ConformanceCase[] = [
  {
    name: 'declares its name and the contract version',
    async run(ctx, t) {
      t.ok(typeof ctx.backend.name === 'string' && ctx.backend.name.length > 0, 'a backend has a name');
      t.ok(ctx.backend.contractVersion === BACKEND_CONTRACT_VERSION, `contractVersion ${ctx.backend.contractVersion}, core's is ${BACKEND_CONTRACT_VERSION}`);
      t.ok(ctx.backend.disposed === false, 'a new backend is not disposed');
    },
  },
  fixtureCase,
  ...opCases,
  ...modeCases,
  {
    name: 'partial read: read({ tokens }) returns just those levels, equal to a full read',
    async run(ctx, t) {
      const g = grid(random(31), { frames: 2, rows: 24, cols: 24, channels: 6 });
      for (const mode of POOLING_MODES) {
        const scales = [576, 144, 36, 9, 1];
        const p = await ctx.backend.buildPyramid(g, { scales, mode });
        try {
          const full = (await p.read()).levels;
          const part = await p.read({ tokens: [9, 144] });
          // Levels come back in the pyramid's order, each once.
          t.ok(part.levels.length === 2, `${mode}: ${part.levels.length} levels read, expected 2`);
          t.close(part.levels[0]!.data, full[1]!.data, 0, `${mode} partial level 144`);
          t.close(part.levels[1]!.data, full[3]!.data, 0, `${mode} partial level 9`);
          t.ok(part.at(9).rows === full[3]!.rows, `${mode}: at(9) on a partial read`);
          const one = await p.read({ tokens: [1, 1] });
          t.ok(one.levels.length === 1, `${mode}: a repeated selection reads its level once`);
          await t.rejects(p.read({ tokens: [7] }), 'LEVEL_NOT_FOUND', `${mode} absent level`, 'selection.tokens[0]');
          await t.rejects(p.read({ tokens: ['9' as never] }), 'INVALID_ARGUMENT', `${mode} token count as a string`, 'selection.tokens[0]');
          // The pyramid still reads after a rejected selection.
          t.ok((await p.read({ tokens: [36] })).levels.length === 1, `${mode}: read after a bad selection`);
        } finally {
          p.dispose();
        }
      }
    },
  },
  {
    name: 'NaN and ±Infinity in pyramids: rejected by default, propagated as the reference on request',
    async run(ctx, t) {
      const rnd = random(3);
      const g = grid(rnd, { frames: 1, rows: 27, cols: 27, channels: 3 });
      g.data[5] = Number.NaN;
      await rejectsNonFinite(t, () => ctx.backend.buildPyramid(g, { scales: [144, 9] }), 'NaN input');
      for (const mode of POOLING_MODES) {
        const want = await pyramidRead(ctx.reference, g, { scales: [144, 9], mode, nonFinite: 'propagate' });
        const got = await pyramidRead(ctx.backend, g, { scales: [144, 9], mode, nonFinite: 'propagate' });
        let count = 0;
        want.forEach((w, i) => (count += sameNonFinite(t, got[i]!.data, w.data, `${mode} propagate level ${i}`)));
        t.ok(count > 0, `${mode}: no level of the reference holds the NaN (the case is broken)`);
      }
      // m3 on 27×27 (k = 2) drops the last row: an Infinity there reaches no level of [144] ...
      const d = grid(rnd, { frames: 1, rows: 27, cols: 27, channels: 3 });
      d.data[26 * 27 * 3 + 4] = Number.POSITIVE_INFINITY;
      const levels = await pyramidRead(ctx.backend, d, { scales: [144] });
      t.close(levels[0]!.data, (await pyramidRead(ctx.reference, d, { scales: [144] }))[0]!.data, TOL, 'Infinity in a dropped row');
      // ... but does reach the identity level (729).
      await rejectsNonFinite(t, () => ctx.backend.buildPyramid(d, { scales: [729, 144] }), 'Infinity in the identity level');
      await t.rejects(ctx.backend.buildPyramid(g, { nonFinite: 'ignore' as never }), 'INVALID_ARGUMENT', 'unknown policy', 'options.nonFinite');
    },
  },
  {
    name: 'NaN and ±Infinity in single ops: rejected by default, propagated as the reference on request',
    async run(ctx, t) {
      const g = grid(random(4), { frames: 2, rows: 12, cols: 12, channels: 4 });
      g.data[40] = Number.NaN;
      g.data[12 * 12 * 4 + 7] = Number.NEGATIVE_INFINITY;
      const rnd = random(44);
      let checked = 0;
      for (const op of POOLING_OPS) {
        const options = RANDOM_OPTIONS[op](rnd, g)[0]!;
        const label = `${op}(${JSON.stringify(options)})`;
        const want = await runRead(ctx.reference, g, op, { ...options, nonFinite: 'propagate' });
        if (!want.data.some((v) => !Number.isFinite(v))) continue; // the sample missed both cells
        await rejectsNonFinite(t, () => ctx.backend.run(op, g, options), `${label} by default`);
        const count = sameNonFinite(t, (await runRead(ctx.backend, g, op, { ...options, nonFinite: 'propagate' })).data, want.data, `${label} propagate`);
        t.ok(count > 0, `${label}: the reference holds no non-finite value`);
        checked++;
      }
      t.ok(checked >= POOLING_OPS.length / 2, `only ${checked} ops reached a non-finite value (the case is broken)`);
      await t.rejects(ctx.backend.run('avgPool2d', g, { kernel: 2, nonFinite: 'ignore' as never }), 'INVALID_ARGUMENT', 'unknown policy', 'options.nonFinite');
    },
  },
  {
    name: 'bad arguments are coded errors before any work',
    async run(ctx, t) {
      const b = ctx.backend;
      const g = grid(random(5), { frames: 1, rows: 24, cols: 24, channels: 4 });
      const before = ctx.resources?.();
      const bad: Array<[() => Promise<unknown>, string, string, string?]> = [
        [() => b.buildPyramid(g, { scales: [0] }), 'INVALID_ARGUMENT', 'scale 0', 'options.scales[0]'],
        [() => b.buildPyramid(g, { scales: [577] }), 'SCALE_OUT_OF_RANGE', 'scale above the cells', 'options.scales[0]'],
        [() => b.buildPyramid(g, { scales: [1.5] }), 'INVALID_ARGUMENT', 'fractional scale', 'options.scales[0]'],
        [() => b.buildPyramid(g, { mode: 'nearest' as never }), 'INVALID_ARGUMENT', 'unknown mode', 'options.mode'],
        [() => b.buildPyramid(g, 'fast' as never), 'INVALID_ARGUMENT', 'options not an object', 'options'],
        [() => b.buildPyramid({ ...g, data: new Float32Array(3) }), 'SHAPE_MISMATCH', 'data length'],
        [() => b.buildPyramid(null), 'INVALID_ARGUMENT', 'no input'],
        [() => b.run('avgPool2d', g, { kernel: 30 }), 'KERNEL_TOO_LARGE', 'kernel above the grid', 'options.kernel'],
        [() => b.run('avgPool2d', g, { kernel: 0 }), 'INVALID_ARGUMENT', 'kernel 0', 'options.kernel'],
        [() => b.run('nope' as PoolingOpName, g, {}), 'INVALID_ARGUMENT', 'unknown op', 'op'],
        [() => b.run('adaptiveAvgPool2d', g, { rows: -1, cols: 2 }), 'INVALID_ARGUMENT', 'negative size', 'options.rows'],
        [() => b.run('avgPool3d', g, { temporalKernel: 2, kernel: 2 }), 'KERNEL_TOO_LARGE', 'temporal kernel above the frames', 'options.temporalKernel'],
      ];
      for (const [call, code, label, argument] of bad) {
        // Never thrown synchronously: every contract method reports through its promise.
        let promise: Promise<unknown>;
        try {
          promise = call();
        } catch (error) {
          throw new Error(`${label}: threw synchronously instead of rejecting: ${String(error)}`);
        }
        await t.rejects(promise, code, label, argument);
      }
      if (before !== undefined) t.ok(ctx.resources!() === before, `rejected calls left ${ctx.resources!() - before} device allocations`);
    },
  },
  {
    name: "the caller's grid is read, never written",
    async run(ctx, t) {
      const g = grid(random(12), { frames: 2, rows: 13, cols: 13, channels: 5 });
      const before = g.data.slice();
      for (const mode of POOLING_MODES) await pyramidRead(ctx.backend, g, { scales: [169, 36, 4], mode });
      for (const op of POOLING_OPS) await runRead(ctx.backend, g, op, RANDOM_OPTIONS[op](random(13), g)[0]);
      t.close(g.data, before, 0, 'input after every mode and op');
    },
  },
  {
    name: 'dispose: a disposed backend rejects every call with DISPOSED, and dispose twice is harmless',
    async run(ctx, t) {
      const g = grid(random(10), { frames: 1, rows: 6, cols: 6, channels: 2 });
      const b = await ctx.createBackend();
      b.dispose();
      t.ok(b.disposed, 'disposed is true after dispose()');
      await t.rejects(b.buildPyramid(g), 'DISPOSED', 'buildPyramid after dispose');
      await t.rejects(b.run('avgPool2d', g, { kernel: 2 }), 'DISPOSED', 'run after dispose');
      b.dispose();
      b[Symbol.dispose]();
      const again = await ctx.createBackend();
      again[Symbol.dispose]();
      t.ok(again.disposed, 'disposed is true after [Symbol.dispose]()');
    },
  },
  {
    name: 'dispose: a disposed pyramid or op result rejects read() with DISPOSED',
    async run(ctx, t) {
      const g = grid(random(11), { frames: 1, rows: 6, cols: 6, channels: 2 });
      const p = await ctx.backend.buildPyramid(g, { scales: [9] });
      p.dispose();
      await t.rejects(p.read(), 'DISPOSED', 'pyramid read after dispose');
      p.dispose();
      const r = await ctx.backend.run('avgPool2d', g, { kernel: 2 });
      r[Symbol.dispose]();
      await t.rejects(r.read(), 'DISPOSED', 'op result read after dispose');
    },
  },
  {
    name: 'float16 input and output levels, within half precision',
    needs: 'float16',
    async run(ctx, t) {
      const f16 = ctx.capabilities.float16!;
      const g = grid(random(16), { frames: 2, rows: 24, cols: 24, channels: 10 });
      const half = toFloat16(g.data);
      // The reference pools exactly the values the device sees: the input rounded to half.
      const rounded = tokenGrid(fromFloat16(half), g);
      const input = await f16.input(half, { frames: 2, rows: 24, cols: 24, channels: 10 }, ctx.backend);
      try {
        const want = await pyramidRead(ctx.reference, rounded);
        const p = await ctx.backend.buildPyramid(input);
        const levels = p.levels as ReadonlyArray<{ dtype?: string }>;
        t.ok(
          levels.every((l) => l.dtype === 'float16'),
          'levels of a float16 input stay float16',
        );
        const got = (await p.read()).levels;
        p.dispose();
        want.forEach((w, i) => t.close(got[i]!.data, w.data, HALF_TOL, `float16 level ${i}`));
        const wide = await pyramidRead(ctx.backend, input, { outputType: 'float32' } as PyramidOptions);
        want.forEach((w, i) => t.close(wide[i]!.data, w.data, TOL, `float16 in, float32 out, level ${i}`));
      } finally {
        f16.release?.(input);
      }
      const narrow = await pyramidRead(ctx.backend, g, { scales: [144, 9], outputType: 'float16' } as PyramidOptions);
      const want = await pyramidRead(ctx.reference, g, { scales: [144, 9] });
      want.forEach((w, i) => t.close(narrow[i]!.data, w.data, HALF_TOL, `float32 in, float16 out, level ${i}`));
    },
  },
  {
    name: '24 concurrent calls give the results of sequential ones',
    async run(ctx, t) {
      const rnd = random(50);
      const grids = Array.from({ length: 24 }, (_, i) => grid(rnd, { frames: 1 + (i % 3), rows: 24, cols: 24, channels: 4 + (i % 5) }));
      const mode = (i: number) => POOLING_MODES[i % POOLING_MODES.length]!;
      const results = await Promise.all(grids.map((g, i) => pyramidRead(ctx.backend, g, { scales: [144, 9, 1], mode: mode(i) })));
      for (const [i, levels] of results.entries()) {
        const want = await pyramidRead(ctx.reference, grids[i]!, { scales: [144, 9, 1], mode: mode(i) });
        want.forEach((w, j) => t.close(levels[j]!.data, w.data, TOL, `call ${i} (${mode(i)}) level ${j}`));
      }
    },
  },
  {
    name: '300 pyramids and op results in a loop leave no device memory behind',
    async run(ctx, t) {
      const g = grid(random(1000), { frames: 2, rows: 12, cols: 12, channels: 8 });
      const want = await pyramidRead(ctx.reference, g, { scales: [144, 36, 9, 1] });
      // One warm-up call first: a backend may keep caches (compiled kernels, pools) for good.
      (await ctx.backend.buildPyramid(g, { scales: [144, 36, 9, 1] })).dispose();
      (await ctx.backend.run('avgPool2d', g, { kernel: 3 })).dispose();
      await ctx.settle?.();
      const before = ctx.resources?.();
      for (let i = 0; i < 300; i++) {
        const p = await ctx.backend.buildPyramid(g, { scales: [144, 36, 9, 1] });
        if (i % 100 === 0) t.close((await p.read({ tokens: [9] })).levels[0]!.data, want[2]!.data, TOL, `pyramid ${i}`);
        p.dispose();
        (await ctx.backend.run('avgPool2d', g, { kernel: 3 })).dispose();
      }
      await ctx.settle?.();
      if (before !== undefined) t.ok(ctx.resources!() === before, `device allocations grew from ${before} to ${ctx.resources!()}`);
    },
  },
];

/** Every conformance case, in order (unique names). */
export const conformanceCases: readonly ConformanceCase[] = cases;
