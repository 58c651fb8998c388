import type { MeasureOptions } from './measure.js';

export interface Args {
  readonly quick: boolean;
  /** Lower-case substrings of contender names to keep (the baseline always runs); empty: all. */
  readonly only: readonly string[];
  /** Shape ids to run; empty: all. */
  readonly shapes: readonly string[];
  readonly measure: MeasureOptions;
}

const FULL: MeasureOptions = { warmupMs: 300, warmupRuns: 3, timeBoxMs: 1500, minSamples: 20, maxSamples: 5000 };
const QUICK: MeasureOptions = { warmupMs: 50, warmupRuns: 2, timeBoxMs: 150, minSamples: 3, maxSamples: 100 };

function list(argv: readonly string[], flag: string): string[] {
  const prefix = `--${flag}=`;
  return argv
    .filter((a) => a.startsWith(prefix))
    .flatMap((a) => a.slice(prefix.length).split(','))
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
}

/** `--quick`, `--only=ort,tfjs-wasm`, `--shapes=a,c`; anything else is an error. */
export function parseArgs(argv: readonly string[]): Args {
  for (const a of argv) {
    if (a !== '--quick' && !a.startsWith('--only=') && !a.startsWith('--shapes=')) {
      throw new Error(`unknown argument ${a}; use --quick, --only=NAME[,NAME…], --shapes=a,b,c`);
    }
  }
  const quick = argv.includes('--quick');
  return { quick, only: list(argv, 'only'), shapes: list(argv, 'shapes'), measure: quick ? QUICK : FULL };
}
