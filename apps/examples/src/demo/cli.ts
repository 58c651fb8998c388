import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { POOLING_MODES, disposeBackends, isMatryoshkaError, type PoolingMode } from '@matryoshka/core';
import { DEFAULT_QUESTION, formatVlmSection, runVlmSection } from '../vlm/section.js';
import { DEFAULT_IMAGES, DEFAULT_PREDICTOR_DIR, DEFAULT_TAU, parseScalesFlag, parseTauFlag, type DemoOptions } from './options.js';
import { progressBar } from './progress.js';
import { runDemo } from './run.js';
import { formatDemo } from './table.js';

const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number of tokens, got '${value}'.`);
  return n;
};

/** Parses the command line into demo options; relative paths resolve against `cwd`. */
/** The version of apps/examples (src/demo/cli.ts is two folders below its package.json). */
function demoVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function parseCli(argv: readonly string[], cwd = process.cwd()): DemoOptions & { vlm: VlmCliOptions | false } {
  const program = new Command('npm run demo --')
    .description(
      'Encodes photos with the offline default encoder, pools each into nested M3 token levels on the best backend, compares a fixed scale with a token budget, runs the mosaic-QA samples through their learned scale predictor, and writes an HTML report.',
    )
    .version(demoVersion(), '-V, --version', 'print the version and exit')
    .argument('[images...]', 'PNG or JPEG files (default: the bundled photos in apps/examples/images)')
    .option('--scale <tokens>', 'tokens per image under the fixed policy (one of the levels)', int('--scale'), 36)
    .option('--budget <tokens>', 'total tokens for the whole set of photos (default: scale × images)', int('--budget'))
    .option('--backend <name>', 'force a backend: cpu, webgpu or cuda (default: the best available)')
    .option('--scales <list>', 'the levels, as token counts', '576,144,36,9,1')
    .option('--mode <mode>', `how counts become levels: ${POOLING_MODES.join(', ')}`, 'm3')
    .option('--tau <p>', 'the threshold policy: the smallest scale with predicted p ≥ tau', String(DEFAULT_TAU))
    .option('--sample-budget <tokens>', 'total tokens for the mosaic-QA samples (default: scale × samples)', int('--sample-budget'))
    .option('--predictor-dir <dir>', 'the folder with predictor.json, samples.json and the sample images', path.relative(cwd, DEFAULT_PREDICTOR_DIR) || '.')
    .option('--out <dir>', 'where the HTML report goes (index.html)', 'demo-report')
    .option('--no-report', 'write no HTML report')
    .option(
      '--vlm <folder>',
      'a transformers.js model folder (llava, llava_onevision, paligemma or gemma3) for the VLM section (default: a generated tiny model with random weights)',
    )
    .option('--no-vlm', 'skip the VLM section')
    .option('--vlm-question <text>', 'the question the VLM section asks about the first image', DEFAULT_QUESTION)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'Error: ')) });
  program.parse(argv as string[], { from: 'user' });
  const o = program.opts<{
    scale: number;
    budget?: number;
    backend?: string;
    scales: string;
    mode: string;
    tau: string;
    sampleBudget?: number;
    predictorDir: string;
    out: string;
    report: boolean;
    vlm: string | boolean;
    vlmQuestion: string;
  }>();
  // MatryoshkaErrors naming the flag: main prints them (commander's own errors it has printed already).
  const scales = parseScalesFlag(o.scales);
  const tau = parseTauFlag(o.tau);
  return {
    ...(program.args.length > 0 ? { images: program.args.map((p) => path.resolve(cwd, p)) } : {}),
    scales,
    mode: o.mode as PoolingMode,
    scale: o.scale,
    tau,
    predictorDir: path.resolve(cwd, o.predictorDir),
    out: o.report ? path.resolve(cwd, o.out) : false,
    ...(o.budget === undefined ? {} : { budget: o.budget }),
    ...(o.sampleBudget === undefined ? {} : { sampleBudget: o.sampleBudget }),
    ...(o.backend === undefined ? {} : { backend: o.backend }),
    vlm: o.vlm === false ? false : { question: o.vlmQuestion, ...(typeof o.vlm === 'string' ? { folder: path.resolve(cwd, o.vlm) } : {}) },
  };
}

/** The VLM section's options: a model folder (default a generated tiny model) and the question. */
export interface VlmCliOptions {
  readonly folder?: string;
  readonly question: string;
}

/** Runs the demo as the CLI does: prints the tables, or `Error: …` and exit code 1. */
export async function main(argv: readonly string[]): Promise<number> {
  // npm runs workspace scripts in the workspace folder; INIT_CWD is where the user typed the command.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(argv, cwd);
  } catch (error) {
    const e = error as { code?: string; message: string; exitCode?: number };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    // commander has already printed its own usage errors.
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return 1;
    console.error(`Error: ${e.message}`);
    return 1;
  }
  // The Vulkan loader behind Dawn (webgpu in Node) complains on stderr without a runtime folder.
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(path.join(tmpdir(), 'matryoshka-xdg-'));
  const bar = progressBar();
  try {
    const result = await runDemo({ ...options, ...(bar.onProgress === undefined ? {} : { onProgress: bar.onProgress }) });
    bar.stop();
    for (const line of formatDemo(result)) console.log(line);
    if (options.vlm !== false) {
      const image = options.images?.[0] ?? DEFAULT_IMAGES[0]!;
      const section = await runVlmSection({
        image,
        question: options.vlm.question,
        ...(options.vlm.folder === undefined ? {} : { folder: options.vlm.folder }),
      });
      console.log('');
      for (const line of formatVlmSection(section)) console.log(line);
    }
    return 0;
  } catch (error) {
    bar.stop();
    console.error(isMatryoshkaError(error) ? `Error: ${error.message} [${error.code}]` : `Error: ${(error as Error).message}`);
    return 1;
  } finally {
    // Frees the GPU devices the backends opened, so the process can exit.
    await disposeBackends();
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
