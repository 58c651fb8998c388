import { ErrorCode, argumentError, assertTokenGrid, intPair, optionsObject, poolWindows, type AxisWindow, type NonFinitePolicy, type TokenGrid } from '@matryoshka/core';
import { checkFinite } from '../non-finite.js';
import { nonFinitePolicy } from '../options.js';

export interface NonFiniteOption {
  /** NaN/±Infinity reaching the output: throw (`'reject'`, default) or pass through like PyTorch. */
  nonFinite?: NonFinitePolicy;
}

/** Checks the grid and the options object of an op; every op starts here. */
export function prepare<O extends NonFiniteOption>(
  grid: TokenGrid,
  options: O | undefined,
): { grid: TokenGrid; options: Partial<O>; policy: NonFinitePolicy } {
  const g = assertTokenGrid(grid, 'grid');
  const o = optionsObject(options, 'options');
  return { grid: g, options: o, policy: nonFinitePolicy(o.nonFinite) };
}

/** Wraps an op's output as a grid after the non-finite check. */
export function finish(
  out: Float32Array,
  input: TokenGrid,
  shape: { frames?: number; rows: number; cols: number },
  policy: NonFinitePolicy,
): TokenGrid {
  checkFinite(out, policy, input);
  return Object.freeze({ data: out, frames: shape.frames ?? input.frames, rows: shape.rows, cols: shape.cols, channels: input.channels });
}

/** Window size on one axis must fit the grid (PyTorch would fail with "output size is too small"). */
export function fitKernel(kernel: number, size: number, axis: 'rows' | 'cols' | 'frames', argument: string, grid: TokenGrid): void {
  if (kernel > size) {
    throw argumentError(
      ErrorCode.KernelTooLarge,
      argument,
      `a window of ${kernel} ${axis} does not fit a grid of ${grid.frames}×${grid.rows}×${grid.cols} (frames×rows×cols)`,
    );
  }
}

export interface WindowOptions {
  kernel: number | readonly [number, number];
  stride?: number | readonly [number, number];
}

/**
 * The checked kernel and stride of a 2-D pooling op (stride defaults to the kernel) and the
 * windows they make on each axis, PyTorch's padding-0 rule.
 */
export function pooling2d(
  g: TokenGrid,
  o: Partial<WindowOptions>,
  ceil: boolean,
): { kernel: readonly [number, number]; stride: readonly [number, number]; rows: AxisWindow[]; cols: AxisWindow[] } {
  const kernel = intPair(o.kernel, 'options.kernel');
  const stride = o.stride === undefined ? kernel : intPair(o.stride, 'options.stride');
  fitKernel(kernel[0], g.rows, 'rows', 'options.kernel', g);
  fitKernel(kernel[1], g.cols, 'cols', 'options.kernel', g);
  return {
    kernel,
    stride,
    rows: poolWindows(g.rows, kernel[0], stride[0], ceil, 'options.kernel'),
    cols: poolWindows(g.cols, kernel[1], stride[1], ceil, 'options.kernel'),
  };
}
