import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  anyresTokenCount,
  isMatryoshkaError,
  listBackends,
  selectBackend,
  type PoolingMode,
  type TokenPyramid,
} from '@matryoshka/core';
import '@matryoshka/pooling'; // registers 'cpu'
import '@matryoshka/backend-webgpu'; // registers 'webgpu' (used when a WebGPU adapter exists)
import { loadEncoder } from '@matryoshka/encoders';

export const DEFAULT_IMAGES = ['chelsea.png', 'coffee.png', 'rocket.jpg'].map((f) => fileURLToPath(new URL(`../images/${f}`, import.meta.url)));

export interface DemoOptions {
  images: string[];
  scales: number[];
  mode: PoolingMode;
  /** A backend name, or the best available when absent. */
  backend?: string;
}

export interface DemoResult {
  lines: string[];
  backend: string;
  pyramids: TokenPyramid[];
}

/**
 * The main command: encodes photos with the offline default encoder (an ImageNet MobileNetV2,
 * 384×384 → 24×24×576 tokens), builds each image's pyramid on the best available backend (saying
 * which and why), and prints what every level costs. Returns what it printed and the pyramids.
 */
export async function runDemo(options: DemoOptions, print: (line: string) => void = console.log): Promise<DemoResult> {
  const lines: string[] = [];
  const say = (line = '') => {
    lines.push(line);
    print(line);
  };
  for (const image of options.images) {
    if (!existsSync(image)) throw new Error(`no such image: ${image}`);
  }

  say('Backends:');
  for (const b of await listBackends()) say(`  ${b.name.padEnd(8)} ${b.available ? 'available' : `unavailable: ${b.reason}`}`);
  const { backend, skipped } = await selectBackend(options.backend);
  say(`Pooling on '${backend.name}'${skipped.length > 0 ? ` (passed over: ${skipped.map((s) => s.name).join(', ')})` : ''}.`);
  say();

  let t = performance.now();
  const encoder = await loadEncoder();
  say(`Encoder: the offline default (ImageNet MobileNetV2, block_13_expand_relu, 384×384 → 24×24×576) on ${encoder.executionProvider}, ready in ${(performance.now() - t).toFixed(0)} ms.`);
  say();

  const pyramids: TokenPyramid[] = [];
  try {
    say(row(['image', 'encode ms', 'pyramid ms', ...options.scales.map((s) => `${s}→`)]));
    for (const image of options.images) {
      t = performance.now();
      const grid = await encoder.encode(image);
      const encodeMs = performance.now() - t;
      t = performance.now();
      const gpuOrCpu = await backend.buildPyramid(grid, { scales: options.scales, mode: options.mode });
      const pyramid = await gpuOrCpu.read();
      gpuOrCpu.dispose();
      const pyramidMs = performance.now() - t;
      pyramids.push(pyramid);
      say(row([path.basename(image), encodeMs.toFixed(1), pyramidMs.toFixed(2), ...pyramid.levels.map((l) => `${l.plan.tokens} (${l.rows}×${l.cols})`)]));
    }
  } finally {
    await encoder.dispose();
  }
  say();

  const first = pyramids[0]!;
  say('Tokens per image at each level: one 24×24 grid, and a LLaVA-NeXT 2×2 anyres layout (crops + base image + newline tokens):');
  say(`  ${first.levels.map((l) => `${l.plan.tokens} / ${anyresTokenCount({ level: l, crops: { rows: 2, cols: 2 } }).total}`).join('   ')}`);
  say('How much of each image the coarse levels keep (cosine similarity of every level, upsampled, with the full grid):');
  for (const [i, p] of pyramids.entries()) say(`  ${path.basename(options.images[i]!).padEnd(12)} ${p.levels.map((l) => `${l.plan.tokens}: ${similarity(p.levels[0]!, l).toFixed(3)}`).join('  ')}`);
  return { lines, backend: backend.name, pyramids };
}

/** Mean cosine similarity between each full-grid token and the coarse token covering it. */
function similarity(full: TokenPyramid['levels'][number], level: TokenPyramid['levels'][number]): number {
  const C = full.channels;
  let total = 0;
  for (let r = 0; r < full.rows; r++) {
    for (let c = 0; c < full.cols; c++) {
      const a = (r * full.cols + c) * C;
      const lr = Math.min(level.rows - 1, Math.floor((r * level.rows) / full.rows));
      const lc = Math.min(level.cols - 1, Math.floor((c * level.cols) / full.cols));
      const b = (lr * level.cols + lc) * C;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let k = 0; k < C; k++) {
        const x = full.data[a + k]!;
        const y = level.data[b + k]!;
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      total += na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    }
  }
  return total / (full.rows * full.cols);
}

function row(cells: string[]): string {
  return '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(i < 3 ? 10 : 11))).join(' ');
}

function parseCli(argv: string[]): DemoOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scales: { type: 'string', default: '576,144,36,9,1' },
      mode: { type: 'string', default: 'm3' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: npm run demo -- [IMAGE.png|jpg ...] [--scales 576,144,36,9,1] [--mode m3|ceil|adaptive|bilinear] [--backend cpu|webgpu]');
    process.exit(0);
  }
  return {
    images: positionals.length > 0 ? positionals.map((p) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p)) : DEFAULT_IMAGES,
    scales: values.scales.split(',').map(Number),
    mode: values.mode as PoolingMode,
    ...(values.backend === undefined ? {} : { backend: values.backend }),
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''));
if (isMain) {
  runDemo(parseCli(process.argv.slice(2))).catch((error: unknown) => {
    console.error(isMatryoshkaError(error) ? `Error (${error.code}): ${error.message}` : `Error: ${(error as Error).message}`);
    process.exit(1);
  });
}
