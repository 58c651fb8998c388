import type { DevicePointer } from './driver/api.js';
import type { DeviceBuffer } from './device/memory.js';
import type { CudaRuntime } from './device/runtime.js';
import { fromBfloat16, fromFloat16 } from '@matryoshka/core';
import type { CudaDType } from './kernels/names.js';

export interface Readable {
  readonly pointer: DevicePointer;
  readonly dtype: CudaDType;
  /** Values to read. */
  readonly count: number;
}

/**
 * Waits for the stream without blocking the event loop, then copies every item and the
 * non-finite flag to the CPU as float32.
 */
export async function readBack(runtime: CudaRuntime, items: readonly Readable[], flag: DeviceBuffer): Promise<{ data: Float32Array[]; nonFinite: boolean }> {
  await runtime.idle();
  return runtime.within(() => {
    const { driver, stream } = runtime;
    const data = items.map((it) => {
      if (it.dtype === 'float32') {
        const out = new Float32Array(it.count);
        driver.memcpyDtoH(out, it.pointer, stream);
        return out;
      }
      const bits = new Uint16Array(it.count);
      driver.memcpyDtoH(bits, it.pointer, stream);
      return it.dtype === 'float16' ? fromFloat16(bits) : fromBfloat16(bits);
    });
    const word = new Uint32Array(1);
    driver.memcpyDtoH(word, flag.pointer, stream);
    driver.streamSynchronize(stream);
    return { data, nonFinite: word[0] !== 0 };
  });
}
