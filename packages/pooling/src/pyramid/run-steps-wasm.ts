import type { TokenGrid } from '@matryoshka/core';
import type { PoolStep } from '@matryoshka/core/backend';
import type { WasmKernelExports } from '../wasm/load-kernels.js';

/**
 * The input is copied into the module's memory a slab at a time (whole frames when they are
 * small, else bands of rows), small enough to stay in L2 while the kernel reads it back: the
 * input then crosses the memory bus once, as it would for a plain copy.
 */
const SLAB_BYTES = 256 * 1024;
/** Frames whose levels are held in module memory at once (finer levels feed coarser ones). */
const CHUNK_BYTES = 1 << 20;
const PAGE = 65536;

/**
 * Runs the pooling steps with the WebAssembly SIMD kernels, writing step `i` into `targets[i]`.
 * Steps from the input read it slab by slab; steps from a finer level read that level in module
 * memory. Every step's outputs are checked for NaN/±Infinity as they are written (chained steps
 * too): on the first one it throws `WasmNonFiniteError` and the caller re-runs the pyramid with
 * the float64 TypeScript kernels, which tell a non-finite input from a float32 overflow
 * (finite inputs near ±3.4e38) and return the exact result for the latter.
 */
export function runStepsWasm(wasm: WasmKernelExports, grid: TokenGrid, steps: readonly PoolStep[], targets: readonly Float32Array[]): void {
  const { rows, cols, channels: C } = grid;
  const rowFloats = cols * C;
  const frameFloats = rows * rowFloats;
  const perChunk = Math.max(1, Math.min(grid.frames, Math.floor(CHUNK_BYTES / (frameFloats * 4))));
  const slabFrames = Math.max(1, Math.floor(SLAB_BYTES / (frameFloats * 4)));
  const slabRows = (m: number) => Math.max(1, Math.floor(SLAB_BYTES / (m * rowFloats * 4)));

  // Layout: input slab | one output region per step | accumulator | weights (16-byte aligned).
  let at = align(wasm.heapBase());
  const reserve = (floats: number): number => {
    const p = at;
    at = align(at + floats * 4);
    return p;
  };
  const slabFloats = Math.max(
    ...steps.map((s) => (s.source >= 0 ? 0 : frameFloats * 4 <= SLAB_BYTES ? Math.min(slabFrames, perChunk) * frameFloats : slabRows(s.m) * s.m * rowFloats)),
  );
  const slabPtr = reserve(slabFloats);
  const outPtr = steps.map((s) => reserve(perChunk * s.outRows * s.outCols * C));
  const accPtr = reserve(2 * C); // C float64 values
  const rowW = steps.map((s) => (s.rowWeights === null ? 0 : reserve(s.rowWeights.length)));
  const colW = steps.map((s) => (s.colWeights === null ? 0 : reserve(s.colWeights.length)));
  const heap = heapView(wasm, at);
  steps.forEach((s, i) => {
    if (s.rowWeights !== null) heap.set(s.rowWeights, rowW[i]! / 4);
    if (s.colWeights !== null) heap.set(s.colWeights, colW[i]! / 4);
  });

  // Returns false when an output was not finite.
  const pool = (i: number, src: number, dst: number, frames: number, srcRows: number, outRows: number): boolean => {
    const s = steps[i]!;
    const full = s.rowWeights === null && s.colWeights === null && outRows * s.m <= srcRows && s.outCols * s.m <= s.srcCols;
    return (
      (full && s.m === 2
        ? wasm.pool2x2(src, dst, frames, srcRows, s.srcCols, C, outRows, s.outCols)
        : wasm.poolBlock(src, dst, accPtr, frames, srcRows, s.srcCols, C, s.m, s.m, outRows, s.outCols, rowW[i]!, colW[i]!)) === 1
    );
  };

  for (let f0 = 0; f0 < grid.frames; f0 += perChunk) {
    const n = Math.min(perChunk, grid.frames - f0);
    steps.forEach((s, i) => {
      const levelFloats = s.outRows * s.outCols * C;
      const dst = outPtr[i]!;
      let finite = true;
      if (s.source >= 0) {
        finite = pool(i, outPtr[s.source]!, dst, n, s.srcRows, s.outRows);
      } else if (frameFloats * 4 <= SLAB_BYTES) {
        for (let f = 0; f < n; f += slabFrames) {
          const k = Math.min(slabFrames, n - f);
          heap.set(grid.data.subarray((f0 + f) * frameFloats, (f0 + f + k) * frameFloats), slabPtr / 4);
          finite = pool(i, slabPtr, dst + f * levelFloats * 4, k, rows, s.outRows) && finite;
        }
      } else {
        const band = slabRows(s.m);
        for (let f = 0; f < n; f++) {
          for (let r = 0; r < s.outRows; r += band) {
            const outRows = Math.min(band, s.outRows - r);
            const first = r * s.m;
            const last = Math.min(first + outRows * s.m, rows);
            const from = (f0 + f) * frameFloats + first * rowFloats;
            heap.set(grid.data.subarray(from, from + (last - first) * rowFloats), slabPtr / 4);
            finite = pool(i, slabPtr, dst + (f * levelFloats + r * s.outCols * C) * 4, 1, last - first, outRows) && finite;
          }
        }
      }
      if (!finite) throw new WasmNonFiniteError();
      targets[i]!.set(heap.subarray(dst / 4, dst / 4 + n * levelFloats), f0 * levelFloats);
    });
  }
}

function align(n: number): number {
  return (n + 15) & ~15;
}

/** Thrown when the module's memory cannot grow enough (wasm32 caps it at 4 GiB). */
export class WasmMemoryError extends Error {}

/** Thrown when a kernel wrote NaN/±Infinity: the float64 kernels then decide what it means. */
export class WasmNonFiniteError extends Error {}

/**
 * A float view of the module's memory, grown to at least `bytes`. The memory is kept for later
 * calls (WebAssembly memory cannot shrink); it holds one slab of input and one chunk of levels.
 */
function heapView(wasm: WasmKernelExports, bytes: number): Float32Array {
  const have = wasm.memory.buffer.byteLength;
  if (bytes > have) {
    try {
      wasm.memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch (error) {
      throw new WasmMemoryError(`cannot grow WebAssembly memory to ${bytes} bytes`, { cause: error });
    }
  }
  return new Float32Array(wasm.memory.buffer);
}
