import { parseArgs } from 'node:util';
import {
  POOLING_MODES,
  anyresTokenCount,
  isMatryoshkaError,
  listBackends,
  planLevels,
  selectBackend,
  type PoolingMode,
} from '@matryoshka/core';
import '@matryoshka/pooling'; // registers the cpu backend
import { demoFeatureGrid } from './feature-grid.js';

export interface DemoOptions {
  rows: number;
  cols: number;
  channels: number;
  scales: number[];
  mode: PoolingMode;
  backend?: string;
}

/**
 * The main command: plans nested token levels, builds the pyramid of a feature grid on the best
 * available backend (saying which and why), and prints what each level costs and keeps.
 * Returns the printed lines so the tests can check them.
 */
export async function runDemo(options: DemoOptions, print: (line: string) => void = console.log): Promise<string[]> {
  const lines: string[] = [];
  const say = (line = '') => {
    lines.push(line);
    print(line);
  };
  const grid = demoFeatureGrid(options.rows, options.cols, options.channels);
  say(`Matryoshka: nested visual tokens for a ${grid.rows}×${grid.cols}×${grid.channels} feature grid (mode '${options.mode}')`);
  say('Input: the embedded demo grid (smooth synthetic features; the image encoder is not wired in yet).');
  say();

  say('Backends:');
  for (const b of await listBackends()) say(`  ${b.name.padEnd(8)} ${b.available ? 'available' : `unavailable: ${b.reason}`}`);
  const { backend, skipped } = await selectBackend(options.backend);
  say(`Using '${backend.name}'${skipped.length > 0 ? ` (passed over: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : ''}.`);
  say();

  const request = { scales: options.scales, mode: options.mode };
  const start = performance.now();
  const pyramid = await backend.buildPyramid(grid, request);
  const levels = (await pyramid.read()).levels;
  const first = performance.now() - start;
  const warm = await medianMs(async () => (await backend.buildPyramid(grid, request)).dispose(), 20);
  say(`Pyramid built in ${first.toFixed(2)} ms (first call, one-time setup included); ${warm.toFixed(3)} ms warm (median of 20 after 20 warm-up calls). Levels:`);
  say(row(['requested', 'grid', 'tokens', 'kernel', 'share of full', '2×2 anyres seq.', 'mean |value|']));
  const full = grid.rows * grid.cols;
  for (const level of levels) {
    const p = level.plan;
    const anyres = anyresTokenCount({ level: p, crops: { rows: 2, cols: 2 } }).total;
    let meanAbs = 0;
    for (const v of level.data) meanAbs += Math.abs(v);
    meanAbs /= level.data.length;
    say(row([String(p.requested), `${p.rows}×${p.cols}`, String(p.tokens), p.kernel === null ? '–' : String(p.kernel), `${((100 * p.tokens) / full).toFixed(1)}%`, String(anyres), meanAbs.toFixed(4)]));
  }
  pyramid.dispose();
  say();

  say('The same scales in every mode (tokens per image):');
  for (const mode of POOLING_MODES) {
    try {
      say(`  ${mode.padEnd(9)} ${planLevels(grid, { scales: options.scales, mode }).map((l) => l.tokens).join(' / ')}`);
    } catch (error) {
      say(`  ${mode.padEnd(9)} not possible: ${(error as Error).message}`);
    }
  }
  return lines;
}

/** Median time of `times` runs after as many warm-up runs (the first ones grow the heap). */
async function medianMs(run: () => Promise<void>, times: number): Promise<number> {
  for (let i = 0; i < times; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b)[times >> 1]!;
}

function row(cells: string[]): string {
  const widths = [10, 7, 7, 7, 14, 16, 13];
  return '  ' + cells.map((c, i) => c.padStart(widths[i] ?? 8)).join(' ');
}

function parseCli(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      grid: { type: 'string', default: '24x24x1024' },
      scales: { type: 'string', default: '576,144,36,9,1' },
      mode: { type: 'string', default: 'm3' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: npm run demo -- [--grid ROWSxCOLSxCHANNELS] [--scales 576,144,36,9,1] [--mode m3|ceil|adaptive|bilinear] [--backend NAME]');
    process.exit(0);
  }
  const [rows, cols, channels] = values.grid.split('x').map(Number);
  return {
    rows: rows!,
    cols: cols!,
    channels: channels!,
    scales: values.scales.split(',').map(Number),
    mode: values.mode as PoolingMode,
    ...(values.backend === undefined ? {} : { backend: values.backend }),
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''));
if (isMain) {
  runDemo(parseCli(process.argv.slice(2))).catch((error: unknown) => {
    console.error(isMatryoshkaError(error) ? `Error (${error.code}): ${error.message}` : error);
    process.exit(1);
  });
}
