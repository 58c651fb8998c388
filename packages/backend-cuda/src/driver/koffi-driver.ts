import { CudaError, type CudaDriver, type DevicePointer, type Dim3, type Handle } from './api.js';
import { CuResult, JitOption } from './results.js';
import { PTX_MIN_DRIVER } from '../kernels/ptx.js';

type Koffi = typeof import('koffi');
type Fn = (...args: unknown[]) => number;

/** The library the NVIDIA driver installs (Linux). */
export const DEFAULT_CUDA_LIBRARY = 'libcuda.so.1';

// Every symbol by its ABI name: cuda.h maps cuMemAlloc to cuMemAlloc_v2 and so on, and the
// unversioned exports keep 32-bit sizes for old binaries.
const SIGNATURES = {
  cuInit: 'int cuInit(unsigned int flags)',
  cuDriverGetVersion: 'int cuDriverGetVersion(_Out_ int *version)',
  cuDeviceGetCount: 'int cuDeviceGetCount(_Out_ int *count)',
  cuDeviceGet: 'int cuDeviceGet(_Out_ int *device, int ordinal)',
  cuDeviceGetName: 'int cuDeviceGetName(uint8_t *name, int len, int device)',
  cuDeviceGetAttribute: 'int cuDeviceGetAttribute(_Out_ int *value, int attribute, int device)',
  cuDeviceTotalMem_v2: 'int cuDeviceTotalMem_v2(_Out_ size_t *bytes, int device)',
  cuDevicePrimaryCtxRetain: 'int cuDevicePrimaryCtxRetain(_Out_ void **context, int device)',
  cuDevicePrimaryCtxRelease_v2: 'int cuDevicePrimaryCtxRelease_v2(int device)',
  cuCtxPushCurrent_v2: 'int cuCtxPushCurrent_v2(void *context)',
  cuCtxPopCurrent_v2: 'int cuCtxPopCurrent_v2(_Out_ void **context)',
  cuModuleLoadDataEx: 'int cuModuleLoadDataEx(_Out_ void **module, const void *image, unsigned int count, const int *options, const void *values)',
  cuModuleUnload: 'int cuModuleUnload(void *module)',
  cuModuleGetFunction: 'int cuModuleGetFunction(_Out_ void **fn, void *module, const char *name)',
  cuStreamCreate: 'int cuStreamCreate(_Out_ void **stream, unsigned int flags)',
  cuStreamDestroy_v2: 'int cuStreamDestroy_v2(void *stream)',
  cuStreamSynchronize: 'int cuStreamSynchronize(void *stream)',
  cuStreamQuery: 'int cuStreamQuery(void *stream)',
  cuMemAlloc_v2: 'int cuMemAlloc_v2(_Out_ uint64_t *pointer, size_t bytes)',
  cuMemFree_v2: 'int cuMemFree_v2(uint64_t pointer)',
  cuMemGetAddressRange_v2: 'int cuMemGetAddressRange_v2(_Out_ uint64_t *base, _Out_ size_t *bytes, uint64_t pointer)',
  cuMemGetInfo_v2: 'int cuMemGetInfo_v2(_Out_ size_t *free, _Out_ size_t *total)',
  cuMemcpyHtoDAsync_v2: 'int cuMemcpyHtoDAsync_v2(uint64_t dst, const void *src, size_t bytes, void *stream)',
  cuMemcpyDtoHAsync_v2: 'int cuMemcpyDtoHAsync_v2(void *dst, uint64_t src, size_t bytes, void *stream)',
  cuMemcpyDtoDAsync_v2: 'int cuMemcpyDtoDAsync_v2(uint64_t dst, uint64_t src, size_t bytes, void *stream)',
  cuMemsetD32Async: 'int cuMemsetD32Async(uint64_t dst, unsigned int value, size_t count, void *stream)',
  cuLaunchKernel:
    'int cuLaunchKernel(void *fn, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared, void *stream, const void *params, void *extra)',
  cuGetErrorName: 'int cuGetErrorName(int error, _Out_ const char **name)',
  cuGetErrorString: 'int cuGetErrorString(int error, _Out_ const char **text)',
  cuEventCreate: 'int cuEventCreate(_Out_ void **event, unsigned int flags)',
  cuEventRecord: 'int cuEventRecord(void *event, void *stream)',
  cuEventSynchronize: 'int cuEventSynchronize(void *event)',
  cuEventElapsedTime: 'int cuEventElapsedTime(_Out_ float *ms, void *start, void *end)',
  cuEventDestroy_v2: 'int cuEventDestroy_v2(void *event)',
} as const;

type Name = keyof typeof SIGNATURES;

const LOG_BYTES = 16 * 1024;
const MAX_ARG_BYTES = 4096;
const CU_STREAM_NON_BLOCKING = 1;

/**
 * Loads the driver library through koffi (no native build step) and binds the calls. Throws
 * plain Errors saying what failed to load; the caller turns them into BACKEND_UNAVAILABLE.
 */
export async function loadKoffiDriver(library: string = DEFAULT_CUDA_LIBRARY): Promise<CudaDriver> {
  let koffi: Koffi;
  try {
    const mod = (await import('koffi')) as Koffi & { default?: Koffi };
    koffi = mod.default ?? mod;
  } catch (error) {
    throw new Error(`the koffi package (C FFI) could not be loaded: ${(error as Error).message}`);
  }
  let lib: ReturnType<Koffi['load']>;
  try {
    lib = koffi.load(library);
  } catch (error) {
    throw new Error(
      `the NVIDIA driver library ${library} could not be loaded (${(error as Error).message}); install the NVIDIA driver (${PTX_MIN_DRIVER} or newer, and what your GPU needs)`,
    );
  }
  const fns = {} as Record<Name, Fn>;
  for (const name of Object.keys(SIGNATURES) as Name[]) {
    try {
      fns[name] = lib.func(SIGNATURES[name]) as unknown as Fn;
    } catch (error) {
      throw new Error(`${library} has no ${name} (${(error as Error).message}); is it the NVIDIA driver's libcuda?`);
    }
  }
  return new KoffiDriver(koffi, fns, library);
}

class KoffiDriver implements CudaDriver {
  readonly source: string;
  private readonly koffi: Koffi;
  private readonly fn: Record<Name, Fn>;
  // Native memory that outlives one call: the kernel's argument bytes and the JIT logs.
  private readonly argMemory: bigint;
  private readonly argView: Uint8Array;
  private readonly argPointer = new BigUint64Array(1);

  constructor(koffi: Koffi, fn: Record<Name, Fn>, source: string) {
    this.koffi = koffi;
    this.fn = fn;
    this.source = source;
    this.argMemory = koffi.alloc('uint8_t', MAX_ARG_BYTES) as bigint;
    this.argView = new Uint8Array(koffi.view(this.argMemory, MAX_ARG_BYTES));
    this.argPointer[0] = this.argMemory;
  }

  close(): void {
    this.koffi.free(this.argMemory);
  }

  private check(call: Name, result: number, log = ''): void {
    if (result === CuResult.SUCCESS) return;
    const name = [null as string | null];
    const text = [null as string | null];
    const named = this.fn.cuGetErrorName(result, name) === 0 && name[0] !== null;
    const described = this.fn.cuGetErrorString(result, text) === 0 && text[0] !== null;
    throw new CudaError(call, result, named ? name[0]! : `CUresult ${result}`, described ? text[0]! : 'no description', log);
  }

  private out<T>(call: Name, ...args: unknown[]): T {
    const box = [null as unknown];
    this.check(call, this.fn[call](box, ...args));
    return box[0] as T;
  }

  init(): void {
    this.check('cuInit', this.fn.cuInit(0));
  }
  driverVersion(): number {
    return this.out<number>('cuDriverGetVersion');
  }
  deviceCount(): number {
    return this.out<number>('cuDeviceGetCount');
  }
  deviceGet(ordinal: number): number {
    return this.out<number>('cuDeviceGet', ordinal);
  }
  deviceName(device: number): string {
    const buf = new Uint8Array(256);
    this.check('cuDeviceGetName', this.fn.cuDeviceGetName(buf, buf.length, device));
    const end = buf.indexOf(0);
    return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end));
  }
  deviceAttribute(attribute: number, device: number): number {
    return this.out<number>('cuDeviceGetAttribute', attribute, device);
  }
  deviceTotalMemory(device: number): number {
    return Number(this.out<number | bigint>('cuDeviceTotalMem_v2', device));
  }
  primaryContextRetain(device: number): Handle {
    return this.out<Handle>('cuDevicePrimaryCtxRetain', device);
  }
  primaryContextRelease(device: number): void {
    this.check('cuDevicePrimaryCtxRelease_v2', this.fn.cuDevicePrimaryCtxRelease_v2(device));
  }
  contextPush(context: Handle): void {
    this.check('cuCtxPushCurrent_v2', this.fn.cuCtxPushCurrent_v2(context));
  }
  contextPop(): void {
    this.check('cuCtxPopCurrent_v2', this.fn.cuCtxPopCurrent_v2([null]));
  }

  moduleLoad(image: string): { module: Handle; log: string } {
    const k = this.koffi;
    const info = k.alloc('char', LOG_BYTES) as bigint;
    const error = k.alloc('char', LOG_BYTES) as bigint;
    try {
      new Uint8Array(k.view(info, LOG_BYTES))[0] = 0;
      new Uint8Array(k.view(error, LOG_BYTES))[0] = 0;
      const options = Int32Array.from([
        JitOption.INFO_LOG_BUFFER,
        JitOption.INFO_LOG_BUFFER_SIZE_BYTES,
        JitOption.ERROR_LOG_BUFFER,
        JitOption.ERROR_LOG_BUFFER_SIZE_BYTES,
        JitOption.LOG_VERBOSE,
      ]);
      // Option values are pointer-sized: the buffers' addresses, and sizes cast to pointers.
      const values = BigUint64Array.from([info, BigInt(LOG_BYTES), error, BigInt(LOG_BYTES), 1n]);
      const text = Buffer.from(`${image}\0`, 'utf8');
      const box = [null as unknown];
      const result = this.fn.cuModuleLoadDataEx(box, text, options.length, options, values);
      const decode = (p: bigint) => (k.decode(p, 'char', -1) as string).trim();
      this.check('cuModuleLoadDataEx', result, decode(error));
      return { module: box[0], log: decode(info) };
    } finally {
      k.free(info);
      k.free(error);
    }
  }
  moduleUnload(module: Handle): void {
    this.check('cuModuleUnload', this.fn.cuModuleUnload(module));
  }
  moduleFunction(module: Handle, name: string): Handle {
    return this.out<Handle>('cuModuleGetFunction', module, name);
  }

  streamCreate(): Handle {
    return this.out<Handle>('cuStreamCreate', CU_STREAM_NON_BLOCKING);
  }
  streamDestroy(stream: Handle): void {
    this.check('cuStreamDestroy_v2', this.fn.cuStreamDestroy_v2(stream));
  }
  streamSynchronize(stream: Handle): void {
    this.check('cuStreamSynchronize', this.fn.cuStreamSynchronize(stream));
  }
  streamQuery(stream: Handle): boolean {
    const result = this.fn.cuStreamQuery(stream);
    if (result === CuResult.NOT_READY) return false;
    this.check('cuStreamQuery', result);
    return true;
  }

  memAlloc(bytes: number): DevicePointer {
    return BigInt(this.out<number | bigint>('cuMemAlloc_v2', bytes));
  }
  memFree(pointer: DevicePointer): void {
    this.check('cuMemFree_v2', this.fn.cuMemFree_v2(pointer));
  }
  memAddressRange(pointer: DevicePointer): { base: DevicePointer; bytes: number } {
    const base = [0 as number | bigint];
    const bytes = [0 as number | bigint];
    this.check('cuMemGetAddressRange_v2', this.fn.cuMemGetAddressRange_v2(base, bytes, pointer));
    return { base: BigInt(base[0]!), bytes: Number(bytes[0]!) };
  }
  memInfo(): { free: number; total: number } {
    const free = [0 as number | bigint];
    const total = [0 as number | bigint];
    this.check('cuMemGetInfo_v2', this.fn.cuMemGetInfo_v2(free, total));
    return { free: Number(free[0]!), total: Number(total[0]!) };
  }
  memcpyHtoD(dst: DevicePointer, src: ArrayBufferView, stream: Handle): void {
    this.check('cuMemcpyHtoDAsync_v2', this.fn.cuMemcpyHtoDAsync_v2(dst, src, src.byteLength, stream));
  }
  memcpyDtoH(dst: ArrayBufferView, src: DevicePointer, stream: Handle): void {
    // Pageable destination: the driver returns once the copy is done, so `dst` may be read at once.
    this.check('cuMemcpyDtoHAsync_v2', this.fn.cuMemcpyDtoHAsync_v2(dst, src, dst.byteLength, stream));
  }
  memcpyDtoD(dst: DevicePointer, src: DevicePointer, bytes: number, stream: Handle): void {
    this.check('cuMemcpyDtoDAsync_v2', this.fn.cuMemcpyDtoDAsync_v2(dst, src, bytes, stream));
  }
  memsetD32(dst: DevicePointer, value: number, count: number, stream: Handle): void {
    this.check('cuMemsetD32Async', this.fn.cuMemsetD32Async(dst, value, count, stream));
  }

  launchKernel(fn: Handle, grid: Dim3, block: Dim3, sharedBytes: number, stream: Handle, args: Uint8Array): void {
    if (args.byteLength > MAX_ARG_BYTES) throw new RangeError(`kernel arguments of ${args.byteLength} bytes exceed ${MAX_ARG_BYTES}`);
    // cuLaunchKernel copies the argument bytes before it returns, so one buffer serves every launch.
    this.argView.set(args);
    this.check(
      'cuLaunchKernel',
      this.fn.cuLaunchKernel(fn, grid[0], grid[1], grid[2], block[0], block[1], block[2], sharedBytes, stream, this.argPointer, null),
    );
  }

  eventCreate(): Handle {
    return this.out<Handle>('cuEventCreate', 0);
  }
  eventRecord(event: Handle, stream: Handle): void {
    this.check('cuEventRecord', this.fn.cuEventRecord(event, stream));
  }
  eventSynchronize(event: Handle): void {
    this.check('cuEventSynchronize', this.fn.cuEventSynchronize(event));
  }
  eventElapsedMs(start: Handle, end: Handle): number {
    return this.out<number>('cuEventElapsedTime', start, end);
  }
  eventDestroy(event: Handle): void {
    this.check('cuEventDestroy_v2', this.fn.cuEventDestroy_v2(event));
  }
}
