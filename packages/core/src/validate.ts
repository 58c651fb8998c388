import { ErrorCode, MatryoshkaError, argumentError } from './errors.js';

/** How a value reads in an error message: short, never the whole of a large array. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  try {
    if (ArrayBuffer.isView(value))
      return `a ${Object.prototype.toString.call(value).slice(8, -1)} of length ${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength}`;
    if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  } catch {
    return 'an object';
  }
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
    const [a, b] = arrayOf(value, argument, 'a number or [rows, cols]');
    return [positiveInt(a, `${argument}[0]`), positiveInt(b, `${argument}[1]`)];
  }
  const n = positiveInt(value, argument);
  return [n, n];
}

/**
 * An options object, read once: its own enumerable string keys copied into a null-prototype
 * object. Inherited names (`constructor`, `__proto__`, a polluted `Object.prototype`) are never
 * taken for options, a getter runs once (so a value cannot change between check and use), and a
 * getter that throws becomes INVALID_ARGUMENT naming the key.
 */
export function optionsObject<T extends object>(value: T | undefined, argument: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected an options object, got ${describe(value)}`);
  }
  const copy = Object.create(null) as Record<string, unknown>;
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (cause) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: its keys cannot be listed (${messageOf(cause)})`, { argument, cause });
  }
  for (const key of keys) copy[key] = readProperty(value, key, `${argument}.${key}`);
  return copy as Partial<T>;
}

/** `object[key]`, with a throwing getter or proxy trap turned into INVALID_ARGUMENT naming `argument`. */
export function readProperty(object: object, key: string | number, argument: string): unknown {
  try {
    return (object as Record<string | number, unknown>)[key];
  } catch (cause) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: reading it threw (${messageOf(cause)})`, { argument, cause });
  }
}

/**
 * A dense array copied element by element: holes and throwing getters are caught here, so a
 * sparse `[576, , 9]` is an error naming `argument[1]` and never an `undefined` deeper down.
 */
export function arrayOf(value: unknown, argument: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw argumentError(ErrorCode.InvalidArgument, argument, `expected ${what}, got ${describe(value)}`);
  const length = value.length;
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) {
    if (!(i in value)) throw argumentError(ErrorCode.InvalidArgument, `${argument}[${i}]`, 'is a hole in a sparse array; expected a value');
    out[i] = readProperty(value, i, `${argument}[${i}]`);
  }
  return out;
}

function messageOf(cause: unknown): string {
  try {
    return cause instanceof Error ? cause.message : String(cause);
  } catch {
    return 'an unprintable value';
  }
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], argument: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function bool(value: unknown, argument: string): boolean {
  if (typeof value !== 'boolean') {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected true or false, got ${describe(value)}`);
  }
  return value;
}
