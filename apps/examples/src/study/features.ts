import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pyramidFeatures, seededRandom } from '@matryoshka/scale-predictor';
import { defaultCacheDir, type Encoder } from '@matryoshka/encoders';
import { buildPyramid } from '@matryoshka/pooling';
import { projectPca, type Pca } from '../visual/pca.js';
import type { FashionMnistSplit } from './fashion-mnist.js';
import { mosaicPixels, type Mosaic } from './mosaics.js';
import { fitProjector, tokenLabels } from './projector.js';

export const GRID = 24;
export const CHANNELS = 576;
const CELLS = GRID * GRID;
/** Bump when what is cached changes. */
const FEATURES_VERSION = 3;
/** The pyramid the predictor and the coverage heuristic read, ascending (the answer model's scales). */
export const PYRAMID_SCALES = [1, 9, 36, 144, 576];
/** Numbers per image from `pyramidFeatures` without a question: 4 coverages, 4 spreads, 1 norm. */
export const IMAGE_STATS = 2 * (PYRAMID_SCALES.length - 1) + 1;

export interface FeatureOptions {
  /** Channels the answer model reads: the fixed projector's class directions, then principal components. */
  readonly components: number;
  /** Of `components`, least-squares class directions (ten classes and background) fitted on training tokens' labels. */
  readonly classComponents: number;
  /** Training mosaics the projector is fitted on, and tokens sampled from each. */
  readonly pcaMosaics: number;
  readonly pcaTokensPerMosaic: number;
  readonly seed: number;
  /** Where features are cached; `false` computes them every time. */
  readonly cacheDir: string | false;
}

/** What the study keeps of each mosaic's 24×24×576 grid. */
export interface SplitFeatures {
  readonly mosaics: number;
  /** `mosaics × 576 × components`: the full grid through the fixed projector (class directions, then principal components). */
  readonly grid: Float32Array;
  /**
   * `mosaics × IMAGE_STATS`: `pyramidFeatures` of the 576-channel levels 1/9/36/144/576 without a
   * question — the scale predictor's image input; its first four numbers are the levels' coverage
   * of the grid (the training-free heuristic's scores).
   */
  readonly stats: Float32Array;
}

export interface StudyFeatures {
  readonly splits: Readonly<Record<string, SplitFeatures>>;
  /** Share of the grid's variance each kept principal component explains. */
  readonly explained: readonly number[];
  readonly cache: 'hit' | 'miss' | 'disabled';
  readonly cacheFolder?: string;
}

export interface SplitInput {
  readonly name: string;
  readonly mosaics: readonly Mosaic[];
  readonly source: FashionMnistSplit;
}

function cacheKey(splits: readonly SplitInput[], o: FeatureOptions, encoder: Encoder): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      v: FEATURES_VERSION,
      encoder: { source: encoder.source, input: encoder.input, output: encoder.output, preprocessing: encoder.preprocessing },
      components: o.components,
      classComponents: o.classComponents,
      pca: [o.pcaMosaics, o.pcaTokensPerMosaic, o.seed],
    }),
  );
  for (const s of splits) h.update(`${s.name}:${s.mosaics.length}:${s.mosaics.map((m) => `${JSON.stringify(m.layout)}/${m.items.join(',')}`).join(';')}`);
  return h.digest('hex').slice(0, 16);
}

const f32 = (file: string): Float32Array => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/**
 * Encodes every image with the encoder (24×24×576 grids), builds each grid's pyramid with the CPU
 * backend for the predictor's image statistics (`pyramidFeatures`), and reduces the full grid to `components` channels by a fixed projector fitted
 * on the training split. Pooling is linear and so is the projection, so pooling the reduced grid
 * later gives exactly the projection of the pooled 576-channel levels. Cached on disk by a key
 * that hashes the encoder, the mosaics and the options.
 */
export async function computeFeatures(
  encoder: Encoder,
  splits: readonly SplitInput[],
  o: FeatureOptions,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<StudyFeatures> {
  const key = cacheKey(splits, o, encoder);
  const folder = o.cacheDir === false ? undefined : path.join(o.cacheDir, `mosaic-qa-${key}`);
  const total = splits.reduce((s, x) => s + x.mosaics.length, 0);
  if (folder !== undefined && existsSync(path.join(folder, 'meta.json'))) {
    const meta = JSON.parse(readFileSync(path.join(folder, 'meta.json'), 'utf8')) as { explained: number[] };
    const out: Record<string, SplitFeatures> = {};
    for (const s of splits)
      out[s.name] = { mosaics: s.mosaics.length, grid: f32(path.join(folder, `${s.name}.grid.f32`)), stats: f32(path.join(folder, `${s.name}.stats.f32`)) };
    progress(total, total);
    return { splits: out, explained: meta.explained, cache: 'hit', cacheFolder: folder };
  }

  let done = 0;
  let projector: Pca | undefined;
  const random = seededRandom(o.seed);
  const out: Record<string, SplitFeatures> = {};
  for (const s of splits) {
    const n = s.mosaics.length;
    const grid = new Float32Array(n * CELLS * o.components);
    const stats = new Float32Array(n * IMAGE_STATS);
    const held: Float32Array[] = []; // raw grids kept until the PCA is fitted (training split only)
    const batch = 16;
    for (let start = 0; start < n; start += batch) {
      const chunk = s.mosaics.slice(start, start + batch);
      const grids = await encoder.encode(chunk.map((m) => mosaicPixels(m, s.source)));
      grids.forEach((g, k) => {
        const i = start + k;
        if (g.rows !== GRID || g.cols !== GRID || g.channels !== CHANNELS)
          throw new Error(`expected ${GRID}×${GRID}×${CHANNELS} grids from the encoder, got ${g.rows}×${g.cols}×${g.channels}`);
        const p = buildPyramid(g, { scales: PYRAMID_SCALES });
        stats.set(pyramidFeatures(PYRAMID_SCALES.map((t) => p.at(t))), i * IMAGE_STATS);
        if (projector === undefined) held.push(g.data);
        else project(projector, g.data, grid, i);
      });
      done += chunk.length;
      progress(done, total);
      if (projector === undefined && (held.length >= o.pcaMosaics || start + batch >= n)) {
        // Fit on a seeded sample of tokens (and what each shows) from the first training mosaics, then catch up.
        const perMosaic = Math.min(o.pcaTokensPerMosaic, CELLS);
        const sample = new Float32Array(held.length * perMosaic * CHANNELS);
        const labels = new Uint8Array(held.length * perMosaic);
        held.forEach((data, m) => {
          const shows = tokenLabels(s.mosaics[m]!, GRID);
          for (let t = 0; t < perMosaic; t++) {
            const cell = Math.floor(random() * CELLS);
            sample.set(data.subarray(cell * CHANNELS, (cell + 1) * CHANNELS), (m * perMosaic + t) * CHANNELS);
            labels[m * perMosaic + t] = shows[cell]!;
          }
        });
        projector = fitProjector(sample, labels, CHANNELS, o.components, o.classComponents);
        held.forEach((data, m) => project(projector!, data, grid, m));
        held.length = 0;
      }
    }
    out[s.name] = { mosaics: n, grid, stats };
  }
  const explained = projector!.explained;
  if (folder !== undefined) {
    // Written to a temporary folder and renamed, so an interrupted run leaves no half cache.
    const tmp = `${folder}.tmp-${process.pid}`;
    mkdirSync(tmp, { recursive: true });
    for (const s of splits) {
      const f = out[s.name]!;
      writeFileSync(path.join(tmp, `${s.name}.grid.f32`), new Uint8Array(f.grid.buffer, f.grid.byteOffset, f.grid.byteLength));
      writeFileSync(path.join(tmp, `${s.name}.stats.f32`), new Uint8Array(f.stats.buffer, f.stats.byteOffset, f.stats.byteLength));
    }
    writeFileSync(
      path.join(tmp, 'meta.json'),
      JSON.stringify({ version: FEATURES_VERSION, key, explained, splits: splits.map((s) => [s.name, s.mosaics.length]) }),
    );
    renameSync(tmp, folder);
  }
  return { splits: out, explained, cache: folder === undefined ? 'disabled' : 'miss', ...(folder === undefined ? {} : { cacheFolder: folder }) };
}

function project(projector: Pca, data: Float32Array, grid: Float32Array, index: number): void {
  projectPca(projector, data, grid.subarray(index * CELLS * projector.k, (index + 1) * CELLS * projector.k));
}

export const studyCacheDir = async (): Promise<string> => path.join(await defaultCacheDir(), 'study');
