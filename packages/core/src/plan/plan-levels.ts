import { ErrorCode, argumentError } from '../errors.js';
import { arrayOf, describe, oneOf, optionsObject, positiveInt } from '../validate.js';
import { MAX_LEVELS, checkAxis, maxOutputBytes } from './limits.js';
import { adaptiveWindows, bilinearWindows, poolWindows, type AxisWindow } from './windows.js';

/**
 * How a requested token count becomes windows on an H×W grid.
 * - `m3`: the official rule, `k = floor(sqrt(H·W / requested))`, `avg_pool2d(k, k)`, floor mode
 *   (27×27 asked for 144 → 13×13 = 169 tokens). Parity with the released M3 checkpoints.
 * - `ceil`: the same kernel with `ceil_mode=True`; partial edge windows average their valid cells.
 * - `adaptive`: `adaptive_avg_pool2d` to the aspect-preserving size nearest the request (27×27 → 12×12).
 * - `bilinear`: `F.interpolate(bilinear, align_corners=False)` to that size (LLaVA-OneVision).
 */
export type PoolingMode = 'm3' | 'ceil' | 'adaptive' | 'bilinear';

export const POOLING_MODES: readonly PoolingMode[] = ['m3', 'ceil', 'adaptive', 'bilinear'];

/** The paper's nested scales for CLIP-336's 24×24 grid. */
export const DEFAULT_SCALES: readonly number[] = Object.freeze([576, 144, 36, 9, 1]);

export interface PlanOptions {
  /** Requested tokens per frame, one level each, in the order given. Default `[576, 144, 36, 9, 1]`. */
  scales?: readonly number[];
  /** Default `'m3'`. */
  mode?: PoolingMode;
  /**
   * Bytes one call may allocate for its levels (default 2 GiB), checked before any allocation;
   * above it the call fails with LIMIT_EXCEEDED.
   */
  maxOutputBytes?: number;
}

export interface LevelPlan {
  /** Tokens per frame the caller asked for. */
  readonly requested: number;
  readonly mode: PoolingMode;
  readonly rows: number;
  readonly cols: number;
  /** Actual tokens per frame: `rows × cols` (may differ from `requested`, e.g. 169 for 144 on 27×27). */
  readonly tokens: number;
  /** Square pooling kernel and stride for `m3` / `ceil`; `null` for `adaptive` / `bilinear`. */
  readonly kernel: number | null;
  /** True when the level is the input itself (kernel 1, or a resize to the same size). */
  readonly identity: boolean;
  readonly windows: { readonly rows: readonly AxisWindow[]; readonly cols: readonly AxisWindow[] };
}

/** Resolves and checks `options` once, so every backend reads the same defaults. */
export function resolvePlanOptions(
  options: PlanOptions | undefined,
  argument = 'options',
): { scales: readonly number[]; mode: PoolingMode; maxOutputBytes: number } {
  const o = optionsObject(options, argument);
  const mode = o.mode === undefined ? 'm3' : oneOf(o.mode, POOLING_MODES, `${argument}.mode`);
  const given = o.scales === undefined ? DEFAULT_SCALES : o.scales;
  if (!Array.isArray(given) || given.length === 0) {
    throw argumentError(ErrorCode.InvalidArgument, `${argument}.scales`, `expected a non-empty array of token counts, got ${describe(given)}`);
  }
  checkAxis(given.length, `${argument}.scales`, 'a list of levels', MAX_LEVELS);
  const scales = Object.freeze(arrayOf(given, `${argument}.scales`, 'an array of token counts').map((s, i) => positiveInt(s, `${argument}.scales[${i}]`)));
  return { scales, mode, maxOutputBytes: maxOutputBytes(o.maxOutputBytes, `${argument}.maxOutputBytes`) };
}

/**
 * Plans every requested scale on a grid: pure arithmetic, no data. Backends use the plan; callers
 * use it to know token counts before (or without) pooling.
 */
export function planLevels(grid: { rows: number; cols: number }, options?: PlanOptions): LevelPlan[] {
  const g = optionsObject(grid, 'grid');
  const rows = positiveInt(g.rows, 'grid.rows');
  const cols = positiveInt(g.cols, 'grid.cols');
  checkAxis(rows, 'grid.rows', 'a grid side');
  checkAxis(cols, 'grid.cols', 'a grid side');
  const { scales, mode } = resolvePlanOptions(options);
  return scales.map((requested, i) => planLevel(rows, cols, requested, mode, `options.scales[${i}]`));
}

function planLevel(rows: number, cols: number, requested: number, mode: PoolingMode, argument: string): LevelPlan {
  const cells = rows * cols;
  if (requested > cells) {
    throw argumentError(ErrorCode.ScaleOutOfRange, argument, `${requested} tokens requested but a ${rows}×${cols} grid has only ${cells}`);
  }
  if (mode === 'm3' || mode === 'ceil') {
    const k = Math.floor(Math.sqrt(cells / requested));
    if (k > rows || k > cols) {
      throw argumentError(
        ErrorCode.KernelTooLarge,
        argument,
        `${requested} tokens needs a ${k}×${k} window (k = floor(sqrt(${rows}·${cols}/${requested}))), which does not fit a ${rows}×${cols} grid in mode '${mode}'; use mode 'adaptive' for non-square grids`,
      );
    }
    const ceil = mode === 'ceil';
    const r = poolWindows(rows, k, k, ceil, argument);
    const c = poolWindows(cols, k, k, ceil, argument);
    return level(requested, mode, r, c, k, k === 1);
  }
  // adaptive / bilinear: keep the aspect ratio, scale both sides by sqrt(requested / cells).
  const factor = Math.sqrt(cells / requested);
  const outRows = Math.min(rows, Math.max(1, Math.round(rows / factor)));
  const outCols = Math.min(cols, Math.max(1, Math.round(cols / factor)));
  const windowsFor = mode === 'adaptive' ? adaptiveWindows : bilinearWindows;
  return level(requested, mode, windowsFor(rows, outRows), windowsFor(cols, outCols), null, outRows === rows && outCols === cols);
}

function level(requested: number, mode: PoolingMode, rowWindows: AxisWindow[], colWindows: AxisWindow[], kernel: number | null, identity: boolean): LevelPlan {
  return Object.freeze({
    requested,
    mode,
    rows: rowWindows.length,
    cols: colWindows.length,
    tokens: rowWindows.length * colWindows.length,
    kernel,
    identity,
    windows: Object.freeze({ rows: rowWindows, cols: colWindows }),
  });
}
