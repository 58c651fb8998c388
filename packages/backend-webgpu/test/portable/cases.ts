import { fromFloat16, toFloat16, tokenGrid, type PoolingMode, type PoolingOpName, type TokenGrid } from '@matryoshka/core';
import * as cpu from '@matryoshka/pooling';
import type { WebGpuBackend } from '@matryoshka/backend-webgpu';
import { assertClose, assertRejects, check, int, random } from './assert.js';
import { fixtureOp } from '../../../../testing/fixture-requests.js';
import type { PortableCase, SuiteContext } from './types.js';

// The WebGPU backend's tests, runnable by vitest in Node (Dawn) and by a page in Chromium.
// The CPU backend (@matryoshka/pooling) is the reference for everything.
const TOL = 1e-5;
const STORAGE = 0x80;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const MAP_READ = 0x1;

function grid(rnd: () => number, sizes: { frames: number; rows: number; cols: number; channels: number }): TokenGrid {
  const data = new Float32Array(sizes.frames * sizes.rows * sizes.cols * sizes.channels);
  for (let i = 0; i < data.length; i++) data[i] = rnd() * 8 - 4;
  return tokenGrid(data, sizes);
}

/** A GPU buffer holding `data` (float32 or packed float16) at `byteOffset`, owned by the test. */
function gpuBuffer(b: WebGpuBackend, bytes: Uint8Array, byteOffset = 0): GPUBuffer {
  const size = Math.ceil((byteOffset + bytes.byteLength) / 4) * 4;
  const buffer = b.device.createBuffer({ size, usage: STORAGE | COPY_SRC | COPY_DST, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(bytes, byteOffset);
  buffer.unmap();
  return buffer;
}

async function readBuffer(b: WebGpuBackend, buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const staging = b.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: MAP_READ | COPY_DST });
  const encoder = b.device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, Math.ceil(bytes / 4) * 4);
  b.device.queue.submit([encoder.finish()]);
  await staging.mapAsync(MAP_READ);
  const copy = staging.getMappedRange().slice(0, bytes);
  staging.destroy();
  return copy;
}

type OpCall = { op: PoolingOpName; options: Record<string, unknown> };

/** The CPU reference of an op call. */
function reference(g: TokenGrid, { op, options }: OpCall): TokenGrid {
  return (cpu[op] as (grid: TokenGrid, o: unknown) => TokenGrid)(g, options);
}

async function gpuOp(b: WebGpuBackend, input: Parameters<WebGpuBackend['run']>[1], call: OpCall): Promise<TokenGrid> {
  const result = await b.run(call.op, input, call.options);
  try {
    return await result.read();
  } finally {
    result.dispose();
  }
}

/** Random op calls that fit a grid (kernels no larger than the grid, and so on). */
function randomOps(rnd: () => number, g: TokenGrid): OpCall[] {
  const k = () => int(rnd, 1, Math.min(g.rows, g.cols, 6));
  const size = (n: number) => int(rnd, 1, n + 2);
  return [
    { op: 'avgPool2d', options: { kernel: k() } },
    { op: 'avgPool2d', options: { kernel: [int(rnd, 1, g.rows), int(rnd, 1, g.cols)], ceilMode: true } },
    { op: 'avgPool2d', options: { kernel: k(), stride: int(rnd, 1, 3) } },
    { op: 'maxPool2d', options: { kernel: k(), ceilMode: rnd() < 0.5 } },
    { op: 'adaptiveAvgPool2d', options: { rows: size(g.rows), cols: size(g.cols) } },
    { op: 'bilinearResize', options: { rows: size(g.rows), cols: size(g.cols) } },
    { op: 'avgPool3d', options: { temporalKernel: int(rnd, 1, g.frames), kernel: k() } },
    { op: 'spatialSample', options: { rows: int(rnd, 1, g.rows), cols: int(rnd, 1, g.cols), anchor: rnd() < 0.5 ? 'center' : 'start' } },
    { op: 'sequentialSample', options: { tokens: int(rnd, 1, g.rows * g.cols) } },
  ];
}

export const cases: PortableCase[] = [
  {
    name: 'runs on a real WebGPU adapter',
    async run(ctx) {
      check(ctx.backend.name === 'webgpu' && typeof ctx.backend.device.createBuffer === 'function', 'no device');
      check(ctx.backend.adapter.length > 0, 'adapter has no name');
    },
  },
  {
    name: 'every op matches the PyTorch fixtures',
    async run(ctx) {
      const manifest = await ctx.fixtures.manifest();
      check(manifest.cases.length > 0, 'no fixture cases');
      for (const c of manifest.cases) {
        const input = tokenGrid(await ctx.fixtures.floats(c.input), { frames: c.frames ?? 1, rows: c.rows, cols: c.cols, channels: c.channels });
        for (const level of c.levels) {
          const out = await gpuOp(ctx.backend, input, fixtureOp(c, level));
          check(out.rows === level.rows && out.cols === level.cols, `${level.file}: ${out.rows}×${out.cols}`);
          assertClose(out.data, await ctx.fixtures.floats(level.file), TOL, `${c.name} ${level.file}`);
        }
        if (c.op === 'm3-floor') {
          const p = await ctx.backend.buildPyramid(input, { scales: c.levels.map((l) => l.requested!) });
          const levels = (await p.read()).levels;
          p.dispose();
          for (const [i, level] of c.levels.entries()) assertClose(levels[i]!.data, await ctx.fixtures.floats(level.file), TOL, `${c.name} pyramid ${level.file}`);
        }
      }
    },
  },
  {
    name: 'every op matches the CPU reference on random shapes and channel counts',
    async run(ctx) {
      const rnd = random(20261124);
      for (let n = 0; n < 12; n++) {
        const g = grid(rnd, { frames: int(rnd, 1, 3), rows: int(rnd, 1, 19), cols: int(rnd, 1, 19), channels: int(rnd, 1, 37) });
        for (const call of randomOps(rnd, g)) {
          const label = `${call.op}(${g.frames}×${g.rows}×${g.cols}×${g.channels}, ${JSON.stringify(call.options)})`;
          const want = reference(g, call);
          const got = await gpuOp(ctx.backend, g, call);
          check(got.frames === want.frames && got.rows === want.rows && got.cols === want.cols, `${label}: shape`);
          assertClose(got.data, want.data, TOL, label);
        }
      }
    },
  },
  {
    name: 'pyramids match the CPU reference in every mode, batched',
    async run(ctx) {
      const rnd = random(7);
      const modes: PoolingMode[] = ['m3', 'ceil', 'adaptive', 'bilinear'];
      for (let n = 0; n < 16; n++) {
        const side = int(rnd, 2, 30);
        const g = grid(rnd, { frames: int(rnd, 1, 4), rows: side, cols: side, channels: int(rnd, 1, 33) });
        const mode = modes[n % modes.length]!;
        const scales = [side * side, ...Array.from({ length: 3 }, () => int(rnd, 1, side * side))];
        const p = await ctx.backend.buildPyramid(g, { scales, mode });
        const got = (await p.read()).levels;
        p.dispose();
        const want = cpu.buildPyramid(g, { scales, mode }).levels;
        want.forEach((w, i) => assertClose(got[i]!.data, w.data, TOL, `${mode} ${g.frames}×${side}×${side}×${g.channels} scale ${scales[i]}`));
      }
    },
  },
  {
    name: 'float16 input and output (packed, no shader-f16 needed)',
    async run(ctx) {
      const rnd = random(16);
      const g = grid(rnd, { frames: 2, rows: 24, cols: 24, channels: 10 });
      const half = toFloat16(g.data);
      const rounded = tokenGrid(fromFloat16(half), g);
      const buffer = gpuBuffer(ctx.backend, new Uint8Array(half.buffer));
      try {
        const p = await ctx.backend.buildPyramid({ buffer, frames: 2, rows: 24, cols: 24, channels: 10, dtype: 'float16' });
        check(p.levels.every((l) => l.dtype === 'float16'), 'levels should stay float16');
        const got = (await p.read()).levels;
        p.dispose();
        // Chained float16 levels round once per step: allow a few half-precision ulps.
        cpu.buildPyramid(rounded).levels.forEach((w, i) => assertClose(got[i]!.data, w.data, 4e-3, `float16 level ${w.plan.tokens}`));
        const wide = await ctx.backend.buildPyramid({ buffer, frames: 2, rows: 24, cols: 24, channels: 10, dtype: 'float16' }, { outputType: 'float32' });
        const wideLevels = (await wide.read()).levels;
        wide.dispose();
        assertClose(wideLevels[1]!.data, cpu.buildPyramid(rounded).levels[1]!.data, TOL, 'float16 in, float32 out');
        const f32in = await ctx.backend.buildPyramid(g, { scales: [144], outputType: 'float16' });
        const f16out = (await f32in.read()).levels[0]!;
        f32in.dispose();
        assertClose(f16out.data, cpu.buildPyramid(g, { scales: [144] }).levels[0]!.data, 1e-3, 'float32 in, float16 out');
      } finally {
        buffer.destroy();
      }
    },
  },
  {
    name: 'inputs larger than a binding are split, not rejected',
    async run(ctx) {
      const rnd = random(99);
      // 8 KiB bindings: every 24×24×16 frame (36 KiB) is pooled in bands of rows.
      const small = await ctx.createBackend({ maxBindingBytes: 8192 });
      try {
        const g = grid(rnd, { frames: 3, rows: 24, cols: 24, channels: 16 });
        for (const mode of ['m3', 'ceil', 'bilinear'] as const) {
          const p = await small.buildPyramid(g, { mode, scales: mode === 'bilinear' ? [100, 9] : [576, 144, 36, 9, 1] });
          const got = (await p.read()).levels;
          p.dispose();
          cpu.buildPyramid(g, { mode, scales: mode === 'bilinear' ? [100, 9] : [576, 144, 36, 9, 1] }).levels.forEach((w, i) =>
            assertClose(got[i]!.data, w.data, TOL, `split ${mode} level ${w.plan.tokens}`),
          );
        }
        const video = await gpuOp(small, g, { op: 'avgPool3d', options: { temporalKernel: 1, kernel: 3 } });
        assertClose(video.data, cpu.avgPool3d(g, { temporalKernel: 1, kernel: 3 }).data, TOL, 'split avgPool3d');
      } finally {
        small.dispose();
      }
      // 1 KiB bindings cannot hold one row of 24×64 values: a clear error, and nothing left behind.
      const tiny = await ctx.createBackend({ maxBindingBytes: 1024 });
      try {
        await assertRejects(tiny.buildPyramid(grid(rnd, { frames: 1, rows: 24, cols: 24, channels: 64 })), 'SHAPE_MISMATCH', 'unsplittable pass');
        check(tiny.liveBuffers === 0, `a failed pyramid left ${tiny.liveBuffers} GPU buffers`);
      } finally {
        tiny.dispose();
      }
      // 80 KiB bindings: runs of two whole frames per dispatch.
      const medium = await ctx.createBackend({ maxBindingBytes: 80 * 1024 });
      try {
        const g = grid(rnd, { frames: 5, rows: 24, cols: 24, channels: 16 });
        const p = await medium.buildPyramid(g);
        const got = (await p.read()).levels;
        p.dispose();
        cpu.buildPyramid(g).levels.forEach((w, i) => assertClose(got[i]!.data, w.data, TOL, `frame runs level ${w.plan.tokens}`));
      } finally {
        medium.dispose();
      }
    },
  },
  {
    name: "a caller's GPU buffer is read at its offset and never destroyed; levels can be handed on",
    async run(ctx) {
      const b = ctx.backend;
      const g = grid(random(3), { frames: 1, rows: 12, cols: 12, channels: 8 });
      const buffer = gpuBuffer(b, new Uint8Array(g.data.buffer), 256);
      try {
        const p = await b.buildPyramid({ buffer, byteOffset: 256, rows: 12, cols: 12, channels: 8 }, { scales: [144, 9] });
        const level = p.at(9);
        check((level.buffer.usage & STORAGE) !== 0 && (level.buffer.usage & COPY_SRC) !== 0, 'a level buffer must be usable as storage and copyable');
        const handed = new Float32Array(await readBuffer(b, level.buffer, level.byteLength));
        assertClose(handed, cpu.buildPyramid(g, { scales: [9] }).levels[0]!.data, TOL, 'level buffer contents');
        p.dispose();
        // The input buffer still works after the pyramid is gone.
        assertClose(new Float32Array(await readBuffer(b, buffer, 256 + g.data.byteLength), 256), g.data, 0, 'caller buffer intact');
      } finally {
        buffer.destroy();
      }
    },
  },
  {
    name: '1,000 pyramids in a loop leave no GPU buffers behind',
    async run(ctx) {
      const b = ctx.backend;
      const g = grid(random(1000), { frames: 1, rows: 24, cols: 24, channels: 8 });
      const want = cpu.buildPyramid(g).levels;
      const before = b.liveBuffers;
      for (let i = 0; i < 1000; i++) {
        const p = await b.buildPyramid(g);
        if (i % 100 === 0) {
          const got = (await p.read()).levels;
          assertClose(got[3]!.data, want[3]!.data, TOL, `pyramid ${i}`);
        }
        p.dispose();
      }
      await b.device.queue.onSubmittedWorkDone();
      check(b.liveBuffers === before, `live GPU buffers grew from ${before} to ${b.liveBuffers}`);
    },
  },
  {
    name: '50 concurrent calls give correct results',
    async run(ctx) {
      const rnd = random(50);
      const grids = Array.from({ length: 50 }, (_, i) => grid(rnd, { frames: 1 + (i % 3), rows: 24, cols: 24, channels: 4 + (i % 5) }));
      const results = await Promise.all(
        grids.map(async (g) => {
          const p = await ctx.backend.buildPyramid(g, { scales: [144, 9, 1] });
          try {
            return (await p.read()).levels;
          } finally {
            p.dispose();
          }
        }),
      );
      results.forEach((levels, i) =>
        cpu.buildPyramid(grids[i]!, { scales: [144, 9, 1] }).levels.forEach((w, j) => assertClose(levels[j]!.data, w.data, TOL, `call ${i} level ${j}`)),
      );
    },
  },
  {
    name: 'bad arguments are rejected before any GPU work',
    async run(ctx) {
      const b = ctx.backend;
      const g = grid(random(5), { frames: 1, rows: 24, cols: 24, channels: 4 });
      const before = b.liveBuffers;
      await assertRejects(b.buildPyramid(g, { scales: [0] }), 'INVALID_ARGUMENT', 'scale 0', 'options.scales[0]');
      await assertRejects(b.buildPyramid(g, { scales: [577] }), 'SCALE_OUT_OF_RANGE', 'scale too large', 'options.scales[0]');
      await assertRejects(b.buildPyramid(g, { outputType: 'float64' as never }), 'INVALID_ARGUMENT', 'output type', 'options.outputType');
      await assertRejects(b.buildPyramid({ ...g, data: new Float32Array(3) }), 'SHAPE_MISMATCH', 'data length', 'input.data');
      await assertRejects(b.run('avgPool2d', g, { kernel: 30 }), 'KERNEL_TOO_LARGE', 'kernel', 'options.kernel');
      const tiny = b.device.createBuffer({ size: 64, usage: STORAGE });
      const noStorage = b.device.createBuffer({ size: 9216, usage: COPY_DST });
      try {
        await assertRejects(b.buildPyramid({ buffer: tiny, rows: 24, cols: 24, channels: 4 }), 'SHAPE_MISMATCH', 'small buffer', 'input.buffer');
        await assertRejects(b.buildPyramid({ buffer: noStorage, rows: 24, cols: 24, channels: 4 }), 'INVALID_ARGUMENT', 'usage', 'input.buffer');
        await assertRejects(b.buildPyramid({ buffer: tiny, rows: 1, cols: 1, channels: 4, byteOffset: 2 }), 'INVALID_ARGUMENT', 'offset', 'input.byteOffset');
      } finally {
        tiny.destroy();
        noStorage.destroy();
      }
      check(b.liveBuffers === before, 'a rejected call created GPU buffers');
    },
  },
  {
    name: 'NaN and Infinity: rejected at read() by default, passed through on request',
    async run(ctx) {
      const g = grid(random(8), { frames: 1, rows: 24, cols: 24, channels: 4 });
      g.data[100] = Number.NaN;
      const p = await ctx.backend.buildPyramid(g, { scales: [144, 1] });
      await assertRejects(p.read(), 'NON_FINITE_VALUE', 'NaN input', 'input.data');
      check(await p.hasNonFinite(), 'hasNonFinite() should say so');
      p.dispose();
      const identity = await ctx.backend.buildPyramid(g, { scales: [576] });
      await assertRejects(identity.read(), 'NON_FINITE_VALUE', 'NaN in the identity level');
      identity.dispose();
      const q = await ctx.backend.buildPyramid(g, { scales: [144], nonFinite: 'propagate' });
      const levels = (await q.read()).levels;
      q.dispose();
      check(levels[0]!.data.length === 144 * 4, 'propagate still returns the level');
      const onGpu = gpuBuffer(ctx.backend, new Uint8Array(g.data.buffer));
      try {
        const r = await ctx.backend.run('maxPool2d', { buffer: onGpu, rows: 24, cols: 24, channels: 4 }, { kernel: 2 });
        await assertRejects(r.read(), 'NON_FINITE_VALUE', 'NaN in a GPU input');
        r.dispose();
      } finally {
        onGpu.destroy();
      }
    },
  },
  {
    name: 'a lost device gives a clear error and the backend can be created again',
    async run(ctx) {
      const b = await ctx.createBackend();
      const g = grid(random(9), { frames: 1, rows: 6, cols: 6, channels: 4 });
      const p = await b.buildPyramid(g, { scales: [9] });
      b.device.destroy();
      await b.device.lost;
      check(b.disposed, 'a backend whose device is lost reports disposed, so the registry replaces it');
      await assertRejects(b.buildPyramid(g, { scales: [9] }), 'DEVICE_ERROR', 'after loss');
      await assertRejects(p.read(), 'DEVICE_ERROR', 'read after loss');
      p.dispose();
      b.dispose();
      const again = await ctx.createBackend();
      try {
        const q = await again.buildPyramid(g, { scales: [9] });
        assertClose((await q.read()).levels[0]!.data, cpu.buildPyramid(g, { scales: [9] }).levels[0]!.data, TOL, 're-created backend');
        q.dispose();
      } finally {
        again.dispose();
      }
    },
  },
  {
    name: 'use after dispose is a DISPOSED error',
    async run(ctx) {
      const g = grid(random(10), { frames: 1, rows: 6, cols: 6, channels: 2 });
      const p = await ctx.backend.buildPyramid(g, { scales: [9] });
      p.dispose();
      await assertRejects(p.read(), 'DISPOSED', 'pyramid read after dispose');
      const b = await ctx.createBackend();
      b.dispose();
      await assertRejects(b.buildPyramid(g), 'DISPOSED', 'backend after dispose');
    },
  },
];

/** Case names, for hosts that report one test per case. */
export const caseNames = cases.map((c) => c.name);

export type { SuiteContext };
