import { ErrorCode, MatryoshkaError, isMatryoshkaError } from '@matryoshka/core';

/** A bad demo option or input: a `MatryoshkaError` (`INVALID_ARGUMENT`) naming the argument. */
export function invalid(argument: string, message: string): MatryoshkaError {
  return new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: ${message}`, { argument });
}

/**
 * Runs `fn` (sync or async), prefixing a MatryoshkaError's message with the file it concerns, so
 * "image: not a PNG or JPEG" becomes "photos/cat.png: image: not a PNG or JPEG". Code and
 * argument are kept.
 */
export function within<T>(file: string, fn: () => T): T {
  const wrap = (error: unknown): never => {
    if (isMatryoshkaError(error)) {
      throw new MatryoshkaError(error.code, `${file}: ${error.message}`, {
        cause: error,
        ...(error.argument === undefined ? {} : { argument: error.argument }),
      });
    }
    throw error;
  };
  try {
    const out = fn();
    return (out instanceof Promise ? out.catch(wrap) : out) as T;
  } catch (error) {
    return wrap(error);
  }
}
