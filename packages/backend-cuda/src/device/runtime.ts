import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { disposedError } from '@matryoshka/core/backend';
import { CudaError, type CudaDriver, type Dim3, type Handle } from '../driver/api.js';
import { STICKY_RESULTS } from '../driver/results.js';
import { DeviceMemory, type DeviceBuffer } from './memory.js';

/** What is known of the device the backend runs on. */
export interface CudaDeviceInfo {
  readonly ordinal: number;
  readonly name: string;
  /** `'9.0'` for an H100. */
  readonly computeCapability: string;
  readonly multiprocessors: number;
  readonly totalMemory: number;
  /** The CUDA version the driver supports, `'13.0'`. */
  readonly driverVersion: string;
  /** Dynamic shared memory one block may use without opting in (48 KiB). */
  readonly maxSharedBytes: number;
}

/**
 * One backend's hold on a device: the driver, the device's primary context, the loaded module,
 * one stream, and the memory. Every driver call runs inside `within`, which makes the context
 * current for the call only and turns driver errors into DEVICE_ERROR; an error that poisons the
 * context marks the runtime lost.
 */
export class CudaRuntime {
  readonly driver: CudaDriver;
  readonly info: CudaDeviceInfo;
  readonly memory: DeviceMemory;
  readonly stream: Handle;
  private readonly context: Handle;
  private readonly module: Handle;
  private readonly functions = new Map<string, Handle>();
  private readonly ownsDriver: boolean;
  private lostReason: string | undefined;
  private disposed = false;

  constructor(parts: { driver: CudaDriver; info: CudaDeviceInfo; context: Handle; module: Handle; stream: Handle; cacheBytes: number; ownsDriver: boolean }) {
    this.ownsDriver = parts.ownsDriver;
    this.driver = parts.driver;
    this.info = parts.info;
    this.context = parts.context;
    this.module = parts.module;
    this.stream = parts.stream;
    this.memory = new DeviceMemory(parts.driver, parts.cacheBytes, () => parts.driver.streamSynchronize(parts.stream));
  }

  get isDisposed(): boolean {
    return this.disposed || this.lostReason !== undefined;
  }

  /** Throws DISPOSED or DEVICE_ERROR when the runtime cannot take work. */
  check(what = 'The cuda backend'): void {
    if (this.lostReason !== undefined) {
      throw new MatryoshkaError(
        ErrorCode.DeviceError,
        `cuda: the context is unusable after ${this.lostReason}; create the backend again (if that fails too, restart the process)`,
      );
    }
    if (this.disposed) throw disposedError(what);
  }

  /** Runs driver calls with this context current; driver errors become DEVICE_ERROR. */
  within<T>(work: () => T): T {
    this.driver.contextPush(this.context);
    try {
      return work();
    } catch (error) {
      throw this.translate(error);
    } finally {
      try {
        this.driver.contextPop();
      } catch {
        // Popping cannot fail for a context we pushed; a lost context is reported by the work itself.
      }
    }
  }

  function(name: string): Handle {
    let fn = this.functions.get(name);
    if (fn === undefined) {
      fn = this.driver.moduleFunction(this.module, name);
      this.functions.set(name, fn);
    }
    return fn;
  }

  launch(kernel: string, grid: Dim3, block: Dim3, sharedBytes: number, args: Uint8Array): void {
    try {
      this.driver.launchKernel(this.function(kernel), grid, block, sharedBytes, this.stream, args);
    } catch (error) {
      if (error instanceof CudaError) throw new CudaError(`${error.call}(${kernel})`, error.code, error.errorName, error.errorString, error.log);
      throw error;
    }
  }

  upload(data: ArrayBufferView, label: string): DeviceBuffer {
    const buffer = this.memory.alloc(data.byteLength, label);
    try {
      this.driver.memcpyHtoD(buffer.pointer, data, this.stream);
    } catch (error) {
      this.memory.free(buffer);
      throw error;
    }
    return buffer;
  }

  /** Resolves once the stream is idle, yielding to the event loop while the GPU works. */
  async idle(): Promise<void> {
    for (let wait = 0; ; wait = Math.min(wait + 1, 4)) {
      this.check();
      if (this.within(() => this.driver.streamQuery(this.stream))) return;
      await new Promise<void>((resolve) => setTimeout(resolve, wait));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const steps = [
      () => this.driver.streamSynchronize(this.stream),
      () => this.memory.destroyAll(),
      () => this.driver.streamDestroy(this.stream),
      () => this.driver.moduleUnload(this.module),
    ];
    try {
      this.driver.contextPush(this.context);
      for (const step of steps) {
        try {
          step();
        } catch {
          // Keep releasing the rest.
        }
      }
      this.driver.contextPop();
    } catch {
      // The context is gone already.
    }
    try {
      this.driver.primaryContextRelease(this.info.ordinal);
    } catch {
      // Nothing more to free.
    }
    // A driver passed in by the caller may serve other backends: only ours is closed.
    if (this.ownsDriver) this.driver.close?.();
  }

  private translate(error: unknown): unknown {
    if (!(error instanceof CudaError)) return error;
    if (STICKY_RESULTS.has(error.code)) this.lostReason = `${error.call}: ${error.errorName}`;
    return new MatryoshkaError(ErrorCode.DeviceError, `cuda: ${error.message}`, { cause: error });
  }
}
