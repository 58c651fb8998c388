import { ErrorCode, argumentError, assertTokenGrid, gridShape, type GridShape, type TokenGrid } from '@matryoshka/core';
import { describe, oneOf, optionsObject, readProperty } from '@matryoshka/core/backend';
import type { GpuResources } from './device/resources.js';
import { checkGpuBuffer } from './gpu-buffer.js';
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
export function resolveInput(input: unknown, res: GpuResources): ResolvedInput {
  if (typeof input !== 'object' || input === null) {
    throw argumentError(ErrorCode.InvalidArgument, 'input', `expected a TokenGrid or { buffer: GPUBuffer, rows, cols, channels }, got ${describe(input)}`);
  }
  if (!('buffer' in input) || readProperty(input, 'data', 'input.data') !== undefined) {
    const grid = assertTokenGrid(input, 'input');
    return { kind: 'cpu', grid, shape: grid, dtype: 'float32' };
  }
  const g = optionsObject(input as GpuGridInput, 'input');
  const shape = gridShape({ rows: g.rows as number, cols: g.cols as number, channels: g.channels as number, frames: g.frames ?? 1 }, 'input');
  const dtype = g.dtype === undefined ? 'float32' : oneOf(g.dtype, DTYPES, 'input.dtype');
  const byteOffset = g.byteOffset ?? 0;
  if (typeof byteOffset !== 'number' || !Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'input.byteOffset', `expected a non-negative multiple of 4, got ${describe(byteOffset)}`);
  }
  const count = shape.frames * shape.rows * shape.cols * shape.channels;
  const needed = byteOffset + Math.ceil((count * (dtype === 'float32' ? 4 : 2)) / 4) * 4;
  const buffer = checkGpuBuffer(g.buffer, res, needed, 'input.buffer');
  return { kind: 'gpu', buffer, byteOffset, shape, dtype };
}
