import type { AxisWindow } from '@matryoshka/core';
import type { DevicePointer } from '../driver/api.js';
import type { CudaRuntime } from '../device/runtime.js';
import { packWindowArgs } from '../kernels/args.js';
import { kernelName, type CudaDType } from '../kernels/names.js';
import { windowGeometry } from './geometry.js';
import type { WindowTable } from '@matryoshka/core/backend';

export interface WindowLaunch {
  readonly src: DevicePointer;
  readonly srcType: CudaDType;
  readonly dst: DevicePointer;
  readonly dstType: CudaDType;
  readonly input: { readonly frames: number; readonly rows: number; readonly cols: number };
  readonly channels: number;
  readonly windows: { readonly frames: readonly AxisWindow[]; readonly rows: readonly AxisWindow[]; readonly cols: readonly AxisWindow[] };
  readonly reduce: 'average' | 'max';
}

/** Adds a launch's windows to the call's table; returns what `enqueueWindow` needs later. */
export function tableWindows(table: WindowTable, w: WindowLaunch['windows']): readonly [number, number, number] {
  return [table.add(w.frames), table.add(w.rows), table.add(w.cols)];
}

/** Queues one window-kernel launch on the runtime's stream. */
export function enqueueWindow(
  runtime: CudaRuntime,
  w: WindowLaunch,
  table: DevicePointer,
  offsets: readonly [number, number, number],
  flag: DevicePointer,
): void {
  const total = w.windows.frames.length * w.windows.rows.length * w.windows.cols.length * w.channels;
  const { grid, block } = windowGeometry(total);
  const args = packWindowArgs({
    src: w.src,
    dst: w.dst,
    table,
    flag,
    total,
    inFrames: w.input.frames,
    inRows: w.input.rows,
    inCols: w.input.cols,
    channels: w.channels,
    outRows: w.windows.rows.length,
    outCols: w.windows.cols.length,
    frameTable: offsets[0],
    rowTable: offsets[1],
    colTable: offsets[2],
    reduce: w.reduce,
  });
  runtime.launch(kernelName('window', w.srcType, w.dstType), grid, block, 0, args);
}
