import type { NonFinitePolicy, OpOptions, PyramidOptions } from '../backend/contract.js';
import { planOp, type OpPlan, type PoolingOpName } from '../plan/op-windows.js';
import { planLevels, type LevelPlan, type PoolingMode } from '../plan/plan-levels.js';
import { scheduleLevels, type PoolStep, type Schedule } from '../plan/schedule.js';
import type { AxisWindow } from '../plan/windows.js';
import type { GridShape } from '../token-grid.js';
import { optionsObject } from '../validate.js';
import { nonFiniteOption, outputTypeOption } from './options.js';
import { stepWindows, unitWindows } from './windows.js';

/** Where a pass reads: the input, or a level written earlier in the same pyramid. */
export type PassSource = 'input' | { readonly level: number };

/** Separable windows of one pass, on its source's rows and columns. */
export interface PassWindows {
  readonly rows: readonly AxisWindow[];
  readonly cols: readonly AxisWindow[];
}

/** A chained block-pooling step of the schedule, ready for a weighted-window kernel. */
export interface LoweredStep extends PoolStep {
  /** The level it writes: the first level that asked for its kernel. */
  readonly level: number;
  /** What it reads: the input, or the level its parent step wrote. */
  readonly from: PassSource;
  readonly windows: PassWindows;
}

/** How one level gets its data, in plan order. */
export type LevelAction =
  /** Written by `steps[step]` (this level owns the step). */
  | { readonly kind: 'step'; readonly step: number }
  /** The input pooled with the level plan's own windows (`adaptive`, `bilinear`). */
  | { readonly kind: 'separable'; readonly windows: PassWindows }
  /**
   * The input itself (the level asks for every token). `copy` is true when a plain copy is exact:
   * same element type and nothing to check for NaN/±Infinity on the device; otherwise run a pass
   * of `windows` (unit windows), which converts the type and flags non-finite values.
   */
  | { readonly kind: 'identity'; readonly copy: boolean; readonly windows: PassWindows }
  /** The same data as an earlier level (a repeated kernel or a second identity level). */
  | { readonly kind: 'copy'; readonly from: number };

/** A pyramid request with everything a device backend derives from it, as pure data. */
export interface LoweredPyramid<TType extends string = string> {
  readonly shape: GridShape;
  readonly mode: PoolingMode;
  readonly plans: readonly LevelPlan[];
  readonly schedule: Schedule;
  /** Steps in execution order (a step's parent always comes first). */
  readonly steps: readonly LoweredStep[];
  readonly levels: readonly LevelAction[];
  readonly nonFinite: NonFinitePolicy;
  readonly outputType: TType;
  /** One unit window per frame: every pass keeps frames apart. */
  readonly frames: readonly AxisWindow[];
}

export interface LowerOptions<TType extends string> {
  /** The input's element type (the default output type). */
  readonly inputType: TType;
  /** Element types the backend can store (`options.outputType` must be one). */
  readonly outputTypes: readonly TType[];
  /**
   * Whether the device must check an identity level's values: false when the backend checks a
   * CPU input itself before upload. Default true.
   */
  readonly checkIdentityOnDevice?: boolean;
}

/** For each schedule step, the level it writes: the first level that asked for its kernel. */
export function stepOwners(schedule: Schedule): number[] {
  return schedule.steps.map((_, s) => schedule.levels.findIndex((l) => l.kind === 'step' && l.step === s));
}

/**
 * Checks `options` (nonFinite, outputType, then the plan's, in that order) and lowers the
 * request completely: the plan, core's schedule with each step's owner level and windows, and
 * how every level is made. Throws MatryoshkaError before a backend touches its device.
 */
export function lowerPyramid<TType extends string>(shape: GridShape, options: PyramidOptions | undefined, how: LowerOptions<TType>): LoweredPyramid<TType> {
  const o = optionsObject(options as (PyramidOptions & { outputType?: unknown }) | undefined, 'options');
  const nonFinite = nonFiniteOption(o);
  const outputType = outputTypeOption(o, how.outputTypes, how.inputType);
  const plans = planLevels(shape, options);
  const schedule = scheduleLevels(shape, plans);
  const owner = stepOwners(schedule);
  const steps = schedule.steps.map(
    (step, s): LoweredStep => ({
      ...step,
      level: owner[s]!,
      from: step.source < 0 ? 'input' : { level: owner[step.source]! },
      windows: stepWindows(step),
    }),
  );
  const identityWindows: PassWindows = { rows: unitWindows(shape.rows), cols: unitWindows(shape.cols) };
  const copyIdentity = outputType === how.inputType && (nonFinite === 'propagate' || how.checkIdentityOnDevice === false);
  let firstIdentity = -1;
  const levels = schedule.levels.map((source, i): LevelAction => {
    if (source.kind === 'separable') return { kind: 'separable', windows: plans[i]!.windows };
    if (source.kind === 'step') return owner[source.step] === i ? { kind: 'step', step: source.step } : { kind: 'copy', from: owner[source.step]! };
    if (firstIdentity >= 0) return { kind: 'copy', from: firstIdentity };
    firstIdentity = i;
    return { kind: 'identity', copy: copyIdentity, windows: identityWindows };
  });
  return { shape, mode: plans[0]!.mode, plans, schedule, steps, levels, nonFinite, outputType, frames: unitWindows(shape.frames) };
}

/** A single op's request, checked: its windows (core's `planOp`), `nonFinite` and output type. */
export interface LoweredOp<TType extends string = string> {
  readonly plan: OpPlan;
  readonly nonFinite: NonFinitePolicy;
  readonly outputType: TType;
}

/** Checks `options` (nonFinite, outputType, then the op's own) for `run(op, …)`, as `lowerPyramid` does for pyramids. */
export function lowerOp<TType extends string>(shape: GridShape, op: PoolingOpName, options: OpOptions | undefined, how: LowerOptions<TType>): LoweredOp<TType> {
  const o = optionsObject(options as (OpOptions & { outputType?: unknown }) | undefined, 'options');
  const nonFinite = nonFiniteOption(o);
  const outputType = outputTypeOption(o, how.outputTypes, how.inputType);
  return { plan: planOp(shape, op, options), nonFinite, outputType };
}
