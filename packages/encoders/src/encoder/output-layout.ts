import { ErrorCode, argumentError, tokenGrid, type TokenGrid } from '@matryoshka/core';
import { arrayOf, describe, oneOf, optionsObject, positiveInt } from '@matryoshka/core/backend';

/**
 * How an encoder's output holds the patch grid:
 * - `vit`: `[batch, prefix + rows·cols, channels]`, transformer tokens; the `prefix` leading tokens
 *   (CLS, registers) are dropped, like LLaVA's `select_feature = 'patch'`, and the rest read row-major;
 * - `nhwc`: `[batch, rows, cols, channels]` (TensorFlow-style conv features, already a token grid);
 * - `nchw`: `[batch, channels, rows, cols]` (PyTorch-style conv features, transposed).
 */
export type OutputLayout = 'vit' | 'nhwc' | 'nchw';

export interface GridLayout {
  readonly layout: OutputLayout;
  /** Leading non-patch tokens of a `vit` output; inferred when absent: 1 (CLS) if the rest is a square, else 0. */
  readonly prefixTokens?: number;
  /** The patch grid of a `vit` output (a square one is inferred). */
  readonly grid?: { readonly rows: number; readonly cols: number };
}

const isSquare = (n: number): boolean => n >= 1 && Math.round(Math.sqrt(n)) ** 2 === n;

function vitGrid(tokens: number, spec: GridLayout, argument: string): { prefix: number; rows: number; cols: number } {
  const prefixTokens = spec.prefixTokens ?? (spec.grid === undefined ? (isSquare(tokens - 1) ? 1 : 0) : tokens - spec.grid.rows * spec.grid.cols);
  const patches = tokens - prefixTokens;
  if (prefixTokens < 0) {
    throw argumentError(
      ErrorCode.ShapeMismatch,
      argument,
      `the output has ${tokens} tokens, fewer than the ${spec.grid!.rows}×${spec.grid!.cols} grid asked for`,
    );
  }
  if (spec.grid !== undefined) {
    if (spec.grid.rows * spec.grid.cols !== patches) {
      throw argumentError(
        ErrorCode.ShapeMismatch,
        argument,
        `the output has ${tokens} tokens; ${prefixTokens} prefix + ${spec.grid.rows}×${spec.grid.cols} patches would be ${prefixTokens + spec.grid.rows * spec.grid.cols}`,
      );
    }
    return { prefix: prefixTokens, ...spec.grid };
  }
  const side = Math.round(Math.sqrt(Math.max(patches, 0)));
  if (patches < 1 || side * side !== patches) {
    throw argumentError(
      ErrorCode.ShapeMismatch,
      argument,
      `the output has ${tokens} tokens: minus ${prefixTokens} prefix token(s) that is ${patches}, not a square grid; set options.prefixTokens or options.grid`,
    );
  }
  return { prefix: prefixTokens, rows: side, cols: side };
}

/**
 * One `TokenGrid` per batch item from an output tensor's data and dims. NHWC outputs are wrapped
 * without copying; `vit` drops the prefix tokens and `nchw` transposes, each into a new array.
 */
export function outputToGrids(data: Float32Array, dims: readonly number[], layout: GridLayout, argument: string): TokenGrid[] {
  const where = typeof argument === 'string' && argument !== '' ? argument : 'output';
  const spec = checkLayout(layout);
  if (!(data instanceof Float32Array)) throw argumentError(ErrorCode.InvalidArgument, 'data', `expected a Float32Array, got ${describe(data)}`);
  const d = arrayOf(dims, 'dims', 'an array of sizes');
  d.forEach((n, i) => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
      throw argumentError(ErrorCode.ShapeMismatch, `dims[${i}]`, `expected a size ≥ 1, got ${describe(n)}`);
  });
  const total = (d as number[]).reduce((a, b) => a * b, 1);
  if (total !== data.length) throw argumentError(ErrorCode.ShapeMismatch, 'dims', `[${d.join(', ')}] holds ${total} values, the data has ${data.length}`);
  // Nothing non-finite leaves: a model's NaN/±Infinity is reported, never pooled.
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw argumentError(ErrorCode.NonFiniteValue, where, `value ${bad} is ${data[bad]}; the features must be finite`);
  return toGrids(data, d as number[], spec, where);
}

function checkLayout(value: GridLayout): GridLayout {
  const o = optionsObject(value, 'layout');
  const layout = oneOf(o.layout, ['vit', 'nhwc', 'nchw'] as const, 'layout.layout');
  const prefixTokens = o.prefixTokens;
  if (prefixTokens !== undefined && (typeof prefixTokens !== 'number' || !Number.isSafeInteger(prefixTokens) || prefixTokens < 0)) {
    throw argumentError(ErrorCode.InvalidArgument, 'layout.prefixTokens', `expected an integer ≥ 0, got ${describe(prefixTokens)}`);
  }
  const grid = o.grid === undefined ? undefined : optionsObject(o.grid, 'layout.grid');
  return {
    layout,
    ...(prefixTokens === undefined ? {} : { prefixTokens }),
    ...(grid === undefined ? {} : { grid: { rows: positiveInt(grid.rows, 'layout.grid.rows'), cols: positiveInt(grid.cols, 'layout.grid.cols') } }),
  };
}

function toGrids(data: Float32Array, dims: readonly number[], spec: GridLayout, argument: string): TokenGrid[] {
  const expectedRank = spec.layout === 'vit' ? 3 : 4;
  if (dims.length !== expectedRank) {
    throw argumentError(ErrorCode.ShapeMismatch, argument, `a '${spec.layout}' output has rank ${expectedRank}, got dims [${dims.join(', ')}]`);
  }
  const batch = dims[0]!;
  const grids: TokenGrid[] = [];
  const perItem = data.length / batch;
  for (let b = 0; b < batch; b++) {
    const item = data.subarray(b * perItem, (b + 1) * perItem);
    if (spec.layout === 'nhwc') {
      grids.push(tokenGrid(item, { rows: dims[1]!, cols: dims[2]!, channels: dims[3]! }));
    } else if (spec.layout === 'vit') {
      const channels = dims[2]!;
      const { prefix, rows, cols } = vitGrid(dims[1]!, spec, argument);
      grids.push(tokenGrid(item.slice(prefix * channels), { rows, cols, channels }));
    } else {
      const [, channels, rows, cols] = dims as [number, number, number, number];
      const plane = rows * cols;
      const out = new Float32Array(item.length);
      for (let c = 0; c < channels; c++) {
        for (let p = 0; p < plane; p++) out[p * channels + c] = item[c * plane + p]!;
      }
      grids.push(tokenGrid(out, { rows, cols, channels }));
    }
  }
  return grids;
}
