import type { NonFinitePolicy, OpResult, PoolingOpName } from '@matryoshka/core';
import { createDeviceResult, lowerOp, type OpPlan } from '@matryoshka/core/backend';
import type { GpuResources } from './device/resources.js';
import { BufferUsage } from './device/constants.js';
import { DTYPES, resolveInput, type ResolvedInput, type WebGpuInput } from './input.js';
import { withErrorScope } from './gpu-buffer.js';
import type { GpuDType } from './kernels/pool-wgsl.js';
import { encodePasses } from './pass/encode.js';
import { readLevels } from './readback.js';

export interface WebGpuOpOptions {
  nonFinite?: NonFinitePolicy;
  outputType?: GpuDType;
  [option: string]: unknown;
}

/** The result of one op: a grid on the GPU. */
export interface GpuGrid extends OpResult {
  readonly buffer: GPUBuffer;
  readonly dtype: GpuDType;
  readonly byteLength: number;
}

/** Runs one of the CPU reference's ops on the GPU, with the same options and the same errors. */
export function runWebGpuOp(
  res: GpuResources,
  op: PoolingOpName,
  input: WebGpuInput,
  options: WebGpuOpOptions | undefined,
  checkDevice: () => void,
): Promise<GpuGrid> {
  checkDevice();
  const src = resolveInput(input, res);
  const { plan, nonFinite, outputType: outType } = lowerOp(src.shape, op, options, { inputType: src.dtype, outputTypes: DTYPES });
  return withErrorScope(
    res.device,
    () => submitOp(res, op, src, plan, outType, nonFinite, checkDevice),
    (grid) => grid.dispose(),
    src.kind === 'gpu',
  );
}

function submitOp(
  res: GpuResources,
  op: PoolingOpName,
  src: ResolvedInput,
  plan: OpPlan,
  outType: GpuDType,
  nonFinite: NonFinitePolicy,
  checkDevice: () => void,
): GpuGrid {
  const C = src.shape.channels;
  const count = plan.frames * plan.rows * plan.cols * C;
  const byteLength = count * (outType === 'float32' ? 4 : 2);
  const made: GPUBuffer[] = [];
  const make = (b: GPUBuffer): GPUBuffer => {
    made.push(b);
    return b;
  };
  let inBuffer: GPUBuffer;
  let out: GPUBuffer;
  let flag: GPUBuffer;
  let scratch: GPUBuffer[];
  try {
    inBuffer = src.kind === 'gpu' ? src.buffer : make(res.upload('input', src.grid.data, BufferUsage.STORAGE));
    out = make(res.createBuffer(`${op} output`, byteLength, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST));
    flag = make(res.createBuffer('non-finite flag', 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST));
    const encoder = res.device.createCommandEncoder({ label: `matryoshka ${op}` });
    scratch = encodePasses(
      res,
      encoder,
      [
        {
          geometry: { channels: C, input: plan.input, windows: plan.windows, src: src.dtype, dst: outType },
          reduce: plan.reduce,
          src: inBuffer,
          srcByteOffset: src.kind === 'gpu' ? src.byteOffset : 0,
          dst: out,
        },
      ],
      flag,
    );
    res.device.queue.submit([encoder.finish()]);
  } catch (error) {
    // Nothing of a failed call stays on the device (e.g. a pass that cannot be split to fit).
    for (const b of made) res.destroy(b);
    throw error;
  }
  for (const b of scratch) res.destroy(b);
  if (src.kind === 'cpu') res.destroy(inBuffer);

  return createDeviceResult(
    {
      backend: 'webgpu',
      op,
      shape: { frames: plan.frames, rows: plan.rows, cols: plan.cols, channels: C },
      nonFinite,
      check: checkDevice,
      read: () => readLevels(res, [{ buffer: out, dtype: outType, count }], flag),
      free: () => {
        res.destroy(out);
        res.destroy(flag);
      },
    },
    { buffer: out, dtype: outType, byteLength },
  );
}
