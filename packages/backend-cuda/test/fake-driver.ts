import { CudaError, type CudaDriver, type DevicePointer, type Dim3, type Handle } from '../src/index.js';

export interface RecordedLaunch {
  readonly kernel: string;
  readonly grid: Dim3;
  readonly block: Dim3;
  readonly sharedBytes: number;
  readonly args: Uint8Array;
}

const NAMES: Record<number, [string, string]> = {
  1: ['CUDA_ERROR_INVALID_VALUE', 'invalid argument'],
  2: ['CUDA_ERROR_OUT_OF_MEMORY', 'out of memory'],
  100: ['CUDA_ERROR_NO_DEVICE', 'no CUDA-capable device is detected'],
  218: ['CUDA_ERROR_INVALID_PTX', 'a PTX JIT compilation failed'],
  222: ['CUDA_ERROR_UNSUPPORTED_PTX_VERSION', 'the provided PTX was compiled with an unsupported toolchain.'],
  500: ['CUDA_ERROR_NOT_FOUND', 'named symbol not found'],
  700: ['CUDA_ERROR_ILLEGAL_ADDRESS', 'an illegal memory access was encountered'],
  719: ['CUDA_ERROR_LAUNCH_FAILED', 'unspecified launch failure'],
};

/**
 * A driver in plain JavaScript that runs nothing: it records every call, keeps device memory as
 * host bytes (so reads return what was copied in, zeros for kernel outputs), counts allocations,
 * and fails any call on demand. For host-side checks: validation order, geometry, bookkeeping.
 */
export class FakeDriver implements CudaDriver {
  readonly source = 'fake driver (JavaScript)';
  readonly calls: string[] = [];
  readonly launches: RecordedLaunch[] = [];
  readonly memory = new Map<DevicePointer, Uint8Array>();
  allocations = 0;
  peakLive = 0;
  devices = 1;
  version = 13000;
  contextRefs = 0;
  private next = 0x7f00_0000_0000n;
  private failures = new Map<string, { code: number; log: string }>();

  /** The next call of `call` throws CudaError `code`. */
  failNext(call: string, code: number, log = ''): void {
    this.failures.set(call, { code, log });
  }

  private record(call: string): void {
    this.calls.push(call);
    const f = this.failures.get(call);
    if (f !== undefined) {
      this.failures.delete(call);
      const [name, text] = NAMES[f.code] ?? [`CUresult ${f.code}`, 'unknown'];
      throw new CudaError(call, f.code, name, text, f.log);
    }
  }

  init(): void {
    this.record('cuInit');
    if (this.devices === 0) throw new CudaError('cuInit', 100, ...NAMES[100]!);
  }
  driverVersion(): number {
    this.record('cuDriverGetVersion');
    return this.version;
  }
  deviceCount(): number {
    this.record('cuDeviceGetCount');
    return this.devices;
  }
  deviceGet(ordinal: number): number {
    this.record('cuDeviceGet');
    return ordinal;
  }
  deviceName(): string {
    return 'Fake GPU';
  }
  deviceAttribute(attribute: number): number {
    return ({ 75: 9, 76: 0, 16: 132, 8: 48 * 1024, 1: 1024 } as Record<number, number>)[attribute] ?? 0;
  }
  deviceTotalMemory(): number {
    return 80 * 2 ** 30;
  }
  primaryContextRetain(): Handle {
    this.record('cuDevicePrimaryCtxRetain');
    this.contextRefs++;
    return { context: true };
  }
  primaryContextRelease(): void {
    this.record('cuDevicePrimaryCtxRelease_v2');
    this.contextRefs--;
  }
  contextPush(): void {}
  contextPop(): void {}
  moduleLoad(): { module: Handle; log: string } {
    this.record('cuModuleLoadDataEx');
    return { module: { module: true }, log: '' };
  }
  moduleUnload(): void {
    this.record('cuModuleUnload');
  }
  moduleFunction(_module: Handle, name: string): Handle {
    this.record('cuModuleGetFunction');
    return { name };
  }
  streamCreate(): Handle {
    this.record('cuStreamCreate');
    return { stream: true };
  }
  streamDestroy(): void {
    this.record('cuStreamDestroy_v2');
  }
  streamSynchronize(): void {
    this.record('cuStreamSynchronize');
  }
  streamQuery(): boolean {
    this.record('cuStreamQuery');
    return true;
  }
  memAlloc(bytes: number): DevicePointer {
    this.record('cuMemAlloc_v2');
    const p = this.next;
    this.next += BigInt(Math.ceil(bytes / 256) * 256 + 256);
    this.memory.set(p, new Uint8Array(bytes));
    this.allocations++;
    this.peakLive = Math.max(this.peakLive, this.memory.size);
    return p;
  }
  memFree(pointer: DevicePointer): void {
    this.record('cuMemFree_v2');
    if (!this.memory.delete(pointer)) throw new CudaError('cuMemFree_v2', 1, ...NAMES[1]!);
  }
  memAddressRange(pointer: DevicePointer): { base: DevicePointer; bytes: number } {
    this.record('cuMemGetAddressRange_v2');
    for (const [base, bytes] of this.memory) if (pointer >= base && pointer < base + BigInt(bytes.length)) return { base, bytes: bytes.length };
    throw new CudaError('cuMemGetAddressRange_v2', 500, ...NAMES[500]!);
  }
  memInfo(): { free: number; total: number } {
    return { free: 0, total: 0 };
  }
  private at(pointer: DevicePointer, bytes: number): Uint8Array {
    for (const [base, mem] of this.memory) {
      if (pointer >= base && pointer + BigInt(bytes) <= base + BigInt(mem.length)) return mem.subarray(Number(pointer - base), Number(pointer - base) + bytes);
    }
    throw new CudaError('memcpy', 1, ...NAMES[1]!);
  }
  memcpyHtoD(dst: DevicePointer, src: ArrayBufferView): void {
    this.record('cuMemcpyHtoDAsync_v2');
    this.at(dst, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  }
  memcpyDtoH(dst: ArrayBufferView, src: DevicePointer): void {
    this.record('cuMemcpyDtoHAsync_v2');
    new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(this.at(src, dst.byteLength));
  }
  memcpyDtoD(dst: DevicePointer, src: DevicePointer, bytes: number): void {
    this.record('cuMemcpyDtoDAsync_v2');
    this.at(dst, bytes).set(this.at(src, bytes));
  }
  memsetD32(dst: DevicePointer, value: number, count: number): void {
    this.record('cuMemsetD32Async');
    new DataView(this.at(dst, count * 4).buffer).setUint32(0, value, true);
  }
  launchKernel(fn: Handle, grid: Dim3, block: Dim3, sharedBytes: number, _stream: Handle, args: Uint8Array): void {
    this.record('cuLaunchKernel');
    this.launches.push({ kernel: (fn as { name: string }).name, grid, block, sharedBytes, args: args.slice() });
  }
  eventCreate(): Handle {
    return {};
  }
  eventRecord(): void {}
  eventSynchronize(): void {}
  eventElapsedMs(): number {
    return 0;
  }
  eventDestroy(): void {}
}
