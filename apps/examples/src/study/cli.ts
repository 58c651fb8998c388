import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { DEFAULT_PREDICTOR_DIR as DEMO_MODEL_DIR } from '../demo/options.js';
import { DEFAULT_CONFIG, QUICK_CONFIG, type StudyConfig } from './config.js';
import { exportDemo } from './export-demo.js';
import { studyCacheDir } from './features.js';
import { checkGoals } from './goals.js';
import { runStudy, type Progress } from './pipeline.js';
import { writeReport } from './report/write-report.js';

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

/** Progress bars on a terminal (one per stage), plain stage lines elsewhere. */
function progressReporter(): { progress: Progress; stop: () => void } {
  if (!process.stderr.isTTY) {
    let last = '';
    let quarter = 0;
    return {
      progress: (stage, done, total) => {
        if (stage !== last) {
          process.stderr.write(`${stage} …\n`);
          quarter = 0;
        }
        last = stage;
        // Every quarter, so a log shows the long stages moving.
        const q = Math.floor((4 * done) / total);
        if (q > quarter) process.stderr.write(`${stage}: ${done}/${total}\n`);
        quarter = Math.max(q, quarter);
      },
      stop: () => undefined,
    };
  }
  const bars = new cliProgress.MultiBar(
    { format: ' {stage} |{bar}| {value}/{total} {eta_formatted}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const open = new Map<string, cliProgress.SingleBar>();
  return {
    progress: (stage, done, total) => {
      let bar = open.get(stage);
      if (!bar) open.set(stage, (bar = bars.create(total, 0, { stage: stage.padEnd(24) })));
      bar.update(done);
    },
    stop: () => bars.stop(),
  };
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('study')
    .description('Mosaic-QA: M3 in miniature on a real encoder and real images — answer models, oracle, scale predictor — with a Markdown/SVG report.')
    .option('--quick', 'a tiny version (a few minutes): same pipeline, every table; wiring, not research figures')
    .option('--out <dir>', 'report folder', 'study-report')
    .option('--cache-dir <dir>', 'where encoded features are cached (default: ~/.cache/matryoshka/study)')
    .option('--no-cache', 'encode every time')
    .option('--seed <n>', 'seed of every random choice', positive)
    .option('--train <images>', 'training images', positive)
    .option('--validation <images>', 'validation images (the predictor trains on them)', positive)
    .option('--test <images>', 'test images', positive)
    .option('--epochs <n>', 'answer-model epochs', positive)
    .option('--models <k>', "M3 answer models with different seeds (the soft oracle's K, at least 2)", (v: string) => {
      const n = positive(v);
      if (n < 2) throw new InvalidArgumentError('expected at least 2 (the soft oracle averages over models)');
      return n;
    })
    .option('--workers <n>', 'answer models trained at once, one per worker thread (default: one per core; the numbers do not depend on it)', positive)
    .option('--export-demo [dir]', `also write the predictor and sample mosaics for the demo (default ${path.relative(process.cwd(), DEMO_MODEL_DIR)})`)
    .showHelpAfterError();
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    quick?: boolean;
    out: string;
    cacheDir?: string;
    cache: boolean;
    seed?: number;
    train?: number;
    validation?: number;
    test?: number;
    epochs?: number;
    models?: number;
    workers?: number;
    exportDemo?: string | true;
  }>();
  const base = o.quick ? QUICK_CONFIG : DEFAULT_CONFIG;
  const overrides = { seed: o.seed, train: o.train, validation: o.validation, test: o.test, epochs: o.epochs, models: o.models };
  const changed = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config: StudyConfig = { ...base, ...changed, size: Object.keys(changed).length > 0 ? 'custom' : base.size };
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const out = path.resolve(cwd, o.out);
  const cacheDir = o.cache === false ? false : path.resolve(cwd, o.cacheDir ?? (await studyCacheDir()));

  console.log(
    `Mosaic-QA study (${config.size}): ${config.train}/${config.validation}/${config.test} images, ${config.models} M3 models, seed ${config.seed}; features cache: ${cacheDir === false ? 'off' : cacheDir}`,
  );
  const reporter = progressReporter();
  let result;
  try {
    result = await runStudy(config, {
      cacheDir,
      progress: reporter.progress,
      log: (line) => console.log(line),
      ...(o.workers === undefined ? {} : { workers: o.workers }),
    });
  } finally {
    reporter.stop();
  }
  const files = writeReport(result, out);
  console.log(`Report: ${path.join(out, 'summary.md')} (${files.length} files)`);
  if (o.exportDemo !== undefined) {
    const dir = o.exportDemo === true ? DEMO_MODEL_DIR : path.resolve(cwd, o.exportDemo);
    exportDemo(result, dir);
    console.log(`Demo predictor and samples: ${dir}`);
  }
  for (const g of checkGoals(result)) console.log(`${g.met ? '✓' : '✗'} ${g.claim}: ${g.measured}`);
  console.log(
    `Times (s): ${Object.entries(result.seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`Error: ${(error as Error).message}`);
    process.exit(1);
  });
}
