import type { MeasureOptions } from '../../pooling/bench/measure.js';

export interface Args {
  readonly quick: boolean;
  /** Adds the large batch (LARGE_SHAPES). */
  readonly large: boolean;
  /** Lower-case substrings of contender names to keep (the baselines always run); empty: all. */
  readonly only: readonly string[];
  /** Shape ids to run; empty: all that `large` allows. */
  readonly shapes: readonly string[];
  readonly measure: MeasureOptions;
  /**
   * Per contender and shape: when the first (verification) run says warm-up plus the minimum
   * samples would take longer, warm-up is skipped (that run compiled the pipelines) and fewer
   * samples are taken (at least one; the table's n shows it). For SwiftShader, where a run takes seconds.
   */
  readonly budgetMs: number;
}

const FULL: MeasureOptions = { warmupMs: 300, warmupRuns: 3, timeBoxMs: 2000, minSamples: 20, maxSamples: 2000 };
// One warm-up run compiles the pipelines; three samples give a median (SwiftShader: seconds per run).
const QUICK: MeasureOptions = { warmupMs: 0, warmupRuns: 1, timeBoxMs: 100, minSamples: 3, maxSamples: 50 };

const FLAGS = ['--quick', '--large'];

function list(argv: readonly string[], flag: string): string[] {
  const prefix = `--${flag}=`;
  return argv
    .filter((a) => a.startsWith(prefix))
    .flatMap((a) => a.slice(prefix.length).split(','))
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
}

/** `--quick`, `--large`, `--only=tfjs,ort`, `--shapes=a,c`; anything else is an error. */
export function parseArgs(argv: readonly string[]): Args {
  for (const a of argv) {
    if (!FLAGS.includes(a) && !a.startsWith('--only=') && !a.startsWith('--shapes=')) {
      throw new Error(`unknown argument ${a}; use --quick, --large, --only=NAME[,NAME…], --shapes=a,b,c,d`);
    }
  }
  const quick = argv.includes('--quick');
  return {
    quick,
    large: argv.includes('--large'),
    only: list(argv, 'only'),
    shapes: list(argv, 'shapes'),
    measure: quick ? QUICK : FULL,
    budgetMs: quick ? 15_000 : 120_000,
  };
}
