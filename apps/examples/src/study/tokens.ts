import { tokenGrid } from '@matryoshka/core';
import { buildPyramid, sequentialSample, spatialSample } from '@matryoshka/pooling';
import type { TokenSets } from './train.js';
import { GRID, type SplitFeatures } from './features.js';
import type { Mosaic } from './mosaics.js';
import { QUESTION_FEATURES, questionFeatures } from './questions.js';

/** M3's nested scales, largest first (576 = the full 24×24 grid). */
export const SCALES = [576, 144, 36, 9, 1] as const;
/** How a smaller token set is made from the full grid. */
export const SELECTIONS = ['pool', 'spatial', 'sequential'] as const;
export type Selection = (typeof SELECTIONS)[number];

/**
 * Position channels appended to every full-grid token before any pooling: x, y in [−1, 1], a
 * soft quadrant sign (tanh 4x, tanh 4y) and x² + y² (with it a question's query can peak its
 * attention on any cell: −k|p − c|² is linear in x, y and x² + y²). Pooled with the features, so
 * a coarse token sits at its cell's mean position — the answer model knows where each token lies,
 * as an LLM knows the order of its visual tokens.
 */
export const POSITION_CHANNELS = 5;

function withPositions(grid: Float32Array, index: number, components: number): Float32Array {
  const D = components + POSITION_CHANNELS;
  const out = new Float32Array(GRID * GRID * D);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const cell = r * GRID + c;
      const x = ((c + 0.5) / GRID) * 2 - 1;
      const y = ((r + 0.5) / GRID) * 2 - 1;
      out.set(grid.subarray((index * GRID * GRID + cell) * components, (index * GRID * GRID + cell + 1) * components), cell * D);
      out.set([x, y, Math.tanh(4 * x), Math.tanh(4 * y), x * x + y * y], cell * D + components);
    }
  }
  return out;
}

/** Side of the square sub-grid spatial sampling keeps for a scale (576 → 24, 144 → 12, …). */
const side = (scale: number): number => Math.round(Math.sqrt(scale));

/**
 * A split's token sets at every scale, made by one selection method: `pool` is M3's nested
 * average pooling (the CPU pyramid, mode m3), `spatial` keeps a uniform sub-grid, `sequential`
 * the first n tokens in row-major order (the paper's Table 4 baselines).
 */
export function tokenSets(features: SplitFeatures, mosaics: readonly Mosaic[], components: number, selection: Selection): TokenSets {
  const n = features.mosaics;
  const D = components + POSITION_CHANNELS;
  const Q = mosaics[0]!.questions.length;
  const sets = SCALES.map((tokens) => ({ tokens, data: new Float32Array(n * tokens * D) }));
  const out = SCALES.map(() => new Float32Array(0));
  for (let i = 0; i < n; i++) {
    const grid = tokenGrid(withPositions(features.grid, i, components), { rows: GRID, cols: GRID, channels: D });
    if (selection === 'pool') {
      SCALES.forEach((s, j) => (out[j] = sets[j]!.data.subarray(i * s * D, (i + 1) * s * D)));
      buildPyramid(grid, { scales: [...SCALES], out });
    } else {
      SCALES.forEach((s, j) => {
        const level = selection === 'spatial' ? spatialSample(grid, { rows: side(s), cols: side(s) }) : sequentialSample(grid, { tokens: s });
        sets[j]!.data.set(level.data, i * s * D);
      });
    }
  }
  return {
    mosaics: n,
    questionsPerMosaic: Q,
    tokenDim: D,
    sets,
    questionFeatures: QUESTION_FEATURES,
    questions: Float32Array.from(mosaics.flatMap((m) => m.questions.flatMap(questionFeatures))),
    answers: Int32Array.from(mosaics.flatMap((m) => m.answers)),
  };
}
