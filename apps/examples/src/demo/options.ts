import { fileURLToPath } from 'node:url';
import type { PoolingMode } from '@matryoshka/core';
import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

/** The three CC0 photos bundled in apps/examples/images (see its README for their sources). */
export const DEFAULT_IMAGES = ['chelsea.png', 'coffee.png', 'rocket.jpg'].map((f) => fileURLToPath(new URL(`../../images/${f}`, import.meta.url)));

/** Where the mosaic-QA study writes its predictor.json and samples.json (with the sample images). */
export const DEFAULT_PREDICTOR_DIR = fileURLToPath(new URL('../../models/mosaic-qa', import.meta.url));

/** M3's nested levels on a 24×24 grid. */
export const DEFAULT_SCALES = [576, 144, 36, 9, 1] as const;
export const DEFAULT_SCALE = 36;
export const DEFAULT_TAU = 0.8;

export interface DemoOptions {
  /** Image files (PNG or JPEG). Default: the bundled photos. */
  images?: readonly string[];
  /** Token counts of the pyramid's levels. Default 576, 144, 36, 9, 1. */
  scales?: readonly number[];
  mode?: PoolingMode;
  /** A backend name to force; default the best available. */
  backend?: string;
  /** Tokens every image gets under the fixed policy (one of `scales`). Default 36. */
  scale?: number;
  /** Total tokens for the whole set of photos. Default `scale` × the number of images. */
  budget?: number;
  /** The folder with the mosaic-QA predictor.json and samples.json. Default apps/examples/models/mosaic-qa. */
  predictorDir?: string;
  /** The threshold policy's τ: the smallest scale with predicted p ≥ τ. Default 0.8. */
  tau?: number;
  /** Total tokens for the mosaic-QA samples. Default `scale` × the number of samples. */
  sampleBudget?: number;
  /** The folder the HTML report is written to (`index.html`), or false for none. Default `demo-report`. */
  out?: string | false;
  /** Called as the work advances (the CLI draws a progress bar with it). */
  onProgress?: (event: ProgressEvent) => void;
}

/** `total` steps in all; `done` of them finished; `label` says what runs now. */
export interface ProgressEvent {
  readonly done: number;
  readonly total: number;
  readonly label: string;
}

/**
 * `--scales`: comma-separated token counts, each a whole number ≥ 1. A bad list is a
 * MatryoshkaError naming the flag (the CLI prints it as one line and exits 1).
 */
export function parseScalesFlag(text: string): number[] {
  const scales = text.split(',').map((s) => s.trim());
  if (scales.length === 0 || scales.some((s) => !/^\d+$/.test(s) || !Number.isSafeInteger(Number(s)) || Number(s) < 1)) {
    throw flagError('--scales', `--scales must be token counts like 576,144,36,9,1, got ${JSON.stringify(text)}.`);
  }
  return scales.map(Number);
}

/** `--tau`: a probability in [0, 1] (NaN, Infinity and 2 are errors naming the flag). */
export function parseTauFlag(text: string): number {
  const tau = text.trim() === '' ? Number.NaN : Number(text);
  if (!(tau >= 0 && tau <= 1)) throw flagError('--tau', `--tau must be a probability in [0, 1], got ${JSON.stringify(text)}.`);
  return tau;
}

function flagError(flag: string, message: string): MatryoshkaError {
  return new MatryoshkaError(ErrorCode.InvalidArgument, message, { argument: flag });
}
