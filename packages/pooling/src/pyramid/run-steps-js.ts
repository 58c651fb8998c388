import type { PoolStep, TokenGrid } from '@matryoshka/core';
import { blockPool } from '../kernels/block-pool.js';

/**
 * Runs the pooling steps with the TypeScript kernels (the reference), writing step `i` into
 * `targets[i]`. `checkInput` sees every output computed straight from the input, where a
 * NaN/Infinity of the input first shows up.
 */
export function runStepsJs(
  grid: TokenGrid,
  steps: readonly PoolStep[],
  targets: readonly Float32Array[],
  checkInput: (data: Float32Array) => void,
): void {
  steps.forEach((s, i) => {
    const src = s.source < 0 ? grid.data : targets[s.source]!;
    const data = blockPool(
      {
      src,
      frames: grid.frames,
      rows: s.srcRows,
      cols: s.srcCols,
      channels: grid.channels,
      mRows: s.m,
      mCols: s.m,
      outRows: s.outRows,
      outCols: s.outCols,
      rowWeights: s.rowWeights,
      colWeights: s.colWeights,
      },
      targets[i]!,
    );
    if (s.source < 0) checkInput(data);
  });
}
