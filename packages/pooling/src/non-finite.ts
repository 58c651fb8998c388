import { ErrorCode, MatryoshkaError, type NonFinitePolicy, type TokenGrid } from '@matryoshka/core';

/** True when every value is finite. Tight loop: `v - v` is 0 for finite values, NaN otherwise. */
export function allFinite(values: Float32Array, start = 0, end = values.length): boolean {
  let guard = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    guard += v - v;
  }
  return guard === 0;
}

/**
 * Throws NON_FINITE_VALUE naming the first NaN/±Infinity of the input. Called only once an output
 * was found non-finite, so the slow scan costs nothing on the good path.
 */
export function nonFiniteError(grid: TokenGrid, argument = 'grid'): MatryoshkaError {
  const { data, rows, cols, channels } = grid;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      const ch = i % channels;
      const cell = (i - ch) / channels;
      const col = cell % cols;
      const row = ((cell - col) / cols) % rows;
      const frame = Math.floor(cell / (rows * cols));
      return new MatryoshkaError(
        ErrorCode.NonFiniteValue,
        `${argument}.data[${i}] (frame ${frame}, row ${row}, col ${col}, channel ${ch}) is ${v}; pass { nonFinite: 'propagate' } to let it flow through like PyTorch`,
        { argument: `${argument}.data` },
      );
    }
  }
  return new MatryoshkaError(ErrorCode.NonFiniteValue, `${argument}.data produced a non-finite value`, { argument: `${argument}.data` });
}

/** In 'reject' mode, throws if `output` holds a non-finite value (which can only come from the input). */
export function checkFinite(output: Float32Array, policy: NonFinitePolicy, grid: TokenGrid): void {
  if (policy === 'reject' && !allFinite(output)) throw nonFiniteError(grid);
}
