import { BASELINE, baselineFor } from './contenders.js';
import { seededFloats } from './input.js';
import { measure, type MeasureOptions } from './measure.js';
import { referencePyramid } from './reference.js';
import { copyBytes, inputValues, outputValues, pyramidBytes, shapeLabel } from './shapes.js';
import { summarize, type Stats } from './stats.js';
import type { Contender, Level, Shape } from './types.js';
import { compareLevels } from './verify.js';

export interface ContenderResult {
  readonly name: string;
  readonly kind: Contender['kind'];
  readonly outputs: 'fresh' | 'reused';
  readonly stats: Stats;
  /** Bytes counted per run: input read + levels written (pyramids), input read + written (copy). */
  readonly bytesPerRun: number;
  readonly gbPerSecond: number;
  /** This contender's median / its group baseline's median (see `baselineFor`): > 1 means ours is faster. */
  readonly ratioToBaseline: number | null;
  /** gbPerSecond / the first copy contender's (dst.set) gbPerSecond. */
  readonly shareOfCopy: number | null;
  /** Against the baseline's levels (the baseline itself: against a float64 reference); null for copy. */
  readonly maxRelativeError: number | null;
}

export interface ShapeResult {
  readonly id: string;
  readonly label: string;
  readonly shape: Shape;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly contenders: readonly ContenderResult[];
}

type Measured = Omit<ContenderResult, 'ratioToBaseline' | 'shareOfCopy'>;

/** Sets up, verifies once, measures and disposes each contender in turn on one shared input. */
export async function benchShape(shape: Shape, contenders: readonly Contender[], options: MeasureOptions, seed: number): Promise<ShapeResult> {
  const input = seededFloats(inputValues(shape), seed);
  let expected: readonly Level[] | undefined;
  const measured: Measured[] = [];
  for (const contender of contenders) {
    process.stdout.write(`  ${shapeLabel(shape)}  ${contender.name} … `);
    const instance = await contender.setup(shape, input);
    try {
      const levels = await instance.run();
      let maxRelativeError: number | null = null;
      if (contender.kind === 'pyramid') {
        if (levels === undefined) throw new Error(`${contender.name} returned no levels`);
        if (contender.name === BASELINE) {
          expected = levels;
          const check = compareLevels(BASELINE, levels, referencePyramid(shape, input), 'a float64 reference', shape.channels);
          maxRelativeError = check.maxRelativeError;
        } else {
          if (expected === undefined) throw new Error(`the baseline '${BASELINE}' must run first`);
          maxRelativeError = compareLevels(contender.name, levels, expected, BASELINE, shape.channels).maxRelativeError;
        }
      }
      const minSamples = Math.min(options.minSamples, contender.minSamples ?? options.minSamples);
      const stats = summarize(await measure(instance, { ...options, minSamples }));
      const bytesPerRun = contender.kind === 'copy' ? copyBytes(shape) : pyramidBytes(shape);
      measured.push({
        name: contender.name,
        kind: contender.kind,
        outputs: contender.outputs ?? 'fresh',
        stats,
        bytesPerRun,
        gbPerSecond: bytesPerRun / (stats.medianMs * 1e6),
        maxRelativeError,
      });
      process.stdout.write(`${stats.medianMs.toFixed(3)} ms (n=${stats.samples})\n`);
    } finally {
      await instance.dispose();
    }
  }
  // The bandwidth ceiling: a copy into a preallocated array (dst.set).
  const copy = measured.find((m) => m.kind === 'copy' && m.outputs === 'reused');
  return {
    id: shape.id,
    label: shapeLabel(shape),
    shape,
    inputBytes: 4 * inputValues(shape),
    outputBytes: 4 * outputValues(shape),
    contenders: measured.map((m) => {
      const baseline = measured.find((b) => b.name === baselineFor(m.outputs));
      return {
        ...m,
        ratioToBaseline: baseline === undefined ? null : m.stats.medianMs / baseline.stats.medianMs,
        shareOfCopy: copy === undefined ? null : m.gbPerSecond / copy.gbPerSecond,
      };
    }),
  };
}
