import { ErrorCode, argumentError } from '../errors.js';
import { positiveInt } from '../validate.js';
import { MAX_AXIS, MAX_AXIS_WEIGHTS, checkAxis } from './limits.js';

/**
 * The input cells `[start, end)` along one axis that make one output cell, and the weight of
 * each (`weights.length === end - start`). Every pooling mode here is separable: a 2-D output
 * cell is the weighted sum over the product of its row window and its column window.
 */
export interface AxisWindow {
  readonly start: number;
  readonly end: number;
  readonly weights: readonly number[];
}

/** Output length of PyTorch pooling with padding 0 and dilation 1 (`pooling_output_shape`). */
export function poolOutputSize(input: number, kernel: number, stride: number, ceilMode: boolean): number {
  positiveInt(input, 'input');
  positiveInt(kernel, 'kernel');
  positiveInt(stride, 'stride');
  if (kernel > input) throw argumentError(ErrorCode.KernelTooLarge, 'kernel', `a window of ${kernel} does not fit in ${input} cells`);
  let out = Math.floor((input - kernel + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  // PyTorch: in ceil mode the last window must start inside the input.
  if (ceilMode && (out - 1) * stride >= input) out -= 1;
  return out;
}

/**
 * Windows of `avg_pool2d` / `max_pool2d` along one axis (padding 0, `count_include_pad=True`,
 * which with no padding means an edge window in ceil mode averages its valid cells).
 */
export function poolWindows(input: number, kernel: number, stride: number, ceilMode: boolean, argument: string): AxisWindow[] {
  if (kernel > input) {
    throw argumentError(ErrorCode.KernelTooLarge, argument, `a window of ${kernel} does not fit in ${input} cells`);
  }
  const out = poolOutputSize(input, kernel, stride, ceilMode === true);
  checkAxis(out, argument, 'a window count', MAX_AXIS);
  checkAxis(out * kernel, argument, 'a window weight count', MAX_AXIS_WEIGHTS);
  const windows: AxisWindow[] = [];
  for (let i = 0; i < out; i++) {
    const start = i * stride;
    const end = Math.min(start + kernel, input);
    windows.push(uniform(start, end));
  }
  return windows;
}

/** Windows of `adaptive_avg_pool2d` along one axis: `[floor(i·in/out), ceil((i+1)·in/out))`. */
export function adaptiveWindows(input: number, output: number): AxisWindow[] {
  axisPair(input, output);
  const windows: AxisWindow[] = [];
  for (let i = 0; i < output; i++) {
    const start = Math.floor((i * input) / output);
    const end = Math.ceil(((i + 1) * input) / output);
    windows.push(uniform(start, end));
  }
  return windows;
}

/**
 * Taps of `F.interpolate(mode='bilinear', align_corners=False)` along one axis, computed in
 * float32 the way PyTorch's CPU kernel does (source index clamped at 0, edge tap repeated).
 */
export function bilinearWindows(input: number, output: number): AxisWindow[] {
  axisPair(input, output);
  const f = Math.fround;
  const scale = f(input / output);
  const windows: AxisWindow[] = [];
  for (let i = 0; i < output; i++) {
    let src = f(f(scale * f(i + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const i0 = Math.floor(src);
    const i1 = i0 < input - 1 ? i0 + 1 : i0;
    const l1 = f(src - i0);
    const l0 = f(1 - l1);
    windows.push(i1 === i0 ? { start: i0, end: i0 + 1, weights: [f(l0 + l1)] } : { start: i0, end: i1 + 1, weights: [l0, l1] });
  }
  return windows;
}

/** Sizes of a resize along one axis: positive, and within the planning limits (windows are allocated). */
function axisPair(input: number, output: number): void {
  positiveInt(input, 'input');
  positiveInt(output, 'output');
  checkAxis(input, 'input', 'an input side', MAX_AXIS_WEIGHTS);
  checkAxis(output, 'output', 'an output side', MAX_AXIS);
}

function uniform(start: number, end: number): AxisWindow {
  const w = 1 / (end - start);
  return { start, end, weights: new Array<number>(end - start).fill(w) };
}
