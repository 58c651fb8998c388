/**
 * Stable error codes. Codes never change meaning once published; new ones may be added.
 * Match on `error.code`, not on the message.
 */
export const ErrorCode = {
  /** An argument has the wrong type or an impossible value (not an integer, negative, unknown mode…). */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** Sizes disagree: data length vs. rows×cols×channels, zero-sized grids, mismatched batches. */
  ShapeMismatch: 'SHAPE_MISMATCH',
  /** A requested token count cannot be served by the grid (larger than the grid, < 1). */
  ScaleOutOfRange: 'SCALE_OUT_OF_RANGE',
  /** A pooling window does not fit in the grid. */
  KernelTooLarge: 'KERNEL_TOO_LARGE',
  /** NaN or ±Infinity would reach the output (see `nonFinite` options). */
  NonFiniteValue: 'NON_FINITE_VALUE',
  /** `pyramid.at(tokens)` found no level with that token count. */
  LevelNotFound: 'LEVEL_NOT_FOUND',
  /** No backend is registered under that name. */
  BackendNotFound: 'BACKEND_NOT_FOUND',
  /** The backend is registered but cannot run here; the message says why. */
  BackendUnavailable: 'BACKEND_UNAVAILABLE',
  /** The object was disposed and cannot be used any more. */
  Disposed: 'DISPOSED',
  /** A device or runtime failed while working (lost device, driver error). */
  DeviceError: 'DEVICE_ERROR',
  /** A model family, processor or layout an integration cannot map (it names the model type). */
  UnsupportedModel: 'UNSUPPORTED_MODEL',
  /** A host library no longer behaves as an integration relies on (e.g. a hook was bypassed). */
  IntegrationBroken: 'INTEGRATION_BROKEN',
  /**
   * A size is above a safety limit (bytes a plan would allocate, a declared image size, a file's
   * size): checked before anything is allocated or read. The message names the option that raises it.
   */
  LimitExceeded: 'LIMIT_EXCEEDED',
  /** An optional peer package a feature needs is not installed; the message names the install command. */
  MissingDependency: 'MISSING_DEPENDENCY',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

// A brand shared by every copy of this package (ESM and CJS builds, duplicated installs),
// so `instanceof MatryoshkaError` and `isMatryoshkaError` work across copies.
const BRAND = Symbol.for('@matryoshka/core/MatryoshkaError');

export interface MatryoshkaErrorOptions {
  /** The argument at fault, as the caller wrote it (`grid.data`, `scales[2]`, `options.kernel`). */
  argument?: string;
  cause?: unknown;
}

export class MatryoshkaError extends Error {
  readonly code: ErrorCode;
  readonly argument: string | undefined;

  constructor(code: ErrorCode, message: string, options: MatryoshkaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MatryoshkaError';
    this.code = code;
    this.argument = options.argument;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isMatryoshkaError(value);
  }
}

export function isMatryoshkaError(value: unknown): value is MatryoshkaError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Shorthand for the common case: an error that names the argument in its message and fields. */
export function argumentError(code: ErrorCode, argument: string, message: string): MatryoshkaError {
  return new MatryoshkaError(code, `${argument}: ${message}`, { argument });
}
