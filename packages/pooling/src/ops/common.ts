import { assertTokenGrid, type AxisWindow, type NonFinitePolicy, type PoolingOpName, type TokenGrid } from '@matryoshka/core';
import { optionsObject, planOp, type OpPlan } from '@matryoshka/core/backend';
import { blockPool } from '../kernels/block-pool.js';
import { maxPool } from '../kernels/max-pool.js';
import { separablePool } from '../kernels/separable-pool.js';
import { checkFinite } from '../non-finite.js';
import { nonFinitePolicy } from '../options.js';

export interface NonFiniteOption {
  /** NaN/±Infinity reaching the output: throw (`'reject'`, default) or pass through like PyTorch. */
  nonFinite?: NonFinitePolicy;
}

/**
 * Runs one op on the CPU: the grid and options are checked and turned into windows by core's
 * `planOp` (the same plan every backend uses), then the fastest kernel that fits runs.
 */
export function runOp(op: PoolingOpName, grid: TokenGrid, options: NonFiniteOption | undefined): TokenGrid {
  const g = assertTokenGrid(grid, 'grid');
  const policy = nonFinitePolicy(optionsObject(options, 'options').nonFinite);
  const plan = planOp(g, op, options);
  const out = spatial(g, plan);
  const data = plan.windows.frames.every((w, t) => w.start === t && w.end === t + 1) ? out : temporal(out, plan, g.channels);
  checkFinite(data, policy, g);
  return Object.freeze({ data, frames: plan.frames, rows: plan.rows, cols: plan.cols, channels: g.channels });
}

/** Rows and columns of every input frame. */
function spatial(g: TokenGrid, plan: OpPlan): Float32Array {
  const { frames, rows, cols } = plan.input;
  const { rows: rw, cols: cw } = plan.windows;
  if (plan.reduce === 'max') return maxPool(g.data, frames, rows, cols, g.channels, rw, cw);
  const out = new Float32Array(frames * rw.length * cw.length * g.channels);
  const mRows = blockSize(rw, rows);
  const mCols = blockSize(cw, cols);
  if (mRows > 0 && mCols > 0) {
    return blockPool(
      { src: g.data, frames, rows, cols, channels: g.channels, mRows, mCols, outRows: rw.length, outCols: cw.length, rowWeights: null, colWeights: null },
      out,
    );
  }
  return separablePool(g.data, frames, rows, cols, g.channels, rw, cw, out);
}

/** The weighted mean over each frame window (avgPool3d). */
function temporal(src: Float32Array, plan: OpPlan, channels: number): Float32Array {
  const frameSize = plan.rows * plan.cols * channels;
  const out = new Float32Array(plan.frames * frameSize);
  const acc = new Float64Array(frameSize);
  plan.windows.frames.forEach((w, t) => {
    acc.fill(0);
    for (let f = w.start; f < w.end; f++) {
      const weight = w.weights[f - w.start]!;
      const base = f * frameSize;
      for (let i = 0; i < frameSize; i++) acc[i]! += weight * src[base + i]!;
    }
    out.set(acc, t * frameSize);
  });
  return out;
}

/**
 * `k` when the windows are average-pool blocks `[i·k, min(i·k + k, size))` (a clipped last one
 * allowed), which the block kernel runs fastest; 0 otherwise.
 */
function blockSize(windows: readonly AxisWindow[], size: number): number {
  const k = windows[0]!.end - windows[0]!.start;
  const ok = windows.every((w, i) => w.start === i * k && w.end === Math.min(w.start + k, size) && w.weights.every((x) => x === 1 / (w.end - w.start)));
  return ok ? k : 0;
}
