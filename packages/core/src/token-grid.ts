import { ErrorCode, argumentError } from './errors.js';
import { arrayOf, describe, optionsObject, positiveInt, readProperty } from './validate.js';

/**
 * Visual tokens laid out row-major as `[frames][rows][cols][channels]` — LLaVA's `(N, H·W, C)`
 * flattening. Images have `frames = 1`; a batch of images or a video uses `frames > 1`, and 2-D
 * operations treat every frame on its own.
 */
export interface TokenGrid {
  readonly data: Float32Array;
  readonly frames: number;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
}

/** A grid's sizes without its data (what planning and device-resident results carry). */
export interface GridShape {
  readonly frames: number;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
}

export interface TokenGridSizes {
  rows: number;
  cols: number;
  channels: number;
  /** Default 1. */
  frames?: number;
}

/** Checks four positive sizes and that their product is a valid array length. */
export function gridShape(sizes: TokenGridSizes, argument = 'sizes'): GridShape {
  const s = optionsObject(sizes, argument);
  const rows = positiveInt(s.rows, `${argument}.rows`);
  const cols = positiveInt(s.cols, `${argument}.cols`);
  const channels = positiveInt(s.channels, `${argument}.channels`);
  const frames = s.frames === undefined ? 1 : positiveInt(s.frames, `${argument}.frames`);
  const length = frames * rows * cols * channels;
  if (!Number.isSafeInteger(length) || length > 2 ** 32) {
    throw argumentError(ErrorCode.ShapeMismatch, argument, `${frames}×${rows}×${cols}×${channels} values is too large for one Float32Array`);
  }
  return { frames, rows, cols, channels };
}

/**
 * Wraps `data` as a grid after checking the sizes; never copies. The caller keeps ownership of
 * `data`: nothing in Matryoshka writes to an input grid.
 */
export function tokenGrid(data: Float32Array, sizes: TokenGridSizes): TokenGrid {
  const shape = gridShape(sizes);
  if (!(data instanceof Float32Array)) {
    throw argumentError(ErrorCode.InvalidArgument, 'data', `expected a Float32Array, got ${describe(data)}`);
  }
  const expected = shape.frames * shape.rows * shape.cols * shape.channels;
  if (data.length !== expected) {
    throw argumentError(
      ErrorCode.ShapeMismatch,
      'data',
      `expected ${expected} values (${shape.frames} frames × ${shape.rows} rows × ${shape.cols} cols × ${shape.channels} channels), got ${data.length}`,
    );
  }
  return Object.freeze({ data, ...shape });
}

/**
 * Checks a value that claims to be a grid (it may be an object literal the caller built) and
 * returns it unchanged. Every public operation taking a grid calls this first.
 */
export function assertTokenGrid(value: unknown, argument = 'grid'): TokenGrid {
  if (typeof value !== 'object' || value === null) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a TokenGrid, got ${describe(value)}`);
  }
  // Each field is read once: a getter cannot hand the checks one value and the kernels another.
  const field = (key: keyof TokenGrid) => readProperty(value, key, `${argument}.${key}`);
  const frames = field('frames');
  const shape = gridShape(
    { rows: field('rows') as number, cols: field('cols') as number, channels: field('channels') as number, frames: (frames ?? 1) as number },
    argument,
  );
  const data = field('data');
  if (!(data instanceof Float32Array)) {
    throw argumentError(ErrorCode.InvalidArgument, `${argument}.data`, `expected a Float32Array, got ${describe(data)}`);
  }
  const expected = shape.frames * shape.rows * shape.cols * shape.channels;
  if (data.length !== expected) {
    const detached = data.length === 0 && data.buffer.byteLength === 0 ? ' (its buffer is detached or empty)' : '';
    throw argumentError(
      ErrorCode.ShapeMismatch,
      `${argument}.data`,
      `expected ${expected} values (${shape.frames}×${shape.rows}×${shape.cols}×${shape.channels}), got ${data.length}${detached}`,
    );
  }
  const plain = Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null;
  const ownData = plain && Object.isFrozen(value) && frames !== undefined;
  return ownData ? (value as TokenGrid) : Object.freeze({ ...shape, data });
}

/** Tokens in a grid: `frames × rows × cols` (each token is `channels` values). */
export function tokenCount(shape: Pick<GridShape, 'frames' | 'rows' | 'cols'>): number {
  return shape.frames * shape.rows * shape.cols;
}

/** One grid holding several same-sized grids as consecutive frames (copies once). */
export function stackFrames(grids: readonly TokenGrid[]): TokenGrid {
  if (!Array.isArray(grids) || grids.length === 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'grids', `expected a non-empty array of TokenGrids, got ${describe(grids)}`);
  }
  const checked = arrayOf(grids, 'grids', 'an array of TokenGrids').map((g, i) => assertTokenGrid(g, `grids[${i}]`));
  const first = checked[0]!;
  let frames = 0;
  checked.forEach((grid, i) => {
    if (grid.rows !== first.rows || grid.cols !== first.cols || grid.channels !== first.channels) {
      throw argumentError(
        ErrorCode.ShapeMismatch,
        `grids[${i}]`,
        `expected ${first.rows}×${first.cols}×${first.channels} like grids[0], got ${grid.rows}×${grid.cols}×${grid.channels}`,
      );
    }
    frames += grid.frames;
  });
  // Sizes first: the sum of many valid grids may itself be too large for one array.
  const shape = gridShape({ frames, rows: first.rows, cols: first.cols, channels: first.channels }, 'grids');
  const data = new Float32Array(shape.frames * shape.rows * shape.cols * shape.channels);
  let offset = 0;
  for (const g of checked) {
    data.set(g.data, offset);
    offset += g.data.length;
  }
  return tokenGrid(data, shape);
}

/** Each frame of a grid as its own single-frame grid: views on the same memory, no copy. */
export function splitFrames(grid: TokenGrid): TokenGrid[] {
  const g = assertTokenGrid(grid);
  const size = g.rows * g.cols * g.channels;
  const out: TokenGrid[] = [];
  for (let f = 0; f < g.frames; f++) {
    out.push(tokenGrid(g.data.subarray(f * size, (f + 1) * size), { rows: g.rows, cols: g.cols, channels: g.channels }));
  }
  return out;
}
