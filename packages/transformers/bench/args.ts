import { homedir } from 'node:os';
import { join } from 'node:path';

export interface BenchArgs {
  /** Shape ids to run: `0.5b` (LLaVA-OneVision-0.5B), `7b` (LLaVA-1.5-7B, few layers, scaled), `tiny` (a seconds-long smoke run). */
  readonly shapes: readonly string[];
  /** Measured runs per point (the table shows medians); one warm-up run precedes them. */
  readonly runs: number;
  /** Requested visual tokens per image; `full` is the whole grid (576 or 729). */
  readonly counts: readonly (number | 'full')[];
  /** Images in the video-style prompt (0 skips it) and the counts it runs at. */
  readonly videoImages: number;
  readonly videoCounts: readonly (number | 'full')[];
  /** Measured runs per video point (a 6 × 729-token prefill takes minutes on a small CPU). */
  readonly videoRuns: number;
  /** Tokens generated per run (the first is the prefill's; the rest give the per-token decode time). */
  readonly newTokens: number;
  /**
   * Decoder depths the 7B shape is built with; two depths give a linear per-layer fit (far apart,
   * since the fit multiplies the noise of their difference by 32 / (d2 − d1)).
   */
  readonly layers7b: readonly number[];
  readonly cacheDir: string;
  readonly outDir: string;
}

const USAGE = `usage: tsx bench/run.ts [--shapes=0.5b,7b,tiny] [--runs=3] [--counts=full,144,36,9,1] [--video=6] [--video-counts=full,36,9]
                         [--video-runs=RUNS] [--new-tokens=8] [--7b-layers=1,4] [--cache=DIR] [--out=DIR] [--quick]
  --quick: --runs=1 --video-counts=full,9 (for a slow or shared machine)`;

function counts(value: string): (number | 'full')[] {
  return value.split(',').map((s) => {
    if (s.trim() === 'full') return 'full';
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`bad token count '${s}'\n${USAGE}`);
    return n;
  });
}

function positive(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} expects an integer >= ${min}, got '${value}'\n${USAGE}`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const quick = argv.includes('--quick');
  const args = {
    shapes: ['0.5b', '7b'] as string[],
    runs: quick ? 1 : 3,
    counts: ['full', 144, 36, 9, 1] as (number | 'full')[],
    videoImages: 6,
    videoCounts: (quick ? ['full', 9] : ['full', 36, 9]) as (number | 'full')[],
    videoRuns: 0,
    newTokens: 8,
    layers7b: [1, 4],
    cacheDir: join(homedir(), '.cache', 'matryoshka', 'vlm-bench'),
    outDir: join(import.meta.dirname, 'results'),
  };
  for (const a of argv) {
    if (a === '--quick') continue;
    const [flag, value] = a.split('=', 2) as [string, string | undefined];
    if (value === undefined || value === '') throw new Error(`unknown argument ${a}\n${USAGE}`);
    if (flag === '--shapes') args.shapes = value.split(',').map((s) => s.trim().toLowerCase());
    else if (flag === '--runs') args.runs = positive(value, flag);
    else if (flag === '--counts') args.counts = counts(value);
    else if (flag === '--video') args.videoImages = positive(value, flag, 0);
    else if (flag === '--video-counts') args.videoCounts = counts(value);
    else if (flag === '--video-runs') args.videoRuns = positive(value, flag);
    else if (flag === '--new-tokens') args.newTokens = positive(value, flag, 2);
    else if (flag === '--7b-layers') args.layers7b = value.split(',').map((s) => positive(s, flag));
    else if (flag === '--cache') args.cacheDir = value;
    else if (flag === '--out') args.outDir = value;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  for (const s of args.shapes) if (s !== '0.5b' && s !== '7b' && s !== 'tiny') throw new Error(`unknown shape '${s}'\n${USAGE}`);
  if (args.layers7b.length < 1 || args.layers7b.length > 2) throw new Error(`--7b-layers takes one or two depths\n${USAGE}`);
  if (args.videoRuns === 0) args.videoRuns = args.runs;
  return args;
}
