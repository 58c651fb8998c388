import { ErrorCode, MatryoshkaError, type LevelPlan, type PyramidOptions } from '@matryoshka/core';
import { lowerPyramid, unitWindows, type PassWindows } from '@matryoshka/core/backend';
import type { GpuResources } from './device/resources.js';
import { BufferUsage } from './device/constants.js';
import { createWebGpuPyramid, type GpuLevel, type WebGpuPyramid } from './gpu-pyramid.js';
import { DTYPES, resolveInput, type WebGpuInput } from './input.js';
import type { GpuDType } from './kernels/pool-wgsl.js';
import { encodePasses, type PassSpec } from './pass/encode.js';
import { withErrorScope } from './gpu-buffer.js';

export interface WebGpuPyramidOptions extends PyramidOptions {
  /** Element type of the levels on the GPU. Default: the input's (`float32` for CPU grids). */
  outputType?: GpuDType;
}

const LEVEL_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/**
 * Builds a pyramid on the GPU: every argument is checked first (core's `lowerPyramid`), then one
 * command buffer pools the input once for each chain of nesting levels and the levels stay on
 * the device. Frames are batched in the same dispatches.
 */
export function buildWebGpuPyramid(
  res: GpuResources,
  input: WebGpuInput,
  options: WebGpuPyramidOptions | undefined,
  checkDevice: () => void,
): Promise<WebGpuPyramid> {
  // Validation: nothing touches the GPU until all of it passed.
  checkDevice();
  const src = resolveInput(input, res);
  // A CPU input's identity level is checked here, on the CPU copy, so it may be a plain copy.
  const lowered = lowerPyramid(src.shape, options, { inputType: src.dtype, outputTypes: DTYPES, checkIdentityOnDevice: src.kind === 'gpu' });
  const { shape, plans, outputType: outType, nonFinite } = lowered;

  const owned: GPUBuffer[] = [];
  const own = (b: GPUBuffer): GPUBuffer => {
    owned.push(b);
    return b;
  };
  const release = () => {
    // Nothing of a failed call stays on the device (e.g. a pass that cannot be split to fit).
    for (const b of owned) res.destroy(b);
  };
  return withErrorScope(
    res.device,
    () => {
      try {
        return encodeAndSubmit();
      } catch (error) {
        release();
        throw error;
      }
    },
    release,
    src.kind === 'gpu',
  );

  function encodeAndSubmit(): WebGpuPyramid {
    const C = shape.channels;
    // The input in one buffer, or — a CPU grid above the device's maxBufferSize — in groups of
    // whole frames, each pooled into its frames' part of the levels (frames never mix).
    const groups: InputGroup[] =
      src.kind === 'gpu'
        ? [{ f0: 0, frames: shape.frames, buffer: src.buffer, byteOffset: src.byteOffset }]
        : frameGroups(res, shape, plans, outType).map(([f0, frames]) => {
            const floats = shape.rows * shape.cols * C;
            const label = frames === shape.frames ? 'input' : `input frames ${f0}–${f0 + frames - 1}`;
            const buffer = own(res.upload(label, src.grid.data.subarray(f0 * floats, (f0 + frames) * floats), BufferUsage.STORAGE | BufferUsage.COPY_SRC));
            return { f0, frames, buffer, byteOffset: 0 };
          });
    const levels: GpuLevel[] = plans.map((plan) => {
      const count = shape.frames * plan.rows * plan.cols * C;
      const byteLength = count * (outType === 'float32' ? 4 : 2);
      return Object.freeze({
        plan,
        frames: shape.frames,
        rows: plan.rows,
        cols: plan.cols,
        channels: C,
        dtype: outType,
        byteLength,
        buffer: own(res.createBuffer(`level ${plan.requested}`, byteLength, LEVEL_USAGE)),
      });
    });
    const flag = own(res.createBuffer('non-finite flag', 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST));

    const passes: PassSpec[] = [];
    const outBytes = outType === 'float32' ? 4 : 2;
    const fromInput = (windows: PassWindows, dst: GPUBuffer): PassSpec[] =>
      groups.map((g) => ({
        geometry: {
          channels: C,
          input: { frames: g.frames, rows: shape.rows, cols: shape.cols },
          windows: { frames: unitWindows(g.frames), ...windows },
          src: src.dtype,
          dst: outType,
        },
        reduce: 'average',
        src: g.buffer,
        srcByteOffset: g.byteOffset,
        dst,
        dstByteOffset: g.f0 * windows.rows.length * windows.cols.length * C * outBytes,
      }));
    for (const step of lowered.steps) {
      const dst = levels[step.level]!.buffer;
      if (step.from === 'input') {
        passes.push(...fromInput(step.windows, dst));
      } else {
        passes.push({
          geometry: {
            channels: C,
            input: { frames: shape.frames, rows: step.srcRows, cols: step.srcCols },
            windows: { frames: lowered.frames, ...step.windows },
            src: outType,
            dst: outType,
          },
          reduce: 'average',
          src: levels[step.from.level]!.buffer,
          srcByteOffset: 0,
          dst,
        });
      }
    }
    const copies: Array<{ from: GPUBuffer; fromOffset: number; to: GPUBuffer; toOffset: number; bytes: number }> = [];
    lowered.levels.forEach((action, i) => {
      const level = levels[i]!;
      if (action.kind === 'separable') passes.push(...fromInput(action.windows, level.buffer));
      else if (action.kind === 'copy')
        copies.push({ from: levels[action.from]!.buffer, fromOffset: 0, to: level.buffer, toOffset: 0, bytes: Math.ceil(level.byteLength / 4) * 4 });
      else if (action.kind === 'identity') {
        // A plain copy where nothing needs checking on the GPU (CPU input is checked below);
        // otherwise a pass of unit windows, which converts the type and flags NaN/Infinity.
        if (action.copy) {
          const frameBytes = shape.rows * shape.cols * C * outBytes;
          for (const g of groups) {
            const bytes = g.frames === shape.frames ? Math.ceil(level.byteLength / 4) * 4 : g.frames * frameBytes;
            copies.push({ from: g.buffer, fromOffset: g.byteOffset, to: level.buffer, toOffset: g.f0 * frameBytes, bytes });
          }
        } else passes.push(...fromInput(action.windows, level.buffer));
      }
    });

    const encoder = res.device.createCommandEncoder({ label: 'matryoshka pyramid' });
    const scratch = encodePasses(res, encoder, passes, flag);
    for (const c of copies) encoder.copyBufferToBuffer(c.from, c.fromOffset, c.to, c.toOffset, c.bytes);
    res.device.queue.submit([encoder.finish()]);
    // Destroying after submit is safe: the queue keeps them until the submitted work is done.
    for (const b of scratch) res.destroy(b);
    if (src.kind === 'cpu') for (const g of groups) res.destroy(g.buffer);
    if (src.kind === 'cpu' && nonFinite === 'reject' && lowered.levels.some((l) => l.kind === 'identity')) {
      // The identity level is a copy, which no kernel inspects: check it here, on the CPU copy.
      checkIdentity(src.grid.data, flag, res);
    }
    return createWebGpuPyramid(res, levels, flag, { mode: lowered.mode, nonFinite, checkDevice });
  }
}

interface InputGroup {
  readonly f0: number;
  readonly frames: number;
  readonly buffer: GPUBuffer;
  readonly byteOffset: number;
}

/**
 * `[firstFrame, frames]` groups of a CPU grid, each small enough for one buffer: one group when
 * the whole grid fits. Size is then the only problem, so the grid is split by whole frames (each
 * frame is pooled on its own); a single frame above the limit is LIMIT_EXCEEDED. Float16 levels
 * pack two values per word, so groups start on frames whose outputs start on a whole word.
 */
function frameGroups(
  res: GpuResources,
  shape: { frames: number; rows: number; cols: number; channels: number },
  plans: readonly LevelPlan[],
  outType: GpuDType,
): Array<[number, number]> {
  const frameBytes = shape.rows * shape.cols * shape.channels * 4;
  if (shape.frames * frameBytes <= res.maxBufferBytes) return [[0, shape.frames]];
  let per = Math.floor(res.maxBufferBytes / frameBytes);
  const oddLevel = outType === 'float16' && [shape.rows * shape.cols, ...plans.map((p) => p.rows * p.cols)].some((cells) => (cells * shape.channels) % 2 === 1);
  if (oddLevel) per -= per % 2;
  if (per < 1) {
    throw new MatryoshkaError(
      ErrorCode.LimitExceeded,
      `input: one frame of ${shape.rows}×${shape.cols}×${shape.channels} float32 values is ${frameBytes} bytes, above this device's maxBufferSize (${res.maxBufferBytes})${oddLevel ? ' for float16 levels split in pairs of frames' : ''}; use a device with a higher limit or the cpu backend`,
      { argument: 'input' },
    );
  }
  const groups: Array<[number, number]> = [];
  for (let f0 = 0; f0 < shape.frames; f0 += per) groups.push([f0, Math.min(per, shape.frames - f0)]);
  return groups;
}

function checkIdentity(data: Float32Array, flag: GPUBuffer, res: GpuResources): void {
  let guard = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    guard += v - v;
  }
  if (guard !== 0) res.device.queue.writeBuffer(flag, 0, new Uint32Array([1]));
}
