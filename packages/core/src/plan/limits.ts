import { ErrorCode, MatryoshkaError, argumentError } from '../errors.js';
import { describe } from '../validate.js';

/**
 * Limits of planning, checked before anything is allocated: a plan is pure arithmetic, so a
 * hostile size (a side of 1e9) must be refused by arithmetic, not by running out of memory.
 */
/** Cells along one axis a plan reads or writes (2^20: far above any vision encoder's grid). */
export const MAX_AXIS = 1 << 20;
/** Window weights along one axis (overlapping windows repeat cells: `windows × kernel`). */
export const MAX_AXIS_WEIGHTS = 1 << 22;
/** Frames an op plans windows for. */
export const MAX_FRAMES = 1 << 20;
/** Levels one pyramid may ask for. */
export const MAX_LEVELS = 1024;
/** Default of `maxOutputBytes`: what one call may allocate for its results (2 GiB). */
export const DEFAULT_MAX_OUTPUT_BYTES = 2 ** 31;

export function checkAxis(size: number, argument: string, what: string, limit = MAX_AXIS): void {
  if (size > limit) {
    throw argumentError(ErrorCode.LimitExceeded, argument, `${what} of ${size} is above the planning limit of ${limit}`);
  }
}

/** The `maxOutputBytes` option: a positive safe integer, default 2 GiB. */
export function maxOutputBytes(value: unknown, argument: string): number {
  if (value === undefined) return DEFAULT_MAX_OUTPUT_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a positive integer number of bytes, got ${describe(value)}`);
  }
  return value;
}

/** Refuses a result of `values` float32 values above `limit` bytes, naming the option that raises it. */
export function checkOutputBytes(values: number, limit: number, argument: string): void {
  const bytes = values * 4;
  if (!Number.isSafeInteger(bytes) || bytes > limit) {
    throw new MatryoshkaError(
      ErrorCode.LimitExceeded,
      `${argument}: the result would take ${bytes} bytes (${values} float32 values), above the limit of ${limit}; raise options.maxOutputBytes to allow it`,
      { argument: 'options.maxOutputBytes' },
    );
  }
}
