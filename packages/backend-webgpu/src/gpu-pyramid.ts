import type { LevelInfo, NonFinitePolicy, PoolingMode } from '@matryoshka/core';
import { createDevicePyramid, type DevicePyramid } from '@matryoshka/core/backend';
import type { GpuResources } from './device/resources.js';
import type { GpuDType } from './kernels/pool-wgsl.js';
import { readLevels } from './readback.js';

/** A level that lives on the GPU: hand `buffer` on (e.g. to onnxruntime-web) or `read()` the pyramid. */
export interface GpuLevel extends LevelInfo {
  /** Row-major `[frames][rows][cols][channels]`, starting at byte 0; owned by the pyramid. */
  readonly buffer: GPUBuffer;
  readonly dtype: GpuDType;
  /** Bytes of data in `buffer` (the buffer may be up to 3 bytes longer). */
  readonly byteLength: number;
}

/** `read({ tokens })` copies back only those levels; `hasNonFinite()` reads the GPU's flag. */
export interface WebGpuPyramid extends DevicePyramid<GpuLevel> {}

/** Owns the level buffers and the non-finite flag of one pyramid (core's device pyramid over these buffers). */
export function createWebGpuPyramid(
  res: GpuResources,
  levels: readonly GpuLevel[],
  flag: GPUBuffer,
  info: { mode: PoolingMode; nonFinite: NonFinitePolicy; checkDevice: () => void },
): WebGpuPyramid {
  return createDevicePyramid({
    backend: 'webgpu',
    mode: info.mode,
    nonFinite: info.nonFinite,
    levels,
    check: info.checkDevice,
    read: (chosen) =>
      readLevels(
        res,
        chosen.map((l) => ({ buffer: l.buffer, dtype: l.dtype, count: l.frames * l.rows * l.cols * l.channels })),
        flag,
      ),
    free: () => {
      for (const l of levels) res.destroy(l.buffer);
      res.destroy(flag);
    },
  });
}
