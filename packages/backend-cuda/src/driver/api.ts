/** An opaque driver handle (CUcontext, CUmodule, CUfunction, CUstream, CUevent). */
export type Handle = unknown;

/** A device address (CUdeviceptr). */
export type DevicePointer = bigint;

/**
 * The part of the CUDA driver API the backend uses, one method per call. The real one
 * (`loadKoffiDriver`) calls libcuda.so.1 through koffi; tests inject fakes that record calls.
 * Every method throws `CudaError` when the driver returns anything but CUDA_SUCCESS.
 */
export interface CudaDriver {
  /** Where the driver came from, for messages (a library path, or a fake's name). */
  readonly source: string;
  init(): void;
  /** `1000 × major + 10 × minor` of the CUDA version the driver supports (13000 for 13.0). */
  driverVersion(): number;
  deviceCount(): number;
  deviceGet(ordinal: number): number;
  deviceName(device: number): string;
  deviceAttribute(attribute: number, device: number): number;
  deviceTotalMemory(device: number): number;
  primaryContextRetain(device: number): Handle;
  primaryContextRelease(device: number): void;
  contextPush(context: Handle): void;
  contextPop(): void;
  /** cuModuleLoadDataEx with JIT log buffers; a failure's CudaError carries the JIT error log. */
  moduleLoad(image: string): { module: Handle; log: string };
  moduleUnload(module: Handle): void;
  moduleFunction(module: Handle, name: string): Handle;
  streamCreate(): Handle;
  streamDestroy(stream: Handle): void;
  streamSynchronize(stream: Handle): void;
  /** True when everything queued on the stream has finished (CUDA_ERROR_NOT_READY → false). */
  streamQuery(stream: Handle): boolean;
  memAlloc(bytes: number): DevicePointer;
  memFree(pointer: DevicePointer): void;
  /** The allocation that holds `pointer` (cuMemGetAddressRange). */
  memAddressRange(pointer: DevicePointer): { base: DevicePointer; bytes: number };
  memInfo(): { free: number; total: number };
  memcpyHtoD(dst: DevicePointer, src: ArrayBufferView, stream: Handle): void;
  memcpyDtoH(dst: ArrayBufferView, src: DevicePointer, stream: Handle): void;
  memcpyDtoD(dst: DevicePointer, src: DevicePointer, bytes: number, stream: Handle): void;
  memsetD32(dst: DevicePointer, value: number, count: number, stream: Handle): void;
  /** cuLaunchKernel with one argument: `args`, the bytes of the kernel's parameter struct. */
  launchKernel(fn: Handle, grid: Dim3, block: Dim3, sharedBytes: number, stream: Handle, args: Uint8Array): void;
  eventCreate(): Handle;
  eventRecord(event: Handle, stream: Handle): void;
  eventSynchronize(event: Handle): void;
  eventElapsedMs(start: Handle, end: Handle): number;
  eventDestroy(event: Handle): void;
  /** Frees what the binding itself holds (optional). */
  close?(): void;
}

export type Dim3 = readonly [number, number, number];

/** A driver call that did not return CUDA_SUCCESS: the call, the CUresult, its name and text. */
export class CudaError extends Error {
  readonly call: string;
  readonly code: number;
  readonly errorName: string;
  readonly errorString: string;
  /** The JIT error log of a failed cuModuleLoadDataEx. */
  readonly log: string;

  constructor(call: string, code: number, errorName: string, errorString: string, log = '') {
    super(`${call} failed: ${errorName} (${errorString})${log === '' ? '' : `; JIT log: ${log}`}`);
    this.name = 'CudaError';
    this.call = call;
    this.code = code;
    this.errorName = errorName;
    this.errorString = errorString;
    this.log = log;
  }
}
