import type { NonFinitePolicy, OpResult, PoolingOpName } from '@matryoshka/core';
import { createDeviceResult, lowerOp } from '@matryoshka/core/backend';
import type { DevicePointer } from './driver/api.js';
import type { DeviceBuffer } from './device/memory.js';
import type { CudaRuntime } from './device/runtime.js';
import { releaseAll } from './build-pyramid.js';
import { resolveInput, type CudaInput } from './input.js';
import { DTYPES, elementBytes, type CudaDType } from './kernels/names.js';
import { enqueueWindow, tableWindows, type WindowLaunch } from './launch/enqueue.js';
import { WindowTable } from '@matryoshka/core/backend';
import { readBack } from './readback.js';

export interface CudaOpOptions {
  nonFinite?: NonFinitePolicy;
  outputType?: CudaDType;
  [option: string]: unknown;
}

/** The result of one op: a grid in device memory (row-major, from `pointer`), owned until `dispose()`. */
export interface CudaGrid extends OpResult {
  readonly pointer: DevicePointer;
  readonly dtype: CudaDType;
  readonly byteLength: number;
}

/** Runs one of the CPU reference's ops on the device, with the same options and the same errors. */
export function runCudaOp(runtime: CudaRuntime, op: PoolingOpName, input: CudaInput, options: CudaOpOptions | undefined): CudaGrid {
  runtime.check();
  const src = resolveInput(runtime, input);
  const { plan, nonFinite, outputType: outType } = lowerOp(src.shape, op, options, { inputType: src.dtype, outputTypes: DTYPES });

  const C = src.shape.channels;
  const count = plan.frames * plan.rows * plan.cols * C;
  const byteLength = count * elementBytes(outType);
  const owned: DeviceBuffer[] = [];
  const scratch: DeviceBuffer[] = [];
  const { out, flag } = runtime.within(() => {
    try {
      const out = runtime.memory.alloc(byteLength, `${op} output`);
      owned.push(out);
      const flag = runtime.memory.alloc(4, 'non-finite flag');
      owned.push(flag);
      runtime.driver.memsetD32(flag.pointer, 0, 1, runtime.stream);
      let inPointer: DevicePointer;
      if (src.kind === 'device') {
        inPointer = src.pointer;
      } else {
        const up = runtime.upload(src.data, 'input');
        scratch.push(up);
        inPointer = up.pointer;
      }
      const launch: WindowLaunch = {
        src: inPointer,
        srcType: src.dtype,
        dst: out.pointer,
        dstType: outType,
        input: plan.input,
        channels: C,
        windows: plan.windows,
        reduce: plan.reduce,
      };
      const table = new WindowTable();
      const offsets = tableWindows(table, launch.windows);
      const tableBuffer = runtime.upload(table.toArray(), 'window table');
      scratch.push(tableBuffer);
      enqueueWindow(runtime, launch, tableBuffer.pointer, offsets, flag.pointer);
      for (const b of scratch.splice(0)) runtime.memory.free(b);
      return { out, flag };
    } catch (error) {
      releaseAll(runtime, [...owned, ...scratch]);
      throw error;
    }
  });

  return createDeviceResult(
    {
      backend: 'cuda',
      op,
      shape: { frames: plan.frames, rows: plan.rows, cols: plan.cols, channels: C },
      nonFinite,
      check: () => runtime.check(),
      read: () => readBack(runtime, [{ pointer: out.pointer, dtype: outType, count }], flag),
      free: () => {
        if (runtime.isDisposed) return;
        runtime.within(() => {
          runtime.memory.free(out);
          runtime.memory.free(flag);
        });
      },
    },
    { pointer: out.pointer, dtype: outType, byteLength },
  );
}
