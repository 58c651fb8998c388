import type { LevelInfo, NonFinitePolicy, PoolingMode } from '@matryoshka/core';
import { createDevicePyramid, type DevicePyramid } from '@matryoshka/core/backend';
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

/** `read({ tokens })` copies back only those levels; `hasNonFinite()` reads the GPU's flag. */
export interface CudaPyramid extends DevicePyramid<CudaLevel> {}

/** Owns the level buffers and the non-finite flag of one pyramid (core's device pyramid over this runtime). */
export function createCudaPyramid(
  runtime: CudaRuntime,
  levels: readonly CudaLevel[],
  buffers: readonly DeviceBuffer[],
  flag: DeviceBuffer,
  info: { mode: PoolingMode; nonFinite: NonFinitePolicy },
): CudaPyramid {
  return createDevicePyramid({
    backend: 'cuda',
    mode: info.mode,
    nonFinite: info.nonFinite,
    levels,
    check: () => runtime.check(),
    read: (chosen) =>
      readBack(
        runtime,
        chosen.map((l) => ({ pointer: l.pointer, dtype: l.dtype, count: l.frames * l.rows * l.cols * l.channels })),
        flag,
      ),
    free: () => {
      if (runtime.isDisposed) return; // the backend freed everything already
      runtime.within(() => {
        for (const b of buffers) runtime.memory.free(b);
        runtime.memory.free(flag);
      });
    },
  });
}
