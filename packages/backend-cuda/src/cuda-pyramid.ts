import {
  ErrorCode,
  MatryoshkaError,
  createTokenPyramid,
  disposedError,
  findLevel,
  type LevelInfo,
  type NonFinitePolicy,
  type PoolingMode,
  type Pyramid,
  type TokenPyramid,
} from '@matryoshka/core';
import type { DevicePointer } from './driver/api.js';
import type { DeviceBuffer } from './device/memory.js';
import type { CudaRuntime } from './device/runtime.js';
import type { CudaDType } from './kernels/names.js';
import { readBack } from './readback.js';

/**
 * A level in device memory: row-major `[frames][rows][cols][channels]` of `dtype` from `pointer`,
 * owned by the pyramid until `dispose()`. Hand `pointer` to other CUDA code in the same process
 * (same primary context), or pass the level itself as an input to another call.
 */
export interface CudaLevel extends LevelInfo {
  readonly pointer: DevicePointer;
  readonly dtype: CudaDType;
  readonly byteLength: number;
}

export interface CudaPyramid extends Pyramid<CudaLevel> {
  /** True once NaN/±Infinity was read from the input (checked on the GPU). */
  hasNonFinite(): Promise<boolean>;
}

export const nonFiniteMessage = (what: string) =>
  `input.data: holds NaN or ±Infinity where the ${what} reads it; pass { nonFinite: 'propagate' } to get the GPU's values anyway`;

/** Owns the level buffers and the non-finite flag of one pyramid. */
export function createCudaPyramid(
  runtime: CudaRuntime,
  levels: readonly CudaLevel[],
  buffers: readonly DeviceBuffer[],
  flag: DeviceBuffer,
  info: { mode: PoolingMode; nonFinite: NonFinitePolicy },
): CudaPyramid {
  let disposed = false;
  const frozen = Object.freeze([...levels]);
  const alive = () => {
    if (disposed) throw disposedError('This cuda pyramid');
    runtime.check();
  };
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    if (runtime.isDisposed) return; // the backend freed everything already
    runtime.within(() => {
      for (const b of buffers) runtime.memory.free(b);
      runtime.memory.free(flag);
    });
  };
  return Object.freeze({
    backend: 'cuda',
    mode: info.mode,
    levels: frozen,
    // A disposed pyramid's memory is freed (and may be reused): never hand out its pointer.
    at: (tokens: number) => {
      if (disposed) throw disposedError('This cuda pyramid');
      return findLevel(frozen, tokens);
    },
    async read(): Promise<TokenPyramid> {
      alive();
      const items = frozen.map((l) => ({ pointer: l.pointer, dtype: l.dtype, count: l.frames * l.rows * l.cols * l.channels }));
      const { data, nonFinite } = await readBack(runtime, items, flag);
      if (nonFinite && info.nonFinite === 'reject') {
        throw new MatryoshkaError(ErrorCode.NonFiniteValue, nonFiniteMessage('pooling'), { argument: 'input.data' });
      }
      const cpu = frozen.map((l, i) => Object.freeze({ data: data[i]!, frames: l.frames, rows: l.rows, cols: l.cols, channels: l.channels, plan: l.plan }));
      return createTokenPyramid(cpu, { backend: 'cuda', mode: info.mode });
    },
    async hasNonFinite(): Promise<boolean> {
      alive();
      return (await readBack(runtime, [], flag)).nonFinite;
    },
    dispose,
    [Symbol.dispose]: dispose,
  });
}
