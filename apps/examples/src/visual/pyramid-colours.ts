import { fitPca, projectPca, type Pca } from './pca.js';

/** What the colour mapping needs of a level: a `TokenGrid` or a `PyramidLevel` fits (frame 0 is used). */
export interface ColourableLevel {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
}

/** One level as an RGBA picture with one pixel per token, row-major like the tokens. */
export interface LevelPicture {
  readonly rows: number;
  readonly cols: number;
  /** `rows × cols × 4` bytes (RGBA, alpha 255): ready for `new ImageData(pixels, cols, rows)` or a PNG encoder. */
  readonly pixels: Uint8ClampedArray;
}

export interface PyramidColours {
  /** `pictures[i]` colours `levels[i]`. */
  readonly pictures: readonly LevelPicture[];
  /** The basis every level was projected on (fitted on `levels[fitOn]`), or null when it could not be fitted. */
  readonly pca: Pca | null;
  /** Per component (R, G, B): the score mapped to 0 and to 255; scores outside are clamped. */
  readonly min: readonly number[];
  readonly max: readonly number[];
}

export interface PyramidColourOptions {
  /** The level the PCA basis and the min/max scaling come from. Default 0 (the full grid, the finest level). */
  fitOn?: number;
  /**
   * The share of the fit level's scores clipped at each end of every component before scaling, so
   * a few outlier tokens do not wash out the rest. Default 0.01 (the 1st to 99th percentile span
   * 0–255); 0 uses the exact min and max.
   */
  clip?: number;
}

/**
 * Colours every level of a pyramid like Figure 1 of the M3 paper: 3 principal components of one
 * level's tokens (the full grid by default) become R, G and B, and every level is projected on
 * that same basis with that same scaling (the fit level's per-component range, see `clip`), so a
 * colour means the same thing at 576 tokens and at 1: a coarse token shows the average of the
 * fine tokens it replaced. Pure and DOM-free (Node and browsers): upscale the pictures
 * nearest-neighbour to show them (canvas with `imageSmoothingEnabled = false`, CSS
 * `image-rendering: pixelated`, or `upscaleNearest`).
 *
 * Levels with fewer than 3 channels use the components they have (the missing colours stay 0); a
 * fit level with fewer than 2 tokens or no variance gives mid-grey pictures and `pca: null`.
 */
export function pyramidColours(levels: readonly ColourableLevel[], options: PyramidColourOptions = {}): PyramidColours {
  const fitOn = options.fitOn ?? 0;
  const clip = options.clip ?? 0.01;
  if (!(clip >= 0 && clip < 0.5)) throw new RangeError(`pyramidColours: clip must be in [0, 0.5), got ${clip}`);
  const fit = levels[fitOn];
  if (fit === undefined) throw new RangeError(`pyramidColours: no level ${fitOn} among ${levels.length}`);
  const channels = fit.channels;
  for (const [i, l] of levels.entries()) {
    if (l.channels !== channels) throw new RangeError(`pyramidColours: level ${i} has ${l.channels} channels, level ${fitOn} has ${channels}`);
    if (l.data.length < l.rows * l.cols * l.channels)
      throw new RangeError(`pyramidColours: level ${i} holds ${l.data.length} values, fewer than ${l.rows}×${l.cols}×${l.channels}`);
  }
  const tokens = (l: ColourableLevel) => frame0(l);
  const n = fit.rows * fit.cols;
  const k = Math.min(3, channels);
  const pca = n >= 2 ? fitPca(tokens(fit), channels, k) : null;
  if (pca === null || pca.variance.every((v) => v === 0)) {
    return { pictures: levels.map((l) => grey(l.rows, l.cols)), pca: null, min: [0, 0, 0], max: [0, 0, 0] };
  }
  const fitScores = projectPca(pca, tokens(fit));
  const min = [0, 0, 0];
  const max = [0, 0, 0];
  for (let j = 0; j < k; j++) {
    const sorted = Float64Array.from({ length: n }, (_, i) => fitScores[i * k + j]!).sort();
    const cut = Math.floor(clip * (n - 1));
    min[j] = sorted[cut]!;
    max[j] = sorted[n - 1 - cut]!;
  }
  const pictures = levels.map((l, index) => {
    const scores = index === fitOn ? fitScores : projectPca(pca, tokens(l));
    const count = l.rows * l.cols;
    const pixels = new Uint8ClampedArray(count * 4);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < k; j++) {
        const span = max[j]! - min[j]!;
        // Uint8ClampedArray rounds and clamps, so scores beyond the fitted range saturate.
        pixels[i * 4 + j] = span > 0 ? ((scores[i * k + j]! - min[j]!) / span) * 255 : 128;
      }
      pixels[i * 4 + 3] = 255;
    }
    return { rows: l.rows, cols: l.cols, pixels };
  });
  return { pictures, pca, min, max };
}

/**
 * Nearest-neighbour upscaling of an RGBA picture by an integer `factor`, so a 1×1 level stays a
 * visible square of one colour. Pure; returns a new `rows·factor × cols·factor` picture.
 */
export function upscaleNearest(picture: LevelPicture, factor: number): LevelPicture {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`upscaleNearest: factor must be a positive integer, got ${factor}`);
  const { rows, cols, pixels } = picture;
  const outCols = cols * factor;
  const out = new Uint8ClampedArray(rows * factor * outCols * 4);
  for (let y = 0; y < rows * factor; y++) {
    const srcRow = Math.floor(y / factor) * cols;
    for (let x = 0; x < outCols; x++) {
      const s = (srcRow + Math.floor(x / factor)) * 4;
      const d = (y * outCols + x) * 4;
      out[d] = pixels[s]!;
      out[d + 1] = pixels[s + 1]!;
      out[d + 2] = pixels[s + 2]!;
      out[d + 3] = pixels[s + 3]!;
    }
  }
  return { rows: rows * factor, cols: outCols, pixels: out };
}

function frame0(l: ColourableLevel): ArrayLike<number> {
  const length = l.rows * l.cols * l.channels;
  const d = l.data;
  if (d.length === length) return d;
  // Typed arrays view the first frame without copying; plain arrays are sliced.
  return ArrayBuffer.isView(d) ? (d as unknown as Float32Array).subarray(0, length) : (Array.prototype.slice.call(d, 0, length) as number[]);
}

function grey(rows: number, cols: number): LevelPicture {
  const pixels = new Uint8ClampedArray(rows * cols * 4).fill(128);
  for (let i = 3; i < pixels.length; i += 4) pixels[i] = 255;
  return { rows, cols, pixels };
}
