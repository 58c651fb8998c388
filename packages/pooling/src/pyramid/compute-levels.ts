import { ErrorCode, MatryoshkaError, type LevelPlan, type NonFinitePolicy, type TokenGrid } from '@matryoshka/core';
import { scheduleLevels, stepOwners, type Schedule } from '@matryoshka/core/backend';
import { separablePool } from '../kernels/separable-pool.js';
import { allFinite, nonFiniteError } from '../non-finite.js';
import { wasmKernels, wasmUnavailableReason } from '../wasm/load-kernels.js';
import { runStepsJs } from './run-steps-js.js';
import { WasmMemoryError, WasmNonFiniteError, runStepsWasm } from './run-steps-wasm.js';

/**
 * Which kernels pool `m3`/`ceil` levels: `'wasm'` (WebAssembly SIMD), `'js'` (the TypeScript
 * reference) or `'auto'` (wasm where the engine supports it, else js). `adaptive` and `bilinear`
 * levels always run the TypeScript kernels.
 */
export type KernelChoice = 'auto' | 'wasm' | 'js';

/**
 * Writes every planned level into `targets[i]` (one array per plan, already checked for size
 * and aliasing) and returns them. The input is read, never written.
 */
export function computeLevels(
  grid: TokenGrid,
  plans: readonly LevelPlan[],
  targets: readonly Float32Array[],
  policy: NonFinitePolicy,
  kernels: KernelChoice,
): readonly Float32Array[] {
  const schedule = scheduleLevels(grid, plans);
  const checkInput = (data: Float32Array): void => {
    if (policy === 'reject' && !allFinite(data)) throw nonFiniteError(grid);
  };
  const wasm = kernels === 'js' || schedule.steps.length === 0 ? null : wasmKernels();
  if (kernels === 'wasm' && wasm === null && schedule.steps.length > 0) {
    throw new MatryoshkaError(
      ErrorCode.BackendUnavailable,
      `options.kernels: WebAssembly SIMD kernels are unavailable here (${wasmUnavailableReason()}); use 'auto' or 'js'`,
      { argument: 'options.kernels' },
    );
  }

  // Each step writes into the target of the first level that asked for its kernel.
  const owner = stepOwners(schedule);
  const stepTargets = owner.map((i) => targets[i]!);
  if (wasm === null) {
    runStepsJs(grid, schedule.steps, stepTargets, checkInput);
  } else {
    try {
      runStepsWasm(wasm, grid, schedule.steps, stepTargets);
    } catch (error) {
      // A NaN/±Infinity written by a float32 kernel: the float64 kernels give the exact levels
      // (finite inputs near the float32 limit) or the input's NON_FINITE_VALUE, never a false one.
      if (error instanceof WasmNonFiniteError) {
        runStepsJs(grid, schedule.steps, stepTargets, checkInput);
        return finishLevels(grid, plans, targets, schedule, owner, stepTargets, checkInput);
      }
      // Frames too large for wasm32 memory: the TypeScript kernels have no such limit.
      if (!(error instanceof WasmMemoryError)) throw error;
      if (kernels === 'wasm') {
        throw new MatryoshkaError(ErrorCode.DeviceError, `options.kernels: ${error.message}; use 'auto' or 'js' for grids this large`, {
          argument: 'options.kernels',
          cause: error,
        });
      }
      runStepsJs(grid, schedule.steps, stepTargets, checkInput);
    }
  }
  return finishLevels(grid, plans, targets, schedule, owner, stepTargets, checkInput);
}

/** Identity, separable and repeated levels, once the steps have run. */
function finishLevels(
  grid: TokenGrid,
  plans: readonly LevelPlan[],
  targets: readonly Float32Array[],
  schedule: Schedule,
  owner: readonly number[],
  stepTargets: readonly Float32Array[],
  checkInput: (data: Float32Array) => void,
): readonly Float32Array[] {
  let identity = -1;
  schedule.levels.forEach((source, i) => {
    const target = targets[i]!;
    if (source.kind === 'identity') {
      if (identity < 0) {
        target.set(grid.data);
        checkInput(target);
        identity = i;
      } else {
        target.set(targets[identity]!);
      }
    } else if (source.kind === 'separable') {
      const plan = plans[i]!;
      separablePool(grid.data, grid.frames, grid.rows, grid.cols, grid.channels, plan.windows.rows, plan.windows.cols, target);
      checkInput(target);
    } else if (owner[source.step] !== i) {
      // A repeated scale gets its own copy: levels never alias each other.
      target.set(stepTargets[source.step]!);
    }
  });
  return targets;
}
