import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { POOLING_MODES, type BackendStatus, type PoolingMode, type TokenPyramid } from '@matryoshka/core';
import { imageFormat, loadEncoder, type ImageFormat } from '@matryoshka/encoders';
import { chooseBackend } from './backends.js';
import { allocate, fixed, type BudgetChoice } from './budget.js';
import { levelCoverage } from './coverage.js';
import { invalid, within } from './errors.js';
import { readMosaicInput, runMosaic, type MosaicSection } from './mosaic.js';
import { DEFAULT_IMAGES, DEFAULT_PREDICTOR_DIR, DEFAULT_SCALE, DEFAULT_SCALES, DEFAULT_TAU, type DemoOptions } from './options.js';
import { renderReport } from './report-html.js';

export const ENCODER_DESCRIPTION = 'the offline default (ImageNet MobileNetV2, block_13_expand_relu, 384×384 → 24×24×576)';

export interface LevelResult {
  /** The token count asked for, and what the level really holds. */
  readonly requested: number;
  readonly tokens: number;
  readonly rows: number;
  readonly cols: number;
  /** How much of the full grid this level keeps (see coverage.ts). */
  readonly coverage: number;
}

export interface ImageResult {
  readonly path: string;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly format: ImageFormat;
  readonly encodeMs: number;
  readonly pyramidMs: number;
  readonly levels: readonly LevelResult[];
  /** Level indices chosen by the fixed and the budgeted policy. */
  readonly fixedLevel: number;
  readonly budgetLevel: number;
  readonly pyramid: TokenPyramid;
}

export interface DemoResult {
  readonly backend: {
    readonly name: string;
    readonly forced: boolean;
    readonly statuses: readonly BackendStatus[];
    readonly skipped: readonly BackendStatus[];
  };
  readonly encoder: { readonly description: string; readonly executionProvider: string; readonly loadMs: number };
  readonly scales: readonly number[];
  readonly mode: PoolingMode;
  readonly scale: number;
  readonly images: readonly ImageResult[];
  readonly fixed: BudgetChoice;
  readonly budgeted: BudgetChoice & { readonly budget: number };
  readonly mosaic: MosaicSection;
  /** The HTML report's path, when one was written. */
  readonly report: string | undefined;
  readonly totalMs: number;
}

/**
 * The main command, as a function: encodes photos with the offline default encoder, builds each
 * pyramid on the best available backend, compares a fixed scale with a budget for the whole set,
 * runs the mosaic-QA samples through their learned predictor when the study's files exist, and
 * writes the HTML report. Prints nothing (see table.ts); throws MatryoshkaError on bad input.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const imagePaths = options.images === undefined || options.images.length === 0 ? DEFAULT_IMAGES : options.images;
  if (options.scales !== undefined && (!Array.isArray(options.scales) || options.scales.length === 0))
    throw invalid('scales', 'expected a non-empty array of token counts');
  const scales = [...(options.scales ?? DEFAULT_SCALES)];
  scales.forEach((s, i) => {
    if (!Number.isSafeInteger(s) || s < 1) throw invalid(`scales[${i}]`, `expected a token count ≥ 1, got ${String(s)}`);
  });
  const mode = options.mode ?? 'm3';
  if (!POOLING_MODES.includes(mode)) throw invalid('mode', `expected one of ${POOLING_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const scale = options.scale ?? (scales.includes(DEFAULT_SCALE) ? DEFAULT_SCALE : scales[Math.floor(scales.length / 2)]!);
  const fixedLevel = scales.indexOf(scale);
  if (fixedLevel < 0) throw invalid('scale', `${scale} is not one of the levels (${scales.join(', ')})`);
  const budget = options.budget ?? scale * imagePaths.length;
  const tau = options.tau ?? DEFAULT_TAU;
  if (typeof tau !== 'number' || !(tau >= 0 && tau <= 1)) throw invalid('tau', `expected a probability in [0, 1], got ${String(tau)}`);

  // Read every file first, so a bad path fails before any model loads.
  const files = imagePaths.map((file, i) => {
    const bytes = readImageFile(file, `images[${i}]`);
    const format = imageFormat(bytes);
    if (format === undefined) throw invalid(`images[${i}]`, `${file} is not a PNG or JPEG image`);
    return { path: file, name: path.basename(file), bytes, format };
  });
  const mosaicInput = readMosaicInput(options.predictorDir ?? DEFAULT_PREDICTOR_DIR);
  const sampleCount = mosaicInput.kind === 'ready' ? mosaicInput.samples.length : 0;

  const total = 2 + files.length + sampleCount + (options.out === false ? 0 : 1);
  let done = 0;
  const step = (label: string) => options.onProgress?.({ done: done++, total, label });

  step('choosing a backend');
  const choice = await chooseBackend(options.backend);
  step('loading the encoder');
  let t = performance.now();
  const encoder = await loadEncoder();
  const loadMs = performance.now() - t;

  const images: Omit<ImageResult, 'budgetLevel'>[] = [];
  let mosaic: MosaicSection;
  try {
    for (const file of files) {
      step(`encoding ${file.name}`);
      t = performance.now();
      const grid = await within(file.path, () => encoder.encode(file.bytes));
      const encodeMs = performance.now() - t;
      t = performance.now();
      const device = await choice.backend.buildPyramid(grid, { scales, mode });
      const pyramid = await device.read();
      device.dispose();
      const pyramidMs = performance.now() - t;
      // Coverage is measured against the encoder's grid itself, whichever levels were asked for.
      const levels = pyramid.levels.map((l) => ({
        requested: l.plan.requested,
        tokens: l.plan.tokens,
        rows: l.rows,
        cols: l.cols,
        coverage: levelCoverage(grid, l),
      }));
      images.push({ ...file, encodeMs, pyramidMs, levels, fixedLevel, pyramid });
    }
    mosaic =
      mosaicInput.kind === 'ready'
        ? await runMosaic(mosaicInput, {
            encoder,
            backend: choice.backend,
            tau,
            scale,
            budget: options.sampleBudget ?? scale * sampleCount,
            onSample: (i) => step(`mosaic-QA sample ${i + 1}/${sampleCount}`),
          })
        : mosaicInput;
  } finally {
    await encoder.dispose();
  }

  // The budget maximises the summed coverage: the sum over images of how much of its full grid
  // each image's chosen level keeps.
  const items = images.map((im) => ({ values: im.levels.map((l) => l.coverage), tokens: im.levels.map((l) => l.tokens) }));
  const budgeted = { ...allocate(items, budget), budget };
  const withBudget = images.map((im, i) => ({ ...im, budgetLevel: im.levels.findIndex((l) => l.tokens === budgeted.chosen[i]) }));

  const result: Omit<DemoResult, 'report' | 'totalMs'> = {
    backend: { name: choice.backend.name, forced: choice.forced, statuses: choice.statuses, skipped: choice.skipped },
    encoder: { description: ENCODER_DESCRIPTION, executionProvider: encoder.executionProvider, loadMs },
    scales,
    mode,
    scale,
    images: withBudget,
    fixed: fixed(items, fixedLevel),
    budgeted,
    mosaic,
  };
  let report: string | undefined;
  if (options.out !== false) {
    step('drawing the report');
    const dir = path.resolve(options.out ?? 'demo-report');
    mkdirSync(dir, { recursive: true });
    report = path.join(dir, 'index.html');
    writeFileSync(report, renderReport({ ...result, report, totalMs: performance.now() - started }));
  }
  options.onProgress?.({ done: total, total, label: 'done' });
  return { ...result, report, totalMs: performance.now() - started };
}

/** Photos larger than this are refused before reading (the encoders' default image byte limit). */
const MAX_IMAGE_BYTES = 256 * 2 ** 20;

/**
 * A photo's bytes: regular files only (a FIFO would block forever, /dev/zero never ends), at
 * most 256 MiB, opened non-blocking and checked again through the handle.
 */
function readImageFile(file: string, argument: string): Uint8Array {
  const check = (stats: Stats): void => {
    if (!stats.isFile()) throw invalid(argument, `${file} is not a regular file (a FIFO, device or folder)`);
    if (stats.size > MAX_IMAGE_BYTES) throw invalid(argument, `${file} is ${stats.size} bytes, above the limit of ${MAX_IMAGE_BYTES}`);
  };
  let fd: number | undefined;
  try {
    check(statSync(file));
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    check(stats);
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const n = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return bytes.subarray(0, filled);
  } catch (error) {
    if ((error as { name?: string }).name === 'MatryoshkaError') throw error;
    throw invalid(argument, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
