import { ErrorCode, MatryoshkaError, fromFloat16 } from '@matryoshka/core';
import type { DeviceReadResult } from '@matryoshka/core/backend';
import type { GpuResources } from './device/resources.js';
import { BufferUsage, MAP_READ } from './device/constants.js';
import type { GpuDType } from './kernels/pool-wgsl.js';

export interface Readable {
  readonly buffer: GPUBuffer;
  readonly dtype: GpuDType;
  /** Values in the buffer. */
  readonly count: number;
}

/**
 * Copies every buffer (and the non-finite flag) into one staging buffer, maps it once and
 * returns float32 copies. One submit and one await for any number of levels.
 */
export interface ReadResult {
  data: Float32Array[];
  /** The kernels met NaN/±Infinity in their input. */
  nonFinite: boolean;
  /** A float16 level holds ±Infinity or NaN from a finite input: values beyond ±65504 overflowed. */
  halfOverflow: boolean;
}

export async function readBack(res: GpuResources, items: readonly Readable[], flag: GPUBuffer): Promise<ReadResult> {
  const sizes = items.map((it) => Math.ceil((it.count * (it.dtype === 'float32' ? 4 : 2)) / 4) * 4);
  const total = sizes.reduce((a, b) => a + b, 0) + 4;
  if (total > res.maxBufferBytes && items.length > 1) {
    // One staging buffer per half: each level alone fits (it was created on this device).
    const half = Math.ceil(items.length / 2);
    const [a, b] = [await readBack(res, items.slice(0, half), flag), await readBack(res, items.slice(half), flag)];
    return { data: [...a.data, ...b.data], nonFinite: a.nonFinite || b.nonFinite, halfOverflow: a.halfOverflow || b.halfOverflow };
  }
  const staging = res.createBuffer('readback', total, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
  try {
    const encoder = res.device.createCommandEncoder({ label: 'matryoshka read' });
    let offset = 0;
    items.forEach((it, i) => {
      encoder.copyBufferToBuffer(it.buffer, 0, staging, offset, sizes[i]!);
      offset += sizes[i]!;
    });
    encoder.copyBufferToBuffer(flag, 0, staging, offset, 4);
    res.device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(MAP_READ);
    } catch (error) {
      throw new MatryoshkaError(ErrorCode.DeviceError, `webgpu: reading results back failed (${(error as Error).message})`, { cause: error });
    }
    const bytes = staging.getMappedRange();
    offset = 0;
    const data = items.map((it, i) => {
      const part =
        it.dtype === 'float32'
          ? new Float32Array(bytes.slice(offset, offset + it.count * 4))
          : fromFloat16(new Uint16Array(bytes.slice(offset, offset + it.count * 2)));
      offset += sizes[i]!;
      return part;
    });
    const nonFinite = new Uint32Array(bytes.slice(offset, offset + 4))[0] !== 0;
    staging.unmap();
    const halfOverflow = !nonFinite && items.some((it, i) => it.dtype === 'float16' && !allFinite(data[i]!));
    return { data, nonFinite, halfOverflow };
  } finally {
    res.destroy(staging);
  }
}

function allFinite(values: Float32Array): boolean {
  let guard = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    guard += v - v;
  }
  return guard === 0;
}

/** The error for a float16 result that overflowed (finite input, values beyond ±65504). */
export function halfOverflowError(): MatryoshkaError {
  return new MatryoshkaError(
    ErrorCode.NonFiniteValue,
    "options.outputType: a value beyond ±65504 overflowed float16 to Infinity; use outputType 'float32' (or pass { nonFinite: 'propagate' } to get the GPU's values anyway)",
    { argument: 'options.outputType' },
  );
}

/** `readBack` as core's device pyramid expects it: a float16 overflow becomes the error to reject with. */
export async function readLevels(res: GpuResources, items: readonly Readable[], flag: GPUBuffer): Promise<DeviceReadResult> {
  const { data, nonFinite, halfOverflow } = await readBack(res, items, flag);
  return halfOverflow ? { data, nonFinite, reject: halfOverflowError() } : { data, nonFinite };
}
