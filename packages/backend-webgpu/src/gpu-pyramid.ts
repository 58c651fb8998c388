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
import type { GpuResources } from './device/resources.js';
import type { GpuDType } from './kernels/pool-wgsl.js';
import { halfOverflowError, readBack } from './readback.js';

/** A level that lives on the GPU: hand `buffer` on (e.g. to onnxruntime-web) or `read()` the pyramid. */
export interface GpuLevel extends LevelInfo {
  /** Row-major `[frames][rows][cols][channels]`, starting at byte 0; owned by the pyramid. */
  readonly buffer: GPUBuffer;
  readonly dtype: GpuDType;
  /** Bytes of data in `buffer` (the buffer may be up to 3 bytes longer). */
  readonly byteLength: number;
}

export interface WebGpuPyramid extends Pyramid<GpuLevel> {
  /** True once NaN/±Infinity was read from the input (checked on the GPU). */
  hasNonFinite(): Promise<boolean>;
}

/** Owns the level buffers and the non-finite flag of one pyramid. */
export function createWebGpuPyramid(
  res: GpuResources,
  levels: readonly GpuLevel[],
  flag: GPUBuffer,
  info: { mode: PoolingMode; nonFinite: NonFinitePolicy; checkDevice: () => void },
): WebGpuPyramid {
  let disposed = false;
  const frozen = Object.freeze([...levels]);
  const alive = () => {
    if (disposed) throw disposedError('This webgpu pyramid');
    info.checkDevice();
  };
  const fetch = async () => {
    alive();
    const items = frozen.map((l) => ({ buffer: l.buffer, dtype: l.dtype, count: l.frames * l.rows * l.cols * l.channels }));
    return readBack(res, items, flag);
  };
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    for (const l of frozen) res.destroy(l.buffer);
    res.destroy(flag);
  };
  return Object.freeze({
    backend: 'webgpu',
    mode: info.mode,
    levels: frozen,
    // A disposed pyramid's buffers are destroyed: handing one out would fail later, far from here.
    at: (tokens: number) => {
      if (disposed) throw disposedError('This webgpu pyramid');
      return findLevel(frozen, tokens);
    },
    async read(): Promise<TokenPyramid> {
      const { data, nonFinite, halfOverflow } = await fetch();
      if (halfOverflow && info.nonFinite === 'reject') throw halfOverflowError();
      if (nonFinite && info.nonFinite === 'reject') {
        throw new MatryoshkaError(
          ErrorCode.NonFiniteValue,
          "input.data: holds NaN or ±Infinity where the pooling reads it; pass { nonFinite: 'propagate' } to get the GPU's values anyway",
          { argument: 'input.data' },
        );
      }
      const cpu = frozen.map((l, i) => Object.freeze({ data: data[i]!, frames: l.frames, rows: l.rows, cols: l.cols, channels: l.channels, plan: l.plan }));
      return createTokenPyramid(cpu, { backend: 'webgpu', mode: info.mode });
    },
    async hasNonFinite(): Promise<boolean> {
      alive();
      return (await readBack(res, [], flag)).nonFinite;
    },
    dispose,
    [Symbol.dispose]: dispose,
  });
}
