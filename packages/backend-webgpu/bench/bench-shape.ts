import { performance } from 'node:perf_hooks';
import { seededFloats } from '../../pooling/bench/input.js';
import { measure, type MeasureOptions } from '../../pooling/bench/measure.js';
import { referencePyramid } from '../../pooling/bench/reference.js';
import { summarize, type Stats } from '../../pooling/bench/stats.js';
import { compareLevels } from '../../pooling/bench/verify.js';
import { BASELINES } from './contenders.js';
import { uploadInput } from './gpu-input.js';
import { copyBytes, inputValues, outputValues, pyramidBytes, shapeLabel } from './shapes.js';
import type { Contender, Instance, Level, Residency, Shape, ShapeContext } from './types.js';

export interface ContenderResult {
  readonly name: string;
  readonly kind: Contender['kind'];
  readonly residency: Residency;
  readonly stats: Stats;
  /** Bytes counted per run: input read + levels written (pyramids); input read + written (copy). */
  readonly bytesPerRun: number;
  readonly gbPerSecond: number;
  /** Median / the median of the baseline of the same residency (BASELINES): > 1 means ours is faster. */
  readonly ratioToBaseline: number | null;
  /** gbPerSecond / the device copy's gbPerSecond. */
  readonly shareOfCopy: number | null;
  /** max |Δ| / max |value| over the levels, against `verifiedAgainst`; null for the copy. */
  readonly maxRelativeError: number | null;
  readonly verifiedAgainst: string | null;
}

/** A contender that could not run here, and why (printed, recorded, never hidden). */
export interface Failure {
  readonly name: string;
  readonly residency: Residency;
  readonly stage: 'setup' | 'first run' | 'verify' | 'measure';
  readonly reason: string;
}

export interface ShapeResult {
  readonly id: string;
  readonly label: string;
  readonly shape: Shape;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly contenders: readonly ContenderResult[];
  readonly failures: readonly Failure[];
}

type Measured = Omit<ContenderResult, 'ratioToBaseline' | 'shareOfCopy'>;
type Env = Omit<ShapeContext, 'shape' | 'input' | 'inputBuffer'>;

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

/**
 * Sets up, runs once, verifies (ours against a float64 reference, everyone else against ours),
 * measures and disposes each contender in turn, on one input shared by all of them.
 */
/** The measure options for a contender whose first run took `firstMs` (see Args.budgetMs). */
function fitBudget(options: MeasureOptions, firstMs: number, budgetMs: number): MeasureOptions {
  if (firstMs * (options.warmupRuns + options.minSamples) <= budgetMs) return options;
  const minSamples = Math.max(1, Math.min(options.minSamples, Math.floor(budgetMs / firstMs)));
  return { ...options, warmupRuns: 0, warmupMs: 0, timeBoxMs: 0, minSamples };
}

export async function benchShape(
  shape: Shape,
  contenders: readonly Contender[],
  env: Env,
  options: MeasureOptions,
  budgetMs: number,
  seed: number,
): Promise<ShapeResult> {
  const input = seededFloats(inputValues(shape), seed);
  const inputBuffer = await uploadInput(env.device, input);
  const ctx: ShapeContext = { ...env, shape, input, inputBuffer };
  let reference: Level[] | undefined;
  let ours: readonly Level[] | undefined;
  const measured: Measured[] = [];
  const failures: Failure[] = [];
  try {
    for (const contender of contenders) {
      process.stdout.write(`  ${shapeLabel(shape)}  ${contender.name} … `);
      let instance: Instance | undefined;
      let stage: Failure['stage'] = 'setup';
      try {
        instance = await contender.setup(ctx);
        stage = 'first run';
        const start = performance.now();
        await instance.run();
        const firstMs = performance.now() - start;
        let maxRelativeError: number | null = null;
        let verifiedAgainst: string | null = null;
        if (contender.kind === 'pyramid') {
          stage = 'verify';
          if (instance.levels === undefined) throw new Error('a pyramid contender must expose levels()');
          const levels = await instance.levels();
          const isBaseline = contender.name === BASELINES.gpu;
          if (isBaseline || ours === undefined) {
            reference ??= referencePyramid(shape, input);
            verifiedAgainst = 'a float64 reference';
            maxRelativeError = compareLevels(contender.name, levels, reference, verifiedAgainst, shape.channels).maxRelativeError;
            if (isBaseline) ours = levels;
          } else {
            verifiedAgainst = BASELINES.gpu;
            maxRelativeError = compareLevels(contender.name, levels, ours, verifiedAgainst, shape.channels).maxRelativeError;
          }
        }
        stage = 'measure';
        const stats = summarize(await measure(instance, fitBudget(options, firstMs, budgetMs)));
        const bytesPerRun = contender.kind === 'copy' ? copyBytes(shape) : pyramidBytes(shape);
        measured.push({
          name: contender.name,
          kind: contender.kind,
          residency: contender.residency,
          stats,
          bytesPerRun,
          gbPerSecond: bytesPerRun / (stats.medianMs * 1e6),
          maxRelativeError,
          verifiedAgainst,
        });
        process.stdout.write(`${stats.medianMs.toFixed(3)} ms (n=${stats.samples})\n`);
      } catch (error) {
        failures.push({ name: contender.name, residency: contender.residency, stage, reason: reason(error) });
        process.stdout.write(`could not run (${stage}): ${reason(error)}\n`);
      } finally {
        try {
          await instance?.dispose();
        } catch (error) {
          process.stdout.write(`  (${contender.name}: dispose failed: ${reason(error)})\n`);
        }
      }
    }
  } finally {
    inputBuffer.destroy();
  }
  const copy = measured.find((m) => m.kind === 'copy');
  return {
    id: shape.id,
    label: shapeLabel(shape),
    shape,
    inputBytes: 4 * inputValues(shape),
    outputBytes: 4 * outputValues(shape),
    contenders: measured.map((m) => {
      const baseline = measured.find((b) => b.name === BASELINES[m.residency]);
      return {
        ...m,
        ratioToBaseline: baseline === undefined ? null : m.stats.medianMs / baseline.stats.medianMs,
        shareOfCopy: copy === undefined ? null : m.gbPerSecond / copy.gbPerSecond,
      };
    }),
    failures,
  };
}
