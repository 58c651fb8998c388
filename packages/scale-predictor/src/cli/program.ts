import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ErrorCode, argumentError, isMatryoshkaError } from '@matryoshka/core';
import { evaluatePredictor } from '../evaluate/evaluate.js';
import { analyzeOracle } from '../oracle/analyze.js';
import { MISSING_POLICIES, UNANSWERED_CHARGES, type MissingPolicy, type OracleOptions, type UnansweredCharge } from '../oracle/options.js';
import { buildSampleTable } from '../oracle/sample-table.js';
import { loadPredictor, savePredictor } from '../predictor/file.js';
import { THRESHOLD_FALLBACKS, type ThresholdFallback } from '../policy/threshold.js';
import { joinFeatures } from '../predictor/join.js';
import { toJsonl } from '../records/jsonl.js';
import { importLmmsEval } from '../records/lmms-eval.js';
import { formatAnalysis, formatEvaluation } from '../report/format.js';
import { renderPlot } from '../report/svg.js';
import { processIo, readJsonl, readText, writeText, type CliIo } from './io.js';
import { progress } from './progress.js';
import { terminalSafe, terminalSafeJson } from './safe-text.js';

interface OracleFlags {
  unanswered: UnansweredCharge;
  threshold: number;
  missing: MissingPolicy;
  scales?: number[];
  groupBy?: string[];
}

const number = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
};
const integer = (value: string): number => {
  const n = number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
};
const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const integers = (value: string): number[] => list(value).map(integer);

/** The options every command that reads records shares: the paper's open choices, explicit. */
function withOracleOptions(command: Command): Command {
  return command
    .addOption(new Option('--unanswered <rule>', 'tokens charged to samples no scale answers').choices(UNANSWERED_CHARGES).default('smallest'))
    .addOption(new Option('--threshold <score>', 'a graded score counts as correct when ≥ this').argParser(number).default(0.5))
    .addOption(new Option('--missing <rule>', 'a sample without a record at some scale').choices(MISSING_POLICIES).default('error'))
    .option('--scales <list>', 'only these scales, e.g. 1,9,36,144,576', integers)
    .option('--group-by <fields>', 'break results down by these record fields, e.g. type', list);
}

const oracleOptions = (f: OracleFlags): OracleOptions => ({
  unanswered: f.unanswered,
  threshold: f.threshold,
  missing: f.missing,
  ...(f.scales === undefined ? {} : { scales: f.scales }),
  ...(f.groupBy === undefined ? {} : { groupBy: f.groupBy }),
});

function program(io: CliIo): Command {
  const cli = new Command('matryoshka-oracle')
    .description('Oracle analysis of per-sample, per-scale results, and a learned scale predictor for nested visual tokens.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors are one line too, with where to look (help itself is `--help`).
      outputError: (s, write) =>
        write(
          `matryoshka-oracle: ${terminalSafe(
            s
              .replace(/^error: /, '')
              .trim()
              .split('\n')[0]!,
          )} (see --help)\n`,
        ),
    });

  withOracleOptions(cli.command('analyze').description('accuracy per scale, the oracle, the oracle-scale distribution, and where more tokens hurt'))
    .argument('<records...>', 'JSONL files of { id, scale|tokens, correct|score, ...fields }')
    .option('--json', 'print the analysis as JSON')
    .option('--svg <file>', 'write accuracy vs tokens as an SVG plot')
    .action((files: string[], flags: OracleFlags & { json?: boolean; svg?: string }) => {
      const analysis = analyzeOracle(readJsonl(io, files, 'records'), oracleOptions(flags));
      io.stdout.write(flags.json ? terminalSafeJson(`${JSON.stringify(analysis, null, 2)}\n`) : terminalSafe(formatAnalysis(analysis)));
      if (flags.svg !== undefined) {
        const fixed = analysis.scales.map((s) => ({ scale: s.scale, tokens: s.meanTokens, accuracy: s.accuracy }));
        const oracle = analysis.oracle.meanTokens === null ? undefined : { tokens: analysis.oracle.meanTokens, accuracy: analysis.oracle.accuracy };
        writeText(io, flags.svg, renderPlot({ title: `Accuracy vs tokens (${analysis.samples} samples)`, fixed, oracle }), '--svg');
      }
    });

  cli
    .command('import-lmms-eval')
    .description("records from lmms-eval's per-sample logs (--log_samples), one run per scale")
    .requiredOption('--run <scale=file...>', 'a run and its scale, e.g. --run 1=samples_1.jsonl 9=samples_9.jsonl')
    .requiredOption('--metric <path>', 'the per-sample metric, e.g. exact_match or mme_percetion_score.score')
    .option('--id <path>', 'the sample id field', 'doc_id')
    .option('--group <paths>', 'fields to keep as groups, e.g. doc.question_type', list)
    .option('--out <file>', 'write the records here instead of stdout')
    .action((flags: { run: string[]; metric: string; id: string; group?: string[]; out?: string }) => {
      const runs = flags.run.map((spec) => {
        const eq = spec.indexOf('=');
        if (eq < 1) throw argumentError(ErrorCode.InvalidArgument, '--run', `expects scale=file, got ${JSON.stringify(spec)}`);
        const file = spec.slice(eq + 1);
        const scale = Number(spec.slice(0, eq));
        if (!Number.isSafeInteger(scale) || scale < 1)
          throw argumentError(ErrorCode.InvalidArgument, '--run', `expects a scale ≥ 1 before '=', got ${JSON.stringify(spec)}`);
        return { scale, text: readText(io, file, '--run'), name: file };
      });
      const records = importLmmsEval(runs, { metric: flags.metric, id: flags.id, groups: flags.group ?? [] });
      if (flags.out === undefined) io.stdout.write(terminalSafeJson(toJsonl(records)));
      else writeText(io, flags.out, toJsonl(records), '--out');
    });

  withOracleOptions(cli.command('train').description('train a scale predictor on records and per-sample features'))
    .argument('<records...>', 'JSONL records of the training samples')
    .requiredOption('--features <file>', 'JSONL of { id, features: number[] } (see coarseFeatures)')
    .requiredOption('--out <file>', 'where to write the predictor (JSON)')
    .option('--hidden <widths>', 'hidden layer widths, e.g. 32 or 64,32', integers, [32])
    .option('--epochs <n>', 'passes over the data', integer, 40)
    .option('--batch-size <n>', 'samples per step', integer, 32)
    .option('--learning-rate <rate>', "Adam's learning rate", number, 0.01)
    .option('--l2 <penalty>', 'L2 weight penalty', number, 1e-4)
    .option('--seed <n>', 'same seed, same weights', integer, 0)
    .action(
      async (
        files: string[],
        flags: OracleFlags & {
          features: string;
          out: string;
          hidden: number[];
          epochs: number;
          batchSize: number;
          learningRate: number;
          l2: number;
          seed: number;
        },
      ) => {
        const { trainPredictor } = await import('../train/train-predictor.js');
        const table = buildSampleTable(readJsonl(io, files, 'records'), oracleOptions(flags));
        const features = joinFeatures(table, readJsonl(io, [flags.features], '--features'));
        const bar = progress(io, 'training', flags.epochs);
        let result;
        try {
          result = await trainPredictor(table, features, {
            hidden: flags.hidden,
            epochs: flags.epochs,
            batchSize: flags.batchSize,
            learningRate: flags.learningRate,
            l2: flags.l2,
            seed: flags.seed,
            onEpoch: (epoch, loss) => bar.update(epoch, `loss ${loss.toFixed(4)}`),
          });
        } finally {
          bar.stop();
        }
        const { losses, options } = result;
        writeText(
          io,
          flags.out,
          savePredictor(result.predictor, { ...options, samples: table.ids.length, finalLoss: losses.at(-1), oracleOptions: table.options }),
          '--out',
        );
        io.stdout.write(
          terminalSafe(
            `trained on ${table.ids.length} samples, scales ${table.scales.join('/')}, ${features[0]!.length} features; final loss ${losses.at(-1)!.toFixed(4)}; wrote ${flags.out}\n`,
          ),
        );
      },
    );

  withOracleOptions(cli.command('evaluate').description('the predictor against fixed scales and the oracle on held-out records'))
    .argument('<records...>', 'JSONL records of held-out samples')
    .requiredOption('--features <file>', 'JSONL of { id, features: number[] }')
    .requiredOption('--predictor <file>', 'a predictor written by train')
    .option('--points <n>', 'most thresholds on the curve', integer, 200)
    .addOption(new Option('--fallback <rule>', 'the threshold policy when no scale reaches τ').choices(THRESHOLD_FALLBACKS).default('most-likely'))
    .option('--no-budget', 'skip the budgeted allocation')
    .option('--json', 'print the evaluation as JSON')
    .option('--svg <file>', 'write accuracy vs tokens with the predictor curve as an SVG plot')
    .action(
      (
        files: string[],
        flags: OracleFlags & {
          features: string;
          predictor: string;
          points: number;
          fallback: ThresholdFallback;
          budget: boolean;
          json?: boolean;
          svg?: string;
        },
      ) => {
        const predictor = loadPredictor(readText(io, flags.predictor, '--predictor'));
        const table = buildSampleTable(readJsonl(io, files, 'records'), {
          ...oracleOptions(flags),
          // The oracle reads a table ascending; the predictor's rows (576 → 1) are realigned to it.
          scales: flags.scales ?? [...predictor.scales].sort((a, b) => a - b),
        });
        const probabilities = predictor.predictBatch(joinFeatures(table, readJsonl(io, [flags.features], '--features')));
        const bar = progress(io, 'budgeted allocation', table.scales.length);
        let evaluation;
        try {
          evaluation = evaluatePredictor(table, probabilities, {
            points: flags.points,
            fallback: flags.fallback,
            budget: flags.budget,
            scales: predictor.scales,
            onProgress: (done) => bar.update(done),
          });
        } finally {
          bar.stop();
        }
        io.stdout.write(flags.json ? terminalSafeJson(`${JSON.stringify(evaluation, null, 2)}\n`) : terminalSafe(formatEvaluation(evaluation)));
        if (flags.svg !== undefined) {
          writeText(
            io,
            flags.svg,
            renderPlot({
              title: `Scale predictor on ${evaluation.samples} held-out samples`,
              fixed: evaluation.fixed.map((f) => ({ scale: f.scale, tokens: f.meanTokens, accuracy: f.accuracy })),
              oracle: evaluation.oracle.meanTokens === null ? undefined : { tokens: evaluation.oracle.meanTokens, accuracy: evaluation.oracle.accuracy },
              curve: evaluation.curve.map((p) => ({ tokens: p.meanTokens, accuracy: p.accuracy })),
              budget: evaluation.fixed.flatMap((f) => (f.budget === null ? [] : [{ tokens: f.budget.meanTokens, accuracy: f.budget.accuracy }])),
            }),
            '--svg',
          );
        }
      },
    );
  return cli;
}

/**
 * Runs `matryoshka-oracle` with `argv` (without the node and script paths) and resolves to the
 * exit code: 0, 1 for a data or argument error (the message names the argument), 2 for usage.
 * Every failure is one line on stderr; nothing throws out of here.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await program(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has printed its own usage errors; an argParser's InvalidArgumentError arrives
    // here as a CommanderError too, already printed.
    if (error instanceof CommanderError && !(error instanceof InvalidArgumentError)) return error.exitCode === 0 ? 0 : 2;
    const message = (() => {
      try {
        return error instanceof Error ? error.message : String(error);
      } catch {
        return 'an unprintable error';
      }
    })();
    const line = terminalSafe(message.split('\n')[0]!);
    if (isMatryoshkaError(error) || error instanceof InvalidArgumentError) {
      io.stderr.write(`matryoshka-oracle: ${line}\n`);
      return 1;
    }
    io.stderr.write(`matryoshka-oracle: internal error: ${line}\n`);
    return 1;
  }
}
