import type { DevicePointer } from '../driver/api.js';

// Byte layouts of the kernels' parameter structs (MtPyramidArgs, MtStep, MtWindowArgs in
// kernels/pool.cu): little-endian, 8-byte pointers, 4-byte ints. Each launch passes one struct.

export const MAX_FUSED_STEPS = 8;
const STEP_BYTES = 48;
const PYRAMID_HEADER_BYTES = 48;
export const PYRAMID_ARGS_BYTES = PYRAMID_HEADER_BYTES + MAX_FUSED_STEPS * STEP_BYTES;
export const WINDOW_ARGS_BYTES = 80;

export interface FusedStepArgs {
  readonly dst: DevicePointer;
  /** -1: the input; else an earlier step. */
  readonly source: number;
  readonly m: number;
  /** Input cells per source cell along an axis (1 for the input). */
  readonly srcKernel: number;
  readonly srcRows: number;
  readonly srcCols: number;
  readonly outRows: number;
  readonly outCols: number;
  /** First cell of this step's tile in shared memory, -1 when no later step reads it. */
  readonly tile: number;
}

export interface PyramidArgs {
  readonly src: DevicePointer;
  /** 0n when no level is the input itself. */
  readonly identity: DevicePointer;
  readonly flag: DevicePointer;
  readonly frames: number;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
  readonly steps: readonly FusedStepArgs[];
}

export function packPyramidArgs(a: PyramidArgs): Uint8Array {
  if (a.steps.length === 0 || a.steps.length > MAX_FUSED_STEPS)
    throw new RangeError(`a fused pyramid takes 1 to ${MAX_FUSED_STEPS} steps, got ${a.steps.length}`);
  const bytes = new Uint8Array(PYRAMID_ARGS_BYTES);
  const v = new DataView(bytes.buffer);
  v.setBigUint64(0, a.src, true);
  v.setBigUint64(8, a.identity, true);
  v.setBigUint64(16, a.flag, true);
  [a.frames, a.rows, a.cols, a.channels, a.steps.length, 0].forEach((x, i) => v.setInt32(24 + 4 * i, x, true));
  a.steps.forEach((s, i) => {
    const o = PYRAMID_HEADER_BYTES + i * STEP_BYTES;
    v.setBigUint64(o, s.dst, true);
    [s.source, s.m, s.srcKernel, s.srcRows, s.srcCols, s.outRows, s.outCols, s.tile, 0, 0].forEach((x, j) => v.setInt32(o + 8 + 4 * j, x, true));
  });
  return bytes;
}

export interface WindowArgs {
  readonly src: DevicePointer;
  readonly dst: DevicePointer;
  readonly table: DevicePointer;
  readonly flag: DevicePointer;
  /** Output elements. */
  readonly total: number;
  readonly inFrames: number;
  readonly inRows: number;
  readonly inCols: number;
  readonly channels: number;
  readonly outRows: number;
  readonly outCols: number;
  /** Word offsets of each axis' windows in the table. */
  readonly frameTable: number;
  readonly rowTable: number;
  readonly colTable: number;
  readonly reduce: 'average' | 'max';
}

export function packWindowArgs(a: WindowArgs): Uint8Array {
  const bytes = new Uint8Array(WINDOW_ARGS_BYTES);
  const v = new DataView(bytes.buffer);
  v.setBigUint64(0, a.src, true);
  v.setBigUint64(8, a.dst, true);
  v.setBigUint64(16, a.table, true);
  v.setBigUint64(24, a.flag, true);
  v.setBigUint64(32, BigInt(a.total), true);
  [a.inFrames, a.inRows, a.inCols, a.channels, a.outRows, a.outCols, a.frameTable, a.rowTable, a.colTable, a.reduce === 'max' ? 1 : 0].forEach((x, i) =>
    v.setInt32(40 + 4 * i, x, true),
  );
  return bytes;
}
