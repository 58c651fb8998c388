import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMatryoshkaError, tokenGrid, type TokenGrid } from '@matryoshka/core';
import * as cpu from '@matryoshka/pooling';
import { createWebGpuBackend, type WebGpuBackend } from '../../src/index.js';
import { GpuResources } from '../../src/device/resources.js';
import { buildWebGpuPyramid } from '../../src/build-pyramid.js';

// Misuse of GPU buffers and hostile CPU memory on Dawn (SwiftShader here): every call either
// returns the CPU reference's levels or rejects with a coded MatryoshkaError naming the argument,
// and leaves no buffer of its own behind. Before these checks, a SharedArrayBuffer crashed the
// process and a destroyed, foreign or mapped buffer gave levels of zeros without an error.
const STORAGE = 0x80;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;

let backend: WebGpuBackend;
let other: GPUDevice;
let plain: WebGpuBackend;
// Held for the whole file: Dawn must not collect the instance under live devices.
let gpu: GPU;

beforeAll(async () => {
  backend = await createWebGpuBackend();
  const { create } = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU };
  gpu = create([]);
  other = await (await gpu.requestAdapter())!.requestDevice();
  // A device with the default limits (maxBufferSize 256 MiB), as browsers hand out.
  plain = await createWebGpuBackend({ device: await (await gpu.requestAdapter())!.requestDevice() });
});

afterAll(() => {
  backend?.dispose();
  plain?.dispose();
  plain?.device.destroy();
  other?.destroy();
});

function sharedGrid(rows: number, cols: number, channels: number): TokenGrid {
  const data = new Float32Array(new SharedArrayBuffer(rows * cols * channels * 4));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i) * 3;
  return tokenGrid(data, { rows, cols, channels });
}

function uploaded(device: GPUDevice, values: Float32Array, usage = STORAGE | COPY_SRC | COPY_DST, unmap = true): GPUBuffer {
  const buffer = device.createBuffer({ size: values.byteLength, usage, mappedAtCreation: true });
  new Float32Array(buffer.getMappedRange()).set(values);
  if (unmap) buffer.unmap();
  return buffer;
}

async function rejectsCoded(promise: Promise<unknown>, code: string, argument: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isMatryoshkaError(error), `expected a MatryoshkaError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as { argument?: string }).argument).toBe(argument);
}

describe('webgpu: hostile memory and misused GPU buffers', () => {
  it('pools a SharedArrayBuffer-backed grid like the cpu backend (buildPyramid and run)', async () => {
    const grid = sharedGrid(24, 24, 8);
    const want = cpu.buildPyramid(grid);
    const got = await (await backend.buildPyramid(grid)).read();
    got.levels.forEach((level, i) => expect(Array.from(level.data)).toEqual(Array.from(want.levels[i]!.data).map((v) => expect.closeTo(v, 4))));
    const op = await backend.run('avgPool2d', grid, { kernel: 2 });
    const read = await op.read();
    op.dispose();
    expect(read.data.length).toBe(12 * 12 * 8);
    expect(Array.from(read.data)).toEqual(Array.from(cpu.avgPool2d(grid, { kernel: 2 }).data).map((v) => expect.closeTo(v, 4)));
  });

  it('rejects a buffer the caller destroyed', async () => {
    const buffer = uploaded(backend.device, new Float32Array(4 * 4 * 4).fill(1));
    buffer.destroy();
    const live = backend.liveBuffers;
    await rejectsCoded(backend.buildPyramid({ buffer, rows: 4, cols: 4, channels: 4 }, { scales: [16, 4] }), 'INVALID_ARGUMENT', 'input.buffer');
    await rejectsCoded(backend.run('avgPool2d', { buffer, rows: 4, cols: 4, channels: 4 }, { kernel: 2 }), 'INVALID_ARGUMENT', 'input.buffer');
    expect(backend.liveBuffers).toBe(live);
  });

  it('rejects a buffer of another device', async () => {
    const buffer = uploaded(other, new Float32Array(4 * 4 * 4).fill(1));
    const live = backend.liveBuffers;
    await rejectsCoded(backend.buildPyramid({ buffer, rows: 4, cols: 4, channels: 4 }, { scales: [16, 4] }), 'INVALID_ARGUMENT', 'input.buffer');
    expect(backend.liveBuffers).toBe(live);
    buffer.destroy();
  });

  it('rejects a mapped buffer', async () => {
    const buffer = uploaded(backend.device, new Float32Array(4 * 4 * 4).fill(1), STORAGE | COPY_DST, false);
    await rejectsCoded(backend.buildPyramid({ buffer, rows: 4, cols: 4, channels: 4 }, { scales: [4] }), 'INVALID_ARGUMENT', 'input.buffer');
    buffer.unmap();
    buffer.destroy();
  });

  it("rejects a disposed pyramid's level buffer as input", async () => {
    const pyramid = await backend.buildPyramid(sharedGrid(8, 8, 4), { scales: [16, 4] });
    const level = pyramid.levels[0]!;
    pyramid.dispose();
    await rejectsCoded(backend.buildPyramid({ buffer: level.buffer, rows: 4, cols: 4, channels: 4 }, { scales: [4] }), 'DISPOSED', 'input.buffer');
  });

  it('rejects an object that only looks like a GPUBuffer, leaking nothing', async () => {
    const fake = { size: 1 << 20, usage: STORAGE | COPY_SRC, mapState: 'unmapped', destroy: () => undefined, label: '' };
    const live = backend.liveBuffers;
    for (let i = 0; i < 3; i++) {
      await rejectsCoded(
        backend.buildPyramid({ buffer: fake as unknown as GPUBuffer, rows: 4, cols: 4, channels: 4 }, { scales: [4] }),
        'INVALID_ARGUMENT',
        'input.buffer',
      );
      await rejectsCoded(
        backend.run('avgPool2d', { buffer: fake as unknown as GPUBuffer, rows: 4, cols: 4, channels: 4 }, { kernel: 2 }),
        'INVALID_ARGUMENT',
        'input.buffer',
      );
    }
    expect(backend.liveBuffers).toBe(live);
  });

  it("refuses a grid above the device's maxBufferSize before uploading it", async () => {
    const limit = plain.device.limits.maxBufferSize;
    const side = Math.ceil(Math.sqrt(limit / 4)) + 1; // one channel: side² floats > limit bytes
    const grid = tokenGrid(new Float32Array(side * side), { rows: side, cols: side, channels: 1 });
    const live = plain.liveBuffers;
    await rejectsCoded(plain.buildPyramid(grid, { scales: [576, 9] }), 'LIMIT_EXCEEDED', 'input');
    await rejectsCoded(plain.run('avgPool2d', grid, { kernel: 2 }), 'LIMIT_EXCEEDED', 'input');
    expect(plain.liveBuffers).toBe(live);
  });

  it('splits a CPU grid above maxBufferSize into groups of whole frames when size is the only problem', async () => {
    // A device whose buffers hold 10,000 bytes: two 12×12×8 frames (4,608 bytes each) per upload.
    const res = new GpuResources(backend.device, undefined, 10_000);
    const ok = () => undefined;
    for (const [channels, outputType] of [
      [8, 'float32'],
      [3, 'float16'],
    ] as const) {
      const data = new Float32Array(5 * 12 * 12 * channels);
      for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 3;
      const grid = tokenGrid(data, { frames: 5, rows: 12, cols: 12, channels });
      const want = cpu.buildPyramid(grid, { scales: [36, 9, 1] });
      const pyramid = await buildWebGpuPyramid(res, grid, { scales: [36, 9, 1], outputType }, ok);
      const got = await pyramid.read();
      pyramid.dispose();
      got.levels.forEach((level, i) => {
        const ref = want.levels[i]!.data;
        const tol = outputType === 'float16' ? 4e-3 : 1e-5;
        for (let j = 0; j < ref.length; j++) expect(Math.abs(level.data[j]! - ref[j]!), `${outputType} level ${i} value ${j}`).toBeLessThanOrEqual(tol * 4);
      });
    }
    // An identity level is as large as the input: it cannot be split, and says so.
    const grid = tokenGrid(new Float32Array(5 * 12 * 12 * 8), { frames: 5, rows: 12, cols: 12, channels: 8 });
    await rejectsCoded(buildWebGpuPyramid(res, grid, { scales: [144, 36] }, ok), 'LIMIT_EXCEEDED', 'input');
    // One frame above the limit.
    const big = tokenGrid(new Float32Array(40 * 40 * 8), { rows: 40, cols: 40, channels: 8 });
    await rejectsCoded(buildWebGpuPyramid(res, big, { scales: [100] }, ok), 'LIMIT_EXCEEDED', 'input');
    expect(res.liveBuffers).toBe(0);
  });

  it('rejects float16 levels that overflowed instead of returning Infinity', async () => {
    const grid = tokenGrid(new Float32Array(4 * 4 * 4).fill(1e5), { rows: 4, cols: 4, channels: 4 });
    const pyramid = await backend.buildPyramid(grid, { scales: [16, 4], outputType: 'float16' });
    await rejectsCoded(pyramid.read(), 'NON_FINITE_VALUE', 'options.outputType');
    pyramid.dispose();
    const op = await backend.run('avgPool2d', grid, { kernel: 2, outputType: 'float16' });
    await rejectsCoded(op.read(), 'NON_FINITE_VALUE', 'options.outputType');
    op.dispose();
  });
});
