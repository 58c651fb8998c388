import type { TokenGrid } from '@matryoshka/core';
import type { PoolStep } from '@matryoshka/core/backend';
import { blockPool } from '../kernels/block-pool.js';

/**
 * Runs the pooling steps with the TypeScript kernels (the reference, summing in float64), writing
 * step `i` into `targets[i]`. `checkInput` sees every step's output, chained ones included, so
 * nothing non-finite leaves in 'reject' mode whatever the step.
 */
export function runStepsJs(grid: TokenGrid, steps: readonly PoolStep[], targets: readonly Float32Array[], checkInput: (data: Float32Array) => void): void {
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
    checkInput(data);
  });
}
