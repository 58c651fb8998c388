import { ErrorCode, argumentError } from '../errors.js';
import type { GridShape } from '../token-grid.js';
import { bool, describe, intPair, oneOf, optionsObject, positiveInt } from '../validate.js';
import { MAX_AXIS, MAX_AXIS_WEIGHTS, MAX_FRAMES, checkAxis, checkOutputBytes, maxOutputBytes } from './limits.js';
import { adaptiveWindows, bilinearWindows, poolOutputSize, poolWindows, type AxisWindow } from './windows.js';

/** The single pooling operations every backend implements (PyTorch names in the docs of each). */
export type PoolingOpName = 'avgPool2d' | 'maxPool2d' | 'adaptiveAvgPool2d' | 'bilinearResize' | 'avgPool3d' | 'spatialSample' | 'sequentialSample';

export const POOLING_OPS: readonly PoolingOpName[] = [
  'avgPool2d',
  'maxPool2d',
  'adaptiveAvgPool2d',
  'bilinearResize',
  'avgPool3d',
  'spatialSample',
  'sequentialSample',
];

export interface OpPlan {
  /** Weighted sum over the windows, or their maximum. */
  readonly reduce: 'average' | 'max';
  /** How the input is read: sequential sampling sees each frame as one row of `rows × cols` tokens. */
  readonly input: { readonly frames: number; readonly rows: number; readonly cols: number };
  readonly windows: { readonly frames: readonly AxisWindow[]; readonly rows: readonly AxisWindow[]; readonly cols: readonly AxisWindow[] };
  /** Output sizes (`windows.*.length`). */
  readonly frames: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Checks an op's options and turns them into windows on each axis (frames, rows, cols): pure
 * arithmetic shared by every backend, so they agree on shapes and on what is an error.
 */
export function planOp(grid: GridShape, op: PoolingOpName, options: unknown): OpPlan {
  const o = optionsObject(options as Record<string, unknown> | undefined, 'options') as Record<string, unknown>;
  const limit = maxOutputBytes(o.maxOutputBytes, 'options.maxOutputBytes');
  const result = planWindows(grid, op, o);
  checkOutputBytes(result.frames * result.rows * result.cols * grid.channels, limit, `${op}`);
  return result;
}

function planWindows(grid: GridShape, op: PoolingOpName, o: Record<string, unknown>): OpPlan {
  checkAxis(grid.frames, 'grid.frames', 'a frame count', MAX_FRAMES);
  const identityFrames = unitWindows(Array.from({ length: grid.frames }, (_, i) => i));
  switch (op) {
    case 'avgPool2d':
    case 'maxPool2d': {
      const ceil = o.ceilMode === undefined ? false : bool(o.ceilMode, 'options.ceilMode');
      const { rows, cols } = windows2d(grid, o, ceil);
      return plan(op === 'avgPool2d' ? 'average' : 'max', grid, identityFrames, rows, cols);
    }
    case 'adaptiveAvgPool2d':
    case 'bilinearResize': {
      const rows = positiveInt(o.rows, 'options.rows');
      const cols = positiveInt(o.cols, 'options.cols');
      checkAxis(rows, 'options.rows', 'an output side', MAX_AXIS);
      checkAxis(cols, 'options.cols', 'an output side', MAX_AXIS);
      checkAxis(grid.rows, 'grid.rows', 'an input side', MAX_AXIS_WEIGHTS);
      checkAxis(grid.cols, 'grid.cols', 'an input side', MAX_AXIS_WEIGHTS);
      const w = op === 'adaptiveAvgPool2d' ? adaptiveWindows : bilinearWindows;
      return plan('average', grid, identityFrames, w(grid.rows, rows), w(grid.cols, cols));
    }
    case 'avgPool3d': {
      const kt = positiveInt(o.temporalKernel, 'options.temporalKernel');
      const st = o.temporalStride === undefined ? kt : positiveInt(o.temporalStride, 'options.temporalStride');
      fit(kt, grid.frames, 'frames', 'options.temporalKernel', grid);
      axisBudget(grid.frames, kt, st, false, 'options.temporalKernel');
      const { rows, cols } = windows2d(grid, o, false);
      return plan('average', grid, poolWindows(grid.frames, kt, st, false, 'options.temporalKernel'), rows, cols);
    }
    case 'spatialSample': {
      const rows = positiveInt(o.rows, 'options.rows');
      const cols = positiveInt(o.cols, 'options.cols');
      checkAxis(rows, 'options.rows', 'an output side', MAX_AXIS);
      checkAxis(cols, 'options.cols', 'an output side', MAX_AXIS);
      const anchor = o.anchor === undefined ? 'center' : oneOf(o.anchor, ['center', 'start'] as const, 'options.anchor');
      if (rows > grid.rows || cols > grid.cols) {
        throw argumentError(ErrorCode.ScaleOutOfRange, 'options', `a ${rows}×${cols} sub-grid does not fit a ${grid.rows}×${grid.cols} grid`);
      }
      const pick = (n: number, size: number) => Array.from({ length: n }, (_, i) => Math.floor(((anchor === 'center' ? i + 0.5 : i) * size) / n));
      return plan('average', grid, identityFrames, unitWindows(pick(rows, grid.rows)), unitWindows(pick(cols, grid.cols)));
    }
    case 'sequentialSample': {
      const tokens = positiveInt(o.tokens, 'options.tokens');
      checkAxis(tokens, 'options.tokens', 'a token count', MAX_AXIS);
      const perFrame = grid.rows * grid.cols;
      if (tokens > perFrame) {
        throw argumentError(
          ErrorCode.ScaleOutOfRange,
          'options.tokens',
          `${tokens} tokens requested but a ${grid.rows}×${grid.cols} grid has only ${perFrame}`,
        );
      }
      const input = { frames: grid.frames, rows: 1, cols: perFrame };
      return plan('average', input, identityFrames, unitWindows([0]), unitWindows(Array.from({ length: tokens }, (_, i) => i)));
    }
    default:
      throw argumentError(ErrorCode.InvalidArgument, 'op', `expected one of ${POOLING_OPS.join(', ')}, got ${describe(op)}`);
  }
}

function windows2d(grid: GridShape, o: Record<string, unknown>, ceil: boolean): { rows: AxisWindow[]; cols: AxisWindow[] } {
  const [kr, kc] = intPair(o.kernel, 'options.kernel');
  const [sr, sc] = o.stride === undefined ? [kr, kc] : intPair(o.stride, 'options.stride');
  fit(kr, grid.rows, 'rows', 'options.kernel', grid);
  fit(kc, grid.cols, 'cols', 'options.kernel', grid);
  axisBudget(grid.rows, kr, sr, ceil, o.stride === undefined ? 'options.kernel' : 'options.stride');
  axisBudget(grid.cols, kc, sc, ceil, o.stride === undefined ? 'options.kernel' : 'options.stride');
  return { rows: poolWindows(grid.rows, kr, sr, ceil, 'options.kernel'), cols: poolWindows(grid.cols, kc, sc, ceil, 'options.kernel') };
}

/** Windows and their weights along one axis stay within the planning limits (overlap repeats cells). */
function axisBudget(size: number, kernel: number, stride: number, ceil: boolean, argument: string): void {
  const windows = poolOutputSize(size, kernel, stride, ceil);
  checkAxis(windows, argument, 'a window count along one axis', MAX_AXIS);
  checkAxis(windows * kernel, argument, 'a window weight count along one axis', MAX_AXIS_WEIGHTS);
}

/** A window must fit the grid (PyTorch fails with "output size is too small" otherwise). */
function fit(kernel: number, size: number, axis: string, argument: string, grid: GridShape): void {
  if (kernel > size) {
    throw argumentError(
      ErrorCode.KernelTooLarge,
      argument,
      `a window of ${kernel} ${axis} does not fit a grid of ${grid.frames}×${grid.rows}×${grid.cols} (frames×rows×cols)`,
    );
  }
}

function unitWindows(indices: readonly number[]): AxisWindow[] {
  return indices.map((i) => ({ start: i, end: i + 1, weights: [1] }));
}

function plan(
  reduce: OpPlan['reduce'],
  input: OpPlan['input'],
  frames: readonly AxisWindow[],
  rows: readonly AxisWindow[],
  cols: readonly AxisWindow[],
): OpPlan {
  return {
    reduce,
    input: { frames: input.frames, rows: input.rows, cols: input.cols },
    windows: { frames, rows, cols },
    frames: frames.length,
    rows: rows.length,
    cols: cols.length,
  };
}
