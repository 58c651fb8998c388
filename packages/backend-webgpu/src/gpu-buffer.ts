import { ErrorCode, MatryoshkaError, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import { BufferUsage } from './device/constants.js';
import type { GpuResources } from './device/resources.js';

/**
 * The one check of a caller's GPU buffer before any GPU work: a real `GPUBuffer` (not an object
 * that merely looks like one), not destroyed by this backend (a disposed pyramid's level), not
 * mapped, readable by a compute shader, large enough, and within this device's limits. What only
 * the GPU can tell (destroyed by the caller, made on another device) is caught by the error scope
 * every call runs in (see `withErrorScope`).
 */
export function checkGpuBuffer(value: unknown, res: GpuResources, neededBytes: number, argument: string): GPUBuffer {
  if (!isGpuBuffer(value)) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a GPUBuffer created on this backend's device, got ${describe(value)}`);
  }
  if (res.destroyedHere(value)) {
    throw new MatryoshkaError(ErrorCode.Disposed, `${argument}: was destroyed (a level of a disposed pyramid or a released result?)`, { argument });
  }
  if (value.mapState !== 'unmapped') {
    throw argumentError(ErrorCode.InvalidArgument, argument, `is ${value.mapState === 'mapped' ? 'mapped' : 'being mapped'}; unmap it before pooling from it`);
  }
  if ((value.usage & BufferUsage.STORAGE) === 0) {
    throw argumentError(ErrorCode.InvalidArgument, argument, 'needs GPUBufferUsage.STORAGE to be read by a compute shader');
  }
  if (value.size > res.device.limits.maxBufferSize) {
    throw argumentError(
      ErrorCode.InvalidArgument,
      argument,
      `is ${value.size} bytes, above this device's maxBufferSize (${res.device.limits.maxBufferSize}): it was made on another device`,
    );
  }
  if (value.size < neededBytes) {
    throw argumentError(ErrorCode.ShapeMismatch, argument, `the grid needs ${neededBytes} bytes, the buffer has ${value.size}`);
  }
  return value;
}

/** A platform GPUBuffer: its brand (`[object GPUBuffer]`) and the members this backend uses. */
export function isGpuBuffer(value: unknown): value is GPUBuffer {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const b = value as Partial<GPUBuffer>;
    return (
      Object.prototype.toString.call(value) === '[object GPUBuffer]' &&
      typeof b.size === 'number' &&
      typeof b.usage === 'number' &&
      typeof b.mapState === 'string' &&
      typeof b.destroy === 'function'
    );
  } catch {
    return false;
  }
}

/**
 * Runs `work` (which records and submits GPU commands) inside validation and out-of-memory error
 * scopes. WebGPU reports a destroyed buffer, a buffer of another device or a failed allocation
 * only there — without this the call would "succeed" with levels of zeros. On an error, `cleanup`
 * frees what `work` made and the call rejects with a coded error.
 */
export async function withErrorScope<T>(device: GPUDevice, work: () => T, cleanup: (result: T) => void, gpuInput: boolean): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = work();
  } catch (error) {
    // Both scopes are popped synchronously, before any await, so concurrent calls never interleave them.
    void device.popErrorScope().catch(() => null);
    void device.popErrorScope().catch(() => null);
    throw error;
  }
  const validation = device.popErrorScope();
  const memory = device.popErrorScope();
  const [invalid, oom] = await Promise.all([validation.catch(() => null), memory.catch(() => null)]);
  if (invalid === null && oom === null) return result;
  cleanup(result);
  if (oom !== null) {
    throw new MatryoshkaError(ErrorCode.DeviceError, `webgpu: the device ran out of memory (${oom.message})`);
  }
  const message = invalid!.message.split('\n')[0]!;
  if (gpuInput) {
    throw new MatryoshkaError(
      ErrorCode.InvalidArgument,
      `input.buffer: the GPU refused it (${message}); a destroyed buffer or one made on another device cannot be read`,
      { argument: 'input.buffer' },
    );
  }
  throw new MatryoshkaError(ErrorCode.DeviceError, `webgpu: the GPU refused the work (${message})`);
}
