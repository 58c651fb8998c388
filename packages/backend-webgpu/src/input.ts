import { ErrorCode, MatryoshkaError, argumentError, assertTokenGrid, describe, gridShape, oneOf, type GridShape, type TokenGrid } from '@matryoshka/core';
import { BufferUsage } from './device/constants.js';
import type { GpuDType } from './kernels/pool-wgsl.js';

/** A grid already on the GPU, in a buffer the caller owns (never destroyed by Matryoshka). */
export interface GpuGridInput {
  readonly buffer: GPUBuffer;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
  /** Default 1. */
  readonly frames?: number;
  /** Default `'float32'`; `'float16'` is packed two values per 32-bit word. */
  readonly dtype?: GpuDType;
  /** Where the grid starts in the buffer (a multiple of 4). Default 0. */
  readonly byteOffset?: number;
}

export type WebGpuInput = TokenGrid | GpuGridInput;

/** A checked input: either CPU data to upload, or the caller's buffer. */
export type ResolvedInput =
  | { readonly kind: 'cpu'; readonly grid: TokenGrid; readonly shape: GridShape; readonly dtype: 'float32' }
  | { readonly kind: 'gpu'; readonly buffer: GPUBuffer; readonly byteOffset: number; readonly shape: GridShape; readonly dtype: GpuDType };

export const DTYPES: readonly GpuDType[] = ['float32', 'float16'];

/** Checks an input before any GPU work; bad ones get a MatryoshkaError naming the field. */
export function resolveInput(input: unknown): ResolvedInput {
  if (typeof input !== 'object' || input === null) {
    throw argumentError(ErrorCode.InvalidArgument, 'input', `expected a TokenGrid or { buffer: GPUBuffer, rows, cols, channels }, got ${describe(input)}`);
  }
  if (!('buffer' in input) || (input as { data?: unknown }).data !== undefined) {
    const grid = assertTokenGrid(input, 'input');
    return { kind: 'cpu', grid, shape: grid, dtype: 'float32' };
  }
  const g = input as GpuGridInput;
  const buffer = g.buffer as Partial<GPUBuffer> | undefined;
  if (typeof buffer !== 'object' || buffer === null || typeof buffer.size !== 'number' || typeof buffer.usage !== 'number') {
    throw argumentError(ErrorCode.InvalidArgument, 'input.buffer', `expected a GPUBuffer, got ${describe(buffer)}`);
  }
  if ((buffer.usage & BufferUsage.STORAGE) === 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'input.buffer', 'needs GPUBufferUsage.STORAGE to be read by a compute shader');
  }
  const shape = gridShape({ rows: g.rows, cols: g.cols, channels: g.channels, frames: g.frames ?? 1 }, 'input');
  const dtype = g.dtype === undefined ? 'float32' : oneOf(g.dtype, DTYPES, 'input.dtype');
  const byteOffset = g.byteOffset ?? 0;
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'input.byteOffset', `expected a non-negative multiple of 4, got ${describe(byteOffset)}`);
  }
  const count = shape.frames * shape.rows * shape.cols * shape.channels;
  const needed = byteOffset + Math.ceil((count * (dtype === 'float32' ? 4 : 2)) / 4) * 4;
  if (buffer.size < needed) {
    throw new MatryoshkaError(
      ErrorCode.ShapeMismatch,
      `input.buffer: ${count} ${dtype} values from byte ${byteOffset} need ${needed} bytes, the buffer has ${buffer.size}`,
      { argument: 'input.buffer' },
    );
  }
  return { kind: 'gpu', buffer: buffer as GPUBuffer, byteOffset, shape, dtype };
}
