import { tokenGrid, type TokenGrid } from '@matryoshka/core';
import * as cpu from '@matryoshka/pooling';
import type { WebGpuBackend } from '@matryoshka/backend-webgpu';
import { random } from '@matryoshka/testing';
import { assertClose, assertRejects, check } from './assert.js';
import type { PortableCase } from './types.js';

// The WebGPU-only cases (binding limits, caller GPU buffers, device loss), runnable by vitest in
// Node (Dawn) and by a page in Chromium after the shared conformance suite (see suite.ts). The
// CPU backend (@matryoshka/pooling) is the reference.
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

/** A GPU buffer holding `bytes` (float32 or packed float16) at `byteOffset`, owned by the caller. */
export function gpuBuffer(b: WebGpuBackend, bytes: Uint8Array, byteOffset = 0): GPUBuffer {
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

async function gpuOp(b: WebGpuBackend, input: Parameters<WebGpuBackend['run']>[1], op: 'avgPool3d', options: Record<string, unknown>): Promise<TokenGrid> {
  const result = await b.run(op, input, options);
  try {
    return await result.read();
  } finally {
    result.dispose();
  }
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
          cpu
            .buildPyramid(g, { mode, scales: mode === 'bilinear' ? [100, 9] : [576, 144, 36, 9, 1] })
            .levels.forEach((w, i) => assertClose(got[i]!.data, w.data, TOL, `split ${mode} level ${w.plan.tokens}`));
        }
        const video = await gpuOp(small, g, 'avgPool3d', { temporalKernel: 1, kernel: 3 });
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
    name: 'bad GPU-buffer inputs are rejected before any GPU work',
    async run(ctx) {
      const b = ctx.backend;
      const before = b.liveBuffers;
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
    name: 'NaN in a caller GPU buffer is rejected at read()',
    async run(ctx) {
      const g = grid(random(8), { frames: 1, rows: 24, cols: 24, channels: 4 });
      g.data[100] = Number.NaN;
      const p = await ctx.backend.buildPyramid(g, { scales: [144, 1] });
      check(await p.hasNonFinite(), 'hasNonFinite() should say so');
      p.dispose();
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
];
