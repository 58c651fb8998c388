import { ErrorCode, MatryoshkaError, argumentError, assertTokenGrid, gridShape, type GridShape, type TokenGrid } from '@matryoshka/core';
import { describe, oneOf } from '@matryoshka/core/backend';
import { CudaError, type DevicePointer } from './driver/api.js';
import type { CudaRuntime } from './device/runtime.js';
import { elementBytes, type CudaDType } from './kernels/names.js';

/** A grid already in device memory of the backend's context, owned by the caller (never written or freed). */
export interface CudaGridInput {
  /** The device address (CUdeviceptr), e.g. a level of another pyramid or a PyTorch tensor's `data_ptr()`. */
  readonly pointer: DevicePointer;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
  /** Default 1. */
  readonly frames?: number;
  /** Default `'float32'`. */
  readonly dtype?: CudaDType;
  /** Where the grid starts after `pointer` (a multiple of the element size). Default 0. */
  readonly byteOffset?: number;
}

/** Half-precision values on the CPU (IEEE float16 or bfloat16 bits), uploaded as they are. */
export interface HalfGrid {
  readonly data: Uint16Array;
  readonly dtype: 'float16' | 'bfloat16';
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
  readonly frames?: number;
}

export type CudaInput = TokenGrid | HalfGrid | CudaGridInput;

export type ResolvedInput =
  | { readonly kind: 'host'; readonly data: Float32Array | Uint16Array; readonly shape: GridShape; readonly dtype: CudaDType }
  | { readonly kind: 'device'; readonly pointer: DevicePointer; readonly shape: GridShape; readonly dtype: CudaDType };

const HALF_TYPES = ['float16', 'bfloat16'] as const;
const ALL_TYPES = ['float32', 'float16', 'bfloat16'] as const;

/**
 * Checks an input before any device work; bad ones get a MatryoshkaError naming the field. A
 * device pointer is checked against the allocation that holds it (cuMemGetAddressRange), so a
 * grid that would run past its end is rejected instead of read.
 */
export function resolveInput(runtime: CudaRuntime, input: unknown): ResolvedInput {
  if (typeof input !== 'object' || input === null) {
    throw argumentError(
      ErrorCode.InvalidArgument,
      'input',
      `expected a TokenGrid, { data: Uint16Array, dtype } or { pointer: bigint, rows, cols, channels }, got ${describe(input)}`,
    );
  }
  if ('pointer' in input) return deviceInput(runtime, input as CudaGridInput);
  const data = (input as { data?: unknown }).data;
  if (data instanceof Uint16Array) {
    const g = input as HalfGrid;
    const dtype = oneOf(g.dtype, HALF_TYPES, 'input.dtype');
    const shape = gridShape({ rows: g.rows, cols: g.cols, channels: g.channels, frames: g.frames ?? 1 }, 'input');
    const expected = shape.frames * shape.rows * shape.cols * shape.channels;
    if (data.length !== expected) {
      throw argumentError(
        ErrorCode.ShapeMismatch,
        'input.data',
        `expected ${expected} values (${shape.frames}×${shape.rows}×${shape.cols}×${shape.channels}), got ${data.length}`,
      );
    }
    return { kind: 'host', data, shape, dtype };
  }
  const grid = assertTokenGrid(input, 'input');
  return { kind: 'host', data: grid.data, shape: grid, dtype: 'float32' };
}

function deviceInput(runtime: CudaRuntime, g: CudaGridInput): ResolvedInput {
  if (typeof g.pointer !== 'bigint' || g.pointer <= 0n) {
    throw argumentError(ErrorCode.InvalidArgument, 'input.pointer', `expected a device address as a positive bigint, got ${describe(g.pointer)}`);
  }
  const shape = gridShape({ rows: g.rows, cols: g.cols, channels: g.channels, frames: g.frames ?? 1 }, 'input');
  const dtype = g.dtype === undefined ? 'float32' : oneOf(g.dtype, ALL_TYPES, 'input.dtype');
  const size = elementBytes(dtype);
  const byteOffset = g.byteOffset ?? 0;
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset % size !== 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'input.byteOffset', `expected a non-negative multiple of ${size} (${dtype}), got ${describe(byteOffset)}`);
  }
  const pointer = g.pointer + BigInt(byteOffset);
  if (pointer % BigInt(size) !== 0n) {
    throw argumentError(ErrorCode.InvalidArgument, 'input.pointer', `a ${dtype} grid must start at a multiple of ${size} bytes, got 0x${pointer.toString(16)}`);
  }
  const bytes = shape.frames * shape.rows * shape.cols * shape.channels * size;
  let range: { base: DevicePointer; bytes: number };
  try {
    range = runtime.within(() => runtime.driver.memAddressRange(pointer));
  } catch (error) {
    const cause = error instanceof MatryoshkaError && error.cause instanceof CudaError ? error.cause : error;
    throw new MatryoshkaError(
      ErrorCode.InvalidArgument,
      `input.pointer: 0x${pointer.toString(16)} is not device memory of this backend's context (${(cause as Error).message})`,
      {
        argument: 'input.pointer',
        cause,
      },
    );
  }
  const available = Number(range.base + BigInt(range.bytes) - pointer);
  if (bytes > available) {
    throw new MatryoshkaError(
      ErrorCode.ShapeMismatch,
      `input.pointer: ${shape.frames}×${shape.rows}×${shape.cols}×${shape.channels} ${dtype} values need ${bytes} bytes, the allocation has ${available} from there`,
      { argument: 'input.pointer' },
    );
  }
  return { kind: 'device', pointer, shape, dtype };
}
