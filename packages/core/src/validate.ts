import { ErrorCode, argumentError } from './errors.js';

/** How a value reads in an error message: short, never the whole of a large array. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return typeof value;
}

/** An integer ≥ 1 (sizes, kernels, token counts). */
export function positiveInt(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** A number or a `[rows, cols]` pair of positive integers. */
export function intPair(value: unknown, argument: string): readonly [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) {
      throw argumentError(ErrorCode.InvalidArgument, argument, `expected a number or [rows, cols], got ${describe(value)}`);
    }
    return [positiveInt(value[0], `${argument}[0]`), positiveInt(value[1], `${argument}[1]`)];
  }
  const n = positiveInt(value, argument);
  return [n, n];
}

export function optionsObject<T extends object>(value: T | undefined, argument: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected an options object, got ${describe(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], argument: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw argumentError(
      ErrorCode.InvalidArgument,
      argument,
      `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

export function bool(value: unknown, argument: string): boolean {
  if (typeof value !== 'boolean') {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected true or false, got ${describe(value)}`);
  }
  return value;
}
