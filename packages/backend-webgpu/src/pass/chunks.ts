import { ErrorCode, MatryoshkaError, type AxisWindow } from '@matryoshka/core';
import type { GpuDType } from '../kernels/pool-wgsl.js';

/** One pooling pass as pure data: what it reads, the windows of every output cell, what it writes. */
export interface PassGeometry {
  readonly channels: number;
  /** The source's layout (sequential sampling reads frames as one long row). */
  readonly input: { readonly frames: number; readonly rows: number; readonly cols: number };
  readonly windows: { readonly frames: readonly AxisWindow[]; readonly rows: readonly AxisWindow[]; readonly cols: readonly AxisWindow[] };
  readonly src: GpuDType;
  readonly dst: GpuDType;
}

/** A dispatch's share of a pass: whole output frames, or a band of rows of one frame. */
export interface Chunk {
  readonly frame0: number;
  readonly outFrames: number;
  readonly row0: number;
  readonly outRows: number;
  /** Source elements `[inStart, inEnd)` the chunk reads. */
  readonly inStart: number;
  readonly inEnd: number;
  /** Output elements `[outStart, outStart + count)` it writes. */
  readonly outStart: number;
  readonly count: number;
}

export const elementBytes = (t: GpuDType): number => (t === 'float32' ? 4 : 2);

/** Bytes a binding of `[start, end)` elements needs, with its start rounded down to the 256-byte offset alignment. */
export function bindingBytes(start: number, end: number, t: GpuDType, baseByte = 0): number {
  const es = elementBytes(t);
  const first = Math.floor((baseByte + start * es) / 256) * 256;
  return Math.ceil((baseByte + end * es) / 4) * 4 - first;
}

/**
 * Splits a pass so that no binding exceeds `maxBindingBytes` (the device's
 * `maxStorageBufferBindingSize`): as many whole output frames per dispatch as fit, else bands of
 * output rows of one frame. Pure arithmetic, tested without a GPU.
 */
export function planChunks(g: PassGeometry, maxBindingBytes: number, srcBaseByte = 0): Chunk[] {
  const C = g.channels;
  const { rows: inRows, cols: inCols } = g.input;
  const inFrame = inRows * inCols * C;
  const outRows = g.windows.rows.length;
  const outCols = g.windows.cols.length;
  const outRow = outCols * C;
  const outFrame = outRows * outRow;
  const fits = (inStart: number, inEnd: number, outStart: number, outEnd: number) =>
    bindingBytes(inStart, inEnd, g.src, srcBaseByte) <= maxBindingBytes && bindingBytes(outStart, outEnd, g.dst) <= maxBindingBytes;

  const chunks: Chunk[] = [];
  const fw = g.windows.frames;
  let t = 0;
  while (t < fw.length) {
    // Grow a run of whole output frames while its input and output bindings fit.
    let t1 = t + 1;
    const inStart = fw[t]!.start * inFrame;
    if (fits(inStart, fw[t]!.end * inFrame, t * outFrame, t1 * outFrame)) {
      while (t1 < fw.length && fits(inStart, fw[t1]!.end * inFrame, t * outFrame, (t1 + 1) * outFrame)) t1 += 1;
      chunks.push(
        check(g, {
          frame0: t,
          outFrames: t1 - t,
          row0: 0,
          outRows,
          inStart,
          inEnd: fw[t1 - 1]!.end * inFrame,
          outStart: t * outFrame,
          count: (t1 - t) * outFrame,
        }),
      );
      t = t1;
      continue;
    }
    // One output frame is too big: bands of rows, which needs a single input frame.
    const w = fw[t]!;
    if (w.end - w.start !== 1) {
      throw tooLarge(`a temporal window of ${w.end - w.start} frames of ${inRows}×${inCols}×${C} exceeds one binding (${maxBindingBytes} bytes)`);
    }
    const frameBase = w.start * inFrame;
    const rw = g.windows.rows;
    let r = 0;
    while (r < outRows) {
      const rowIn = (i: number) => frameBase + i * inCols * C;
      const first = rowIn(rw[r]!.start);
      let r1 = r + 1;
      if (!fits(first, rowIn(rw[r]!.end), t * outFrame + r * outRow, t * outFrame + r1 * outRow)) {
        throw tooLarge(
          `one output row reads ${rw[r]!.end - rw[r]!.start} input rows of ${inCols}×${C} values, more than one binding (${maxBindingBytes} bytes) holds`,
        );
      }
      while (r1 < outRows && fits(first, rowIn(rw[r1]!.end), t * outFrame + r * outRow, t * outFrame + (r1 + 1) * outRow)) r1 += 1;
      chunks.push(
        check(g, {
          frame0: t,
          outFrames: 1,
          row0: r,
          outRows: r1 - r,
          inStart: first,
          inEnd: rowIn(rw[r1 - 1]!.end),
          outStart: t * outFrame + r * outRow,
          count: (r1 - r) * outRow,
        }),
      );
      r = r1;
    }
    t += 1;
  }
  return chunks;
}

function check(g: PassGeometry, c: Chunk): Chunk {
  // A float16 output invocation writes two values as one word: a chunk must start on a word.
  if (g.dst === 'float16' && c.outStart % 2 !== 0) {
    throw tooLarge('splitting this float16 output would cut a packed word in two (odd rows × cols × channels); use float32 output');
  }
  return c;
}

function tooLarge(message: string): MatryoshkaError {
  return new MatryoshkaError(ErrorCode.ShapeMismatch, `webgpu: ${message}`, { argument: 'input' });
}
