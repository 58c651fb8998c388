import { ErrorCode, MatryoshkaError, argumentError } from '@matryoshka/core';
import { CudaError, type CudaDriver, type Handle } from '../driver/api.js';
import { CuResult, DeviceAttribute } from '../driver/results.js';
import { PTX, PTX_CUDA_VERSION, PTX_ISA, PTX_MIN_DRIVER, PTX_TARGET } from '../kernels/ptx.js';
import { CudaRuntime, type CudaDeviceInfo } from './runtime.js';

/**
 * Initializes the driver, picks the device, retains its primary context (shared with every other
 * CUDA user in the process, e.g. PyTorch or onnxruntime), JIT-compiles the package's PTX and
 * creates a stream. Any failure is BACKEND_UNAVAILABLE with the reason in words; whatever was
 * acquired before it is released.
 */
export function openRuntime(driver: CudaDriver, ordinal: number | undefined, cacheBytes: number, ownsDriver: boolean): CudaRuntime {
  try {
    driver.init();
  } catch (error) {
    if (error instanceof CudaError && error.code === CuResult.NO_DEVICE) throw unavailable(`no CUDA device is visible (${error.message})`, error);
    throw unavailable(`the driver did not initialize (${describeError(error)})`, error);
  }
  const count = call(() => driver.deviceCount(), 'counting devices');
  if (count === 0) throw unavailable('no CUDA device is visible (cuDeviceGetCount returned 0)');
  const wanted = ordinal ?? 0;
  if (wanted >= count) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.device', `expected a device ordinal from 0 to ${count - 1} (${count} visible), got ${wanted}`);
  }
  const info = call(() => deviceInfo(driver, wanted), 'reading the device');
  const context = call(() => driver.primaryContextRetain(info.ordinal), 'retaining the primary context');
  let module: Handle | undefined;
  try {
    driver.contextPush(context);
    try {
      module = loadModule(driver, info);
      const stream = call(() => driver.streamCreate(), 'creating a stream');
      return new CudaRuntime({ driver, info, context, module, stream, cacheBytes, ownsDriver });
    } finally {
      driver.contextPop();
    }
  } catch (error) {
    try {
      if (module !== undefined) driver.moduleUnload(module);
      driver.primaryContextRelease(info.ordinal);
    } catch {
      // Best effort: the process keeps a retained context otherwise.
    }
    if (ownsDriver) driver.close?.();
    throw error instanceof MatryoshkaError ? error : unavailable(describeError(error), error);
  }
}

function deviceInfo(driver: CudaDriver, ordinal: number): CudaDeviceInfo {
  const device = driver.deviceGet(ordinal);
  const attr = (a: number) => driver.deviceAttribute(a, device);
  const v = driver.driverVersion();
  return Object.freeze({
    ordinal: device,
    name: driver.deviceName(device),
    computeCapability: `${attr(DeviceAttribute.COMPUTE_CAPABILITY_MAJOR)}.${attr(DeviceAttribute.COMPUTE_CAPABILITY_MINOR)}`,
    multiprocessors: attr(DeviceAttribute.MULTIPROCESSOR_COUNT),
    totalMemory: driver.deviceTotalMemory(device),
    driverVersion: cudaVersion(v),
    maxSharedBytes: Math.min(48 * 1024, attr(DeviceAttribute.MAX_SHARED_MEMORY_PER_BLOCK)),
  });
}

/** JIT-compiles the PTX; explains the two ways this fails on a user's machine. */
function loadModule(driver: CudaDriver, info: CudaDeviceInfo): Handle {
  try {
    return driver.moduleLoad(PTX).module;
  } catch (error) {
    if (error instanceof CudaError && error.code === CuResult.UNSUPPORTED_PTX_VERSION) {
      throw unavailable(
        `the driver supports CUDA ${info.driverVersion}, but the kernels are PTX ISA ${PTX_ISA}, which needs a driver for CUDA ${PTX_CUDA_VERSION} or newer (${PTX_MIN_DRIVER}+, and at least what ${info.name} itself needs): update the NVIDIA driver (${error.message})`,
        error,
      );
    }
    if (error instanceof CudaError) {
      throw unavailable(
        `JIT compilation of the kernels (PTX for ${PTX_TARGET}) failed on ${info.name} (compute ${info.computeCapability}): ${error.message}`,
        error,
      );
    }
    throw error;
  }
}

function call<T>(work: () => T, what: string): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof MatryoshkaError) throw error;
    throw unavailable(`${what} failed (${describeError(error)})`, error);
  }
}

function cudaVersion(v: number): string {
  return `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function unavailable(reason: string, cause?: unknown): MatryoshkaError {
  return new MatryoshkaError(ErrorCode.BackendUnavailable, `cuda: ${reason}`, cause === undefined ? {} : { cause });
}
