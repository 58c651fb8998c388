import { ErrorCode, argumentError } from '../errors.js';
import { bool, describe, optionsObject, positiveInt } from '../validate.js';

export interface AnyresLayout {
  /** The pooled grid of one crop (every crop and the global image are pooled at the same scale). */
  level: { rows: number; cols: number };
  /** How the crops tile the image, e.g. `{ rows: 2, cols: 2 }` for LLaVA-NeXT's 2×2 layout. */
  crops: { rows: number; cols: number };
  /**
   * The original image size; when given, the padded rows or columns are removed the way LLaVA-NeXT's
   * `unpad_image` does on the pooled grid. Omit it for a layout that needs no unpadding.
   */
  imageSize?: { width: number; height: number };
  /** One newline token after each row of the crop grid (LLaVA-NeXT). Default true. */
  newline?: boolean;
  /** The global (base) image's tokens come first. Default true. */
  base?: boolean;
}

export interface AnyresTokens {
  /** Tokens of the global image (0 when `base` is false). */
  readonly base: number;
  /** Rows × cols of the crop grid after unpadding. */
  readonly gridRows: number;
  readonly gridCols: number;
  /** Tokens of the crop grid (`gridRows × gridCols`). */
  readonly grid: number;
  /** Newline tokens (`gridRows` when enabled). */
  readonly newlines: number;
  /** The sequence length the LLM sees for this image. */
  readonly total: number;
}

/**
 * Token bookkeeping for anyres images (LLaVA-NeXT): each crop and the global image are pooled
 * independently, the crop grids are tiled, unpadded, and a newline token ends each row.
 * A 2×2 layout at 144 tokens per crop (12×12) gives 144 + 24·24 + 24 = 744.
 */
export function anyresTokenCount(layout: AnyresLayout): AnyresTokens {
  const l = optionsObject(layout, 'layout');
  const level = optionsObject(l.level, 'layout.level');
  const crops = optionsObject(l.crops, 'layout.crops');
  const lr = positiveInt(level.rows, 'layout.level.rows');
  const lc = positiveInt(level.cols, 'layout.level.cols');
  const cr = positiveInt(crops.rows, 'layout.crops.rows');
  const cc = positiveInt(crops.cols, 'layout.crops.cols');
  const newline = l.newline === undefined ? true : bool(l.newline, 'layout.newline');
  const withBase = l.base === undefined ? true : bool(l.base, 'layout.base');

  let gridRows = lr * cr;
  let gridCols = lc * cc;
  if (l.imageSize !== undefined) {
    const size = optionsObject(l.imageSize, 'layout.imageSize');
    const width = positiveInt(size.width, 'layout.imageSize.width');
    const height = positiveInt(size.height, 'layout.imageSize.height');
    [gridRows, gridCols] = unpad(gridRows, gridCols, width, height);
    if (gridRows < 1 || gridCols < 1) {
      throw argumentError(ErrorCode.ShapeMismatch, 'layout.imageSize', `unpadding ${width}×${height} leaves no tokens`);
    }
  }
  const base = withBase ? lr * lc : 0;
  const grid = gridRows * gridCols;
  const newlines = newline ? gridRows : 0;
  const total = base + grid + newlines;
  if (!Number.isSafeInteger(total)) {
    throw argumentError(ErrorCode.LimitExceeded, 'layout', `${describe(total)} tokens is not an exact integer count (above 2^53 - 1)`);
  }
  return Object.freeze({ base, gridRows, gridCols, grid, newlines, total });
}

/** LLaVA-NeXT's `unpad_image` arithmetic on a rows×cols feature grid (Python `int()` truncation). */
function unpad(rows: number, cols: number, width: number, height: number): [number, number] {
  const originalAspect = width / height;
  const currentAspect = cols / rows;
  if (originalAspect > currentAspect) {
    const newHeight = Math.trunc(height * (cols / width));
    const padding = Math.floor((rows - newHeight) / 2);
    return [rows - 2 * padding, cols];
  }
  const newWidth = Math.trunc(width * (rows / height));
  const padding = Math.floor((cols - newWidth) / 2);
  return [rows, cols - 2 * padding];
}
