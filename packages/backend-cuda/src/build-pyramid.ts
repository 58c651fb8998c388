import type { PyramidOptions } from '@matryoshka/core';
import { lowerPyramid, type PassSource } from '@matryoshka/core/backend';
import type { DevicePointer } from './driver/api.js';
import type { DeviceBuffer } from './device/memory.js';
import type { CudaRuntime } from './device/runtime.js';
import { createCudaPyramid, type CudaLevel, type CudaPyramid } from './cuda-pyramid.js';
import { resolveInput, type CudaInput } from './input.js';
import { packPyramidArgs } from './kernels/args.js';
import { DTYPES, elementBytes, kernelName, type CudaDType } from './kernels/names.js';
import { enqueueWindow, tableWindows, type WindowLaunch } from './launch/enqueue.js';
import { planPyramid, type PyramidOp } from './launch/pyramid-plan.js';
import { WindowTable } from '@matryoshka/core/backend';

export interface CudaPyramidOptions extends PyramidOptions {
  /** Element type of the levels in device memory. Default: the input's (`float32` for a TokenGrid). */
  outputType?: CudaDType;
}

/**
 * Builds a pyramid on the device: every argument is checked first (core's `lowerPyramid`), then
 * the launches of `planPyramid` are queued on the backend's stream (usually one fused launch)
 * and the levels stay in device memory until read.
 */
export function buildCudaPyramid(runtime: CudaRuntime, input: CudaInput, options: CudaPyramidOptions | undefined, fuse: boolean): CudaPyramid {
  // Validation: nothing is allocated or launched until all of it passed.
  runtime.check();
  const src = resolveInput(runtime, input);
  const lowered = lowerPyramid(src.shape, options, { inputType: src.dtype, outputTypes: DTYPES });
  const { shape, plans, outputType: outType } = lowered;
  const ops = planPyramid(lowered, { maxSharedBytes: runtime.info.maxSharedBytes, fuse });

  const { memory } = runtime;
  const owned: DeviceBuffer[] = [];
  const scratch: DeviceBuffer[] = [];
  const alloc = (bytes: number, label: string, into: DeviceBuffer[]) => {
    const b = memory.alloc(bytes, label);
    into.push(b);
    return b;
  };
  return runtime.within(() => {
    try {
      const C = shape.channels;
      const levels: CudaLevel[] = plans.map((plan) => {
        const byteLength = shape.frames * plan.rows * plan.cols * C * elementBytes(outType);
        const pointer = alloc(byteLength, `level ${plan.requested}`, owned).pointer;
        return Object.freeze({ plan, frames: shape.frames, rows: plan.rows, cols: plan.cols, channels: C, dtype: outType, byteLength, pointer });
      });
      const flag = alloc(4, 'non-finite flag', owned);
      runtime.driver.memsetD32(flag.pointer, 0, 1, runtime.stream);
      const inPointer = src.kind === 'device' ? src.pointer : track(runtime.upload(src.data, 'input'), scratch).pointer;
      const pointerOf = (source: PassSource): DevicePointer => (source === 'input' ? inPointer : levels[source.level]!.pointer);

      const windowOf = (op: Extract<PyramidOp, { kind: 'window' }>): WindowLaunch => ({
        src: pointerOf(op.source),
        srcType: op.source === 'input' ? src.dtype : outType,
        dst: levels[op.level]!.pointer,
        dstType: outType,
        input: { frames: shape.frames, ...op.sourceShape },
        channels: C,
        windows: { frames: lowered.frames, ...op.windows },
        reduce: 'average',
      });
      const table = new WindowTable();
      const offsets = ops.map((op) => (op.kind === 'window' ? tableWindows(table, windowOf(op).windows) : null));
      const tablePointer = table.empty ? 0n : track(runtime.upload(table.toArray(), 'window table'), scratch).pointer;

      ops.forEach((op, i) => {
        if (op.kind === 'fused') {
          const args = packPyramidArgs({
            src: inPointer,
            identity: op.identityLevel < 0 ? 0n : levels[op.identityLevel]!.pointer,
            flag: flag.pointer,
            frames: shape.frames,
            rows: shape.rows,
            cols: shape.cols,
            channels: C,
            steps: op.steps.map((s) => ({ ...s, dst: levels[s.level]!.pointer })),
          });
          runtime.launch(kernelName('pyramid', src.dtype, outType), op.geometry.grid, op.geometry.block, op.geometry.sharedBytes, args);
        } else if (op.kind === 'window') {
          enqueueWindow(runtime, windowOf(op), tablePointer, offsets[i]!, flag.pointer);
        } else {
          const level = levels[op.level]!;
          runtime.driver.memcpyDtoD(level.pointer, pointerOf(op.source), level.byteLength, runtime.stream);
        }
      });
      // Safe before the launches ran: blocks are only reused by work queued after them.
      for (const b of scratch.splice(0)) memory.free(b);
      return createCudaPyramid(runtime, levels, owned.slice(0, levels.length), flag, lowered);
    } catch (error) {
      releaseAll(runtime, [...owned, ...scratch]);
      throw error;
    }
  });
}

/** Frees what a failed call allocated, keeping the first error (a lost context fails these too). */
export function releaseAll(runtime: CudaRuntime, buffers: readonly DeviceBuffer[]): void {
  for (const b of buffers) {
    try {
      runtime.memory.free(b);
    } catch {
      // The original error says what went wrong.
    }
  }
}

function track(buffer: DeviceBuffer, into: DeviceBuffer[]): DeviceBuffer {
  into.push(buffer);
  return buffer;
}
