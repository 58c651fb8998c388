import { BACKEND_CONTRACT_VERSION, ErrorCode, MatryoshkaError, type Backend, type PoolingOpName } from '@matryoshka/core';
import { disposedError, registerBackend } from '@matryoshka/core/backend';
import { acquireDevice } from './device/acquire.js';
import { GpuResources } from './device/resources.js';
import { buildWebGpuPyramid, type WebGpuPyramidOptions } from './build-pyramid.js';
import type { WebGpuPyramid } from './gpu-pyramid.js';
import type { GpuGridInput, WebGpuInput } from './input.js';
import { runWebGpuOp, type GpuGrid, type WebGpuOpOptions } from './run-op.js';

export interface WebGpuBackendOptions {
  /** Run on this device (the backend then never destroys it). Default: `navigator.gpu`, else Dawn (`webgpu`) in Node. */
  device?: GPUDevice;
  /**
   * Cap on one storage binding, below the device's `maxStorageBufferBindingSize`: larger inputs are
   * split into several dispatches. For tests and tuning; default: the device limit.
   */
  maxBindingBytes?: number;
}

export interface WebGpuBackend extends Backend<GpuGridInput, WebGpuPyramid, GpuGrid> {
  readonly device: GPUDevice;
  /** The adapter in words, and where the device came from. */
  readonly adapter: string;
  readonly deviceSource: 'injected' | 'navigator' | 'dawn';
  /**
   * Why the adapter is a software one (SwiftShader, llvmpipe, lavapipe, a fallback adapter), or
   * undefined on a hardware adapter or a device you passed in. A software `webgpu` backend ranks
   * below `cpu` in `getBackend()` without a name; `getBackend('webgpu')` still returns it.
   */
  readonly softwareAdapter: string | undefined;
  buildPyramid(input: WebGpuInput, options?: WebGpuPyramidOptions): Promise<WebGpuPyramid>;
  /** One of the CPU reference's ops (`'avgPool2d'`, `'bilinearResize'`, …) with the same options. */
  run(op: PoolingOpName, input: WebGpuInput, options?: WebGpuOpOptions): Promise<GpuGrid>;
  /** GPU buffers this backend has created and not yet destroyed (for leak checks). */
  readonly liveBuffers: number;
}

declare module '@matryoshka/core' {
  interface BackendMap {
    webgpu: WebGpuBackend;
  }
}

/**
 * The `webgpu` backend. Pipelines are compiled once per kernel variant; results stay on the
 * device until read. A lost device makes every call reject with DEVICE_ERROR and marks the
 * backend disposed, so the registry creates a fresh one on the next `getBackend('webgpu')`.
 */
export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  if (typeof options !== 'object' || options === null) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, 'options: expected an object', { argument: 'options' });
  }
  if (options.maxBindingBytes !== undefined && !(Number.isSafeInteger(options.maxBindingBytes) && options.maxBindingBytes >= 1024)) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `options.maxBindingBytes: expected an integer ≥ 1024, got ${String(options.maxBindingBytes)}`, {
      argument: 'options.maxBindingBytes',
    });
  }
  const acquired = await acquireDevice(options.device);
  const res = new GpuResources(acquired.device, options.maxBindingBytes);
  let disposed = false;
  let lost: string | undefined;
  void acquired.device.lost.then((info) => {
    if (!disposed) lost = `${info.reason}: ${info.message}`;
  });
  const checkDevice = () => {
    if (lost !== undefined) throw new MatryoshkaError(ErrorCode.DeviceError, `webgpu: the device was lost (${lost}); create the backend again`);
    if (disposed) throw disposedError('The webgpu backend');
  };
  // Run synchronously inside the promise, so argument errors reject instead of throwing.
  const guarded = <T>(work: () => T | Promise<T>): Promise<T> => new Promise<T>((resolve) => resolve(work()));
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    res.destroyAll();
    if (acquired.owned) acquired.device.destroy();
  };
  const backend: WebGpuBackend & { readonly gpu: GPU | undefined } = {
    name: 'webgpu',
    contractVersion: BACKEND_CONTRACT_VERSION,
    gpu: acquired.gpu,
    device: acquired.device,
    adapter: acquired.adapter,
    deviceSource: acquired.source,
    softwareAdapter: acquired.software,
    get disposed() {
      return disposed || lost !== undefined;
    },
    get liveBuffers() {
      return res.liveBuffers;
    },
    buildPyramid: (input, pyramidOptions) => guarded(() => buildWebGpuPyramid(res, input, pyramidOptions, checkDevice)),
    run: (op, input, opOptions) => guarded(() => runWebGpuOp(res, op, input, opOptions, checkDevice)),
    dispose,
    [Symbol.dispose]: dispose,
  };
  return backend;
}

/**
 * Registers `webgpu` (priority 10: above cpu). Creating it acquires a device only when asked for.
 * On a software adapter it is demoted: `getBackend()` picks it only when nothing else works,
 * `getBackend('webgpu')` (or a list naming it) still gets it, and `listBackends()` says why.
 */
export function registerWebGpuBackend(): () => void {
  return registerBackend({
    name: 'webgpu',
    priority: 10,
    create: () => createWebGpuBackend(),
    demote: (backend) => {
      const software = (backend as Partial<WebGpuBackend>).softwareAdapter;
      return software === undefined ? undefined : `${software}; ask for it by name (getBackend('webgpu')) to use it anyway`;
    },
  });
}
