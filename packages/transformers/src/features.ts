import {
  ErrorCode,
  MatryoshkaError,
  fromFloat16,
  toFloat16,
  tokenGrid,
  type Backend,
  type PoolingMode,
  type PyramidLevel,
  type TokenGrid,
  type TokenPyramid,
} from '@matryoshka/core';
import { createTokenPyramid } from '@matryoshka/core/backend';
import type { FeatureGrid } from './grid.js';
import type { TensorLike } from './internals.js';
import type { PlannedCount } from './tokens.js';

/** The encoder's `image_features` as float32 patch grids, one frame per image, CLS rows apart. */
export interface FeatureFrames {
  readonly images: number;
  readonly hidden: number;
  readonly grid: FeatureGrid;
  /** [images][rows][cols][hidden]; a view of the tensor's data when it is float32 without CLS. */
  readonly patches: TokenGrid;
  /** [images][hidden]: each image's CLS row, or `undefined` without one. */
  readonly cls: Float32Array | undefined;
  readonly dtype: 'float32' | 'float16';
}

/** Reads `image_features` [images, rows, hidden] into patch grids without changing the tensor. */
export function featureFrames(features: TensorLike, grid: FeatureGrid, modelType: string): FeatureFrames {
  const [images, rows, hidden] = features.dims;
  if (features.dims.length !== 3 || images === undefined || rows === undefined || hidden === undefined) {
    throw new MatryoshkaError(
      ErrorCode.UnsupportedModel,
      `model: the '${modelType}' vision encoder returned image_features of shape [${features.dims.join(', ')}]; expected [images, rows, hidden]`,
      {
        argument: 'model',
      },
    );
  }
  const values = asFloat32(features, modelType);
  const cells = grid.rows * grid.cols;
  if (!grid.cls) {
    return {
      images,
      hidden,
      grid,
      patches: tokenGrid(values, { frames: images, rows: grid.rows, cols: grid.cols, channels: hidden }),
      cls: undefined,
      dtype: dtypeOf(features),
    };
  }
  const patches = new Float32Array(images * cells * hidden);
  const cls = new Float32Array(images * hidden);
  for (let i = 0; i < images; i++) {
    const start = i * rows * hidden;
    cls.set(values.subarray(start, start + hidden), i * hidden);
    patches.set(values.subarray(start + hidden, start + rows * hidden), i * cells * hidden);
  }
  return {
    images,
    hidden,
    grid,
    patches: tokenGrid(patches, { frames: images, rows: grid.rows, cols: grid.cols, channels: hidden }),
    cls,
    dtype: dtypeOf(features),
  };
}

/**
 * Pools every image to its planned count on `backend` and lays the rows out as the merge expects:
 * image by image, each image's CLS row (if any) first, then its pooled tokens in row-major order.
 * Returns the values as float32 and the rows per image.
 */
export async function poolFrames(
  frames: FeatureFrames,
  counts: readonly PlannedCount[],
  backend: Backend<unknown>,
  mode: PoolingMode,
): Promise<{ values: Float32Array; rows: number[] }> {
  const { images, hidden, grid } = frames;
  const cells = grid.rows * grid.cols;
  const scales = [...new Set(counts.filter((c) => !c.identity).map((c) => c.requested))];
  const pyramid = scales.length === 0 ? undefined : await (await backend.buildPyramid(frames.patches, { scales, mode })).read();
  const extra = frames.cls === undefined ? 0 : 1;
  const rows = counts.map((c) => c.tokens + extra);
  const values = new Float32Array(rows.reduce((a, b) => a + b, 0) * hidden);
  let at = 0;
  for (let i = 0; i < images; i++) {
    if (frames.cls !== undefined) {
      values.set(frames.cls.subarray(i * hidden, (i + 1) * hidden), at);
      at += hidden;
    }
    const c = counts[i]!;
    const source = c.identity ? frames.patches.data : pyramid!.at(c.requested).data;
    const n = c.identity ? cells : c.tokens;
    values.set(source.subarray(i * n * hidden, (i + 1) * n * hidden), at);
    at += n * hidden;
  }
  return { values, rows };
}

/** Every image's own pyramid, for policies: one multi-frame pyramid split into per-image views. */
export async function imagePyramids(frames: FeatureFrames, backend: Backend<unknown>, mode: PoolingMode, scales: readonly number[]): Promise<TokenPyramid[]> {
  const all = await (await backend.buildPyramid(frames.patches, { scales, mode })).read();
  const out: TokenPyramid[] = [];
  for (let i = 0; i < frames.images; i++) {
    const levels: PyramidLevel[] = all.levels.map((level) => {
      const n = level.rows * level.cols * level.channels;
      return Object.freeze({ ...level, frames: 1, data: level.data.subarray(i * n, (i + 1) * n) });
    });
    out.push(createTokenPyramid(levels, { backend: all.backend, mode: all.mode }));
  }
  return out;
}

/** A tensor of the encoder's own class and dtype holding `values` as [1, rows, hidden]. */
export function featureTensor(like: TensorLike, values: Float32Array, rows: number, hidden: number): TensorLike {
  const Ctor = (like as object).constructor as new (type: string, data: unknown, dims: number[]) => TensorLike;
  if (dtypeOf(like) === 'float16') {
    const F16 = (globalThis as { Float16Array?: new (v: Float32Array) => unknown }).Float16Array;
    const data = like.data instanceof Uint16Array || F16 === undefined ? toFloat16(values) : new F16(values);
    return new Ctor('float16', data, [1, rows, hidden]);
  }
  return new Ctor('float32', values, [1, rows, hidden]);
}

function dtypeOf(features: TensorLike): 'float32' | 'float16' {
  return features.type === 'float16' ? 'float16' : 'float32';
}

function asFloat32(features: TensorLike, modelType: string): Float32Array {
  if (features.type === 'float32' && features.data instanceof Float32Array) return features.data;
  if (features.type === 'float16') {
    if (features.data instanceof Uint16Array) return fromFloat16(features.data);
    return Float32Array.from(features.data as ArrayLike<number>);
  }
  throw new MatryoshkaError(
    ErrorCode.UnsupportedModel,
    `model: the '${modelType}' vision encoder returned ${features.type} image_features; float32 and float16 are supported`,
    {
      argument: 'model',
    },
  );
}
