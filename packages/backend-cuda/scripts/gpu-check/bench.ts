import { toBfloat16, toFloat16, tokenGrid } from '@matryoshka/core';
import type { CudaBackend, CudaDriver, CudaDType, CudaInput, CudaLevel } from '../../src/index.js';

export interface BenchShape {
  readonly frames: number;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
}

export interface BenchRow extends BenchShape {
  readonly dtype: CudaDType;
  /** Milliseconds per pyramid (the pooled levels 144/36/9/1), GPU time from CUDA events. */
  readonly ms: number;
  /** Input read once plus the levels written once. */
  readonly bytes: number;
  /** Milliseconds per device-to-device copy of the input (cuMemcpyDtoDAsync), same stream. */
  readonly copyMs: number;
  readonly kernels: readonly number[];
}

export const SCALES = [144, 36, 9, 1];

/** A device grid of `dtype` with repeating data (cheap to make at any size), held by a pyramid we own. */
async function deviceGrid(backend: CudaBackend, shape: BenchShape, dtype: CudaDType): Promise<{ level: CudaLevel; dispose: () => void }> {
  const count = shape.frames * shape.rows * shape.cols * shape.channels;
  const chunk = new Float32Array(Math.min(count, 1 << 20));
  for (let i = 0; i < chunk.length; i++) chunk[i] = Math.sin(i * 0.7311) * 3;
  const data = new Float32Array(count);
  for (let at = 0; at < count; at += chunk.length) data.set(chunk.subarray(0, Math.min(chunk.length, count - at)), at);
  const g = tokenGrid(data, shape);
  const input: CudaInput =
    dtype === 'float32'
      ? g
      : {
          data: dtype === 'float16' ? toFloat16(data) : toBfloat16(data),
          dtype,
          frames: shape.frames,
          rows: shape.rows,
          cols: shape.cols,
          channels: shape.channels,
        };
  // The identity level is the input, now in device memory.
  const holder = await backend.buildPyramid(input, { scales: [shape.rows * shape.cols], nonFinite: 'propagate' });
  return { level: holder.levels[0]!, dispose: () => holder.dispose() };
}

/** Times the fused pyramid and a copy of the same input bytes on the backend's stream. */
export async function benchShape(backend: CudaBackend, driver: CudaDriver, shape: BenchShape, dtype: CudaDType, iterations: number): Promise<BenchRow> {
  const src = await deviceGrid(backend, shape, dtype);
  const dst = await deviceGrid(backend, shape, dtype);
  const start = driver.eventCreate();
  const end = driver.eventCreate();
  try {
    const pyramid = async () => (await backend.buildPyramid(src.level, { scales: SCALES })).dispose();
    const first = await backend.buildPyramid(src.level, { scales: SCALES });
    const kernels = first.levels.map((l) => l.plan.kernel!);
    const levelBytes = first.levels.reduce((n, l) => n + l.byteLength, 0);
    first.dispose();
    for (let i = 0; i < 3; i++) await pyramid();
    await backend.synchronize();
    driver.eventRecord(start, backend.stream);
    for (let i = 0; i < iterations; i++) await pyramid();
    driver.eventRecord(end, backend.stream);
    driver.eventSynchronize(end);
    const ms = driver.eventElapsedMs(start, end) / iterations;

    const copy = () => driver.memcpyDtoD(dst.level.pointer, src.level.pointer, src.level.byteLength, backend.stream);
    for (let i = 0; i < 3; i++) copy();
    driver.eventRecord(start, backend.stream);
    for (let i = 0; i < iterations; i++) copy();
    driver.eventRecord(end, backend.stream);
    driver.eventSynchronize(end);
    const copyMs = driver.eventElapsedMs(start, end) / iterations;
    return { ...shape, dtype, ms, bytes: src.level.byteLength + levelBytes, copyMs, kernels };
  } finally {
    driver.eventDestroy(start);
    driver.eventDestroy(end);
    src.dispose();
    dst.dispose();
    backend.trim();
  }
}
