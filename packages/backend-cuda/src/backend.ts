import { BACKEND_CONTRACT_VERSION, ErrorCode, argumentError, type Backend, type PoolingOpName } from '@matryoshka/core';
import { describe, registerBackend } from '@matryoshka/core/backend';
import type { CudaDriver, Handle } from './driver/api.js';
import { DEFAULT_CUDA_LIBRARY, loadKoffiDriver } from './driver/koffi-driver.js';
import { openRuntime, unavailable } from './device/open.js';
import type { CudaDeviceInfo } from './device/runtime.js';
import { buildCudaPyramid, type CudaPyramidOptions } from './build-pyramid.js';
import type { CudaPyramid } from './cuda-pyramid.js';
import type { CudaGridInput, CudaInput, HalfGrid } from './input.js';
import { runCudaOp, type CudaGrid, type CudaOpOptions } from './run-op.js';

export interface CudaBackendOptions {
  /** Device ordinal, as the driver counts them (after CUDA_VISIBLE_DEVICES). Default 0. */
  device?: number;
  /** The driver library. Default: `$MATRYOSHKA_CUDA_LIBRARY`, else `libcuda.so.1`. */
  library?: string;
  /** Freed device memory kept for reuse, in bytes. Default 256 MiB; 0 frees at once. */
  cacheBytes?: number;
  /** False runs pyramids step by step instead of in one fused launch (for tests and comparison). Default true. */
  fuse?: boolean;
  /** A driver binding to use instead of loading the library (tests inject fakes). */
  driver?: CudaDriver;
}

export interface CudaBackend extends Backend<HalfGrid | CudaGridInput, CudaPyramid, CudaGrid> {
  readonly device: CudaDeviceInfo;
  /** Where the driver was loaded from. */
  readonly library: string;
  /**
   * The CUstream every launch and copy is queued on, in the device's primary context: for
   * ordering other CUDA work against ours (cuStreamWaitEvent) and for timing with events.
   */
  readonly stream: Handle;
  buildPyramid(input: CudaInput, options?: CudaPyramidOptions): Promise<CudaPyramid>;
  /** One of the CPU reference's ops (`'avgPool2d'`, `'bilinearResize'`, …) with the same options. */
  run(op: PoolingOpName, input: CudaInput, options?: CudaOpOptions): Promise<CudaGrid>;
  /** Resolves when every queued launch and copy has finished. */
  synchronize(): Promise<void>;
  /** Device buffers handed out and not yet freed (for leak checks). */
  readonly liveBuffers: number;
  /** Freed device memory held for reuse. */
  readonly cachedBytes: number;
  /** Returns the reuse cache to the driver. */
  trim(): void;
}

declare module '@matryoshka/core' {
  interface BackendMap {
    cuda: CudaBackend;
  }
}

const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * The `cuda` backend: the package's PTX JIT-compiled by the NVIDIA driver, called through the
 * driver API with koffi (nothing to compile at install). Results stay in device memory until
 * read. Rejects with BACKEND_UNAVAILABLE, saying why, where it cannot run.
 */
export async function createCudaBackend(options: CudaBackendOptions = {}): Promise<CudaBackend> {
  const o = checkOptions(options);
  let driver = o.driver;
  if (driver === undefined) {
    try {
      driver = await loadKoffiDriver(o.library ?? process.env.MATRYOSHKA_CUDA_LIBRARY ?? DEFAULT_CUDA_LIBRARY);
    } catch (error) {
      throw unavailable((error as Error).message, error);
    }
  }
  const runtime = openRuntime(driver, o.device, o.cacheBytes ?? DEFAULT_CACHE_BYTES, o.driver === undefined);
  const fuse = o.fuse ?? true;
  // Run synchronously inside the promise, so argument errors reject instead of throwing.
  const guarded = <T>(work: () => T): Promise<T> => new Promise((resolve) => resolve(work()));
  const dispose = () => runtime.dispose();
  return {
    name: 'cuda',
    contractVersion: BACKEND_CONTRACT_VERSION,
    device: runtime.info,
    library: driver.source,
    stream: runtime.stream,
    get disposed() {
      return runtime.isDisposed;
    },
    get liveBuffers() {
      return runtime.memory.liveBuffers;
    },
    get cachedBytes() {
      return runtime.memory.cachedBytes;
    },
    buildPyramid: (input, pyramidOptions) => guarded(() => buildCudaPyramid(runtime, input, pyramidOptions, fuse)),
    run: (op, input, opOptions) => guarded(() => runCudaOp(runtime, op, input, opOptions)),
    synchronize: async () => {
      runtime.check();
      await runtime.idle();
    },
    trim: () => {
      runtime.check();
      runtime.within(() => runtime.memory.trim());
    },
    dispose,
    [Symbol.dispose]: dispose,
  };
}

/** Registers `cuda` (priority 20: above webgpu and cpu). Creating it loads the driver only when asked for. */
export function registerCudaBackend(): () => void {
  return registerBackend({ name: 'cuda', priority: 20, create: () => createCudaBackend() });
}

function checkOptions(options: CudaBackendOptions): CudaBackendOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw argumentError(ErrorCode.InvalidArgument, 'options', `expected an options object, got ${describe(options)}`);
  }
  const { device, library, cacheBytes, fuse, driver } = options;
  if (device !== undefined && !(Number.isSafeInteger(device) && device >= 0)) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.device', `expected a device ordinal (an integer ≥ 0), got ${describe(device)}`);
  }
  if (library !== undefined && (typeof library !== 'string' || library === '')) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.library', `expected a library name or path, got ${describe(library)}`);
  }
  if (cacheBytes !== undefined && !(Number.isSafeInteger(cacheBytes) && cacheBytes >= 0)) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.cacheBytes', `expected an integer ≥ 0, got ${describe(cacheBytes)}`);
  }
  if (fuse !== undefined && typeof fuse !== 'boolean') {
    throw argumentError(ErrorCode.InvalidArgument, 'options.fuse', `expected true or false, got ${describe(fuse)}`);
  }
  if (driver !== undefined && (typeof driver !== 'object' || driver === null || typeof driver.launchKernel !== 'function')) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.driver', `expected a CudaDriver, got ${describe(driver)}`);
  }
  return options;
}
