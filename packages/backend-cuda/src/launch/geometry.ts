import type { Dim3 } from '../driver/api.js';

/** Threads per block for both kernels: enough warps to hide latency, small enough for 8 blocks per SM. */
export const BLOCK_THREADS = 256;
const MAX_GRID_Y = 65535;
// The window kernel strides over the output, so a capped grid covers any size.
const MAX_WINDOW_BLOCKS = 1 << 20;

export interface FusedGeometry {
  /** `[channel slices, frames (or 65535, the kernel strides over more), 1]`. */
  readonly grid: Dim3;
  /** `[lanes (channels per block), cells in flight per channel, 1]`. */
  readonly block: Dim3;
  readonly sharedBytes: number;
  readonly lanes: number;
}

/**
 * Launch shape of the fused pyramid: 32 channels per block (a warp reads 32 consecutive values
 * of one cell: one 128-byte line in float32), fewer when the tiles of the chained steps
 * (`tileCells` float32 values per channel) would not fit `maxSharedBytes`, down to 8 (a 32-byte
 * sector). `null` when even that does not fit: the caller then runs step by step.
 */
export function fusedGeometry(channels: number, frames: number, tileCells: number, widestStepCells: number, maxSharedBytes: number): FusedGeometry | null {
  let lanes = Math.min(32, nextPow2(channels));
  const floor = Math.min(8, lanes);
  while (lanes > floor && tileCells * lanes * 4 > maxSharedBytes) lanes /= 2;
  if (tileCells * lanes * 4 > maxSharedBytes) return null;
  const spatial = Math.max(1, Math.min(Math.floor(BLOCK_THREADS / lanes), widestStepCells));
  return {
    grid: [Math.ceil(channels / lanes), Math.min(frames, MAX_GRID_Y), 1],
    block: [lanes, spatial, 1],
    sharedBytes: tileCells * lanes * 4,
    lanes,
  };
}

/** Launch shape of the window kernel: one thread per output element, grid-stride beyond 2^20 blocks. */
export function windowGeometry(total: number): { grid: Dim3; block: Dim3 } {
  const blocks = Math.max(1, Math.min(Math.ceil(total / BLOCK_THREADS), MAX_WINDOW_BLOCKS));
  return { grid: [blocks, 1, 1], block: [BLOCK_THREADS, 1, 1] };
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
