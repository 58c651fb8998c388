import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, oneOf, optionsObject, positiveInt } from '@matryoshka/core/backend';
import { PRESETS, PRESET_NAMES, type Normalization, type PresetName, type ResizeMode } from './presets.js';
import { checkRawImage, type RawImage } from './raw-image.js';
import { limitOption } from '../io/read-file.js';
import { DEFAULT_MAX_IMAGE_PIXELS } from './limits.js';
import { resampleRgb, type Interpolation } from './resample.js';

export type TensorLayout = 'nchw' | 'nhwc';

export interface PreprocessOptions {
  /** Starting point for the fields below (default `'clip'`). */
  preset?: PresetName;
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
  resize?: ResizeMode;
  interpolation?: Interpolation;
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

const RESIZE_MODES: readonly ResizeMode[] = ['crop', 'stretch', 'none'];
const INTERPOLATIONS: readonly Interpolation[] = ['bicubic', 'bilinear'];

function triple(value: unknown, argument: string, positive: boolean): readonly [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0))) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected [r, g, b] of finite${positive ? ' positive' : ''} numbers, got ${describe(value)}`);
  }
  return value as unknown as readonly [number, number, number];
}

/** A preset with the caller's overrides, checked. */
export function resolvePreprocessing(options: PreprocessOptions | undefined, argument = 'options.preprocess', fallback: PresetName = 'clip'): Normalization {
  const o = optionsObject(options, argument);
  const base = PRESETS[o.preset === undefined ? fallback : oneOf(o.preset, PRESET_NAMES, `${argument}.preset`)];
  return {
    mean: o.mean === undefined ? base.mean : triple(o.mean, `${argument}.mean`, false),
    std: o.std === undefined ? base.std : triple(o.std, `${argument}.std`, true),
    resize: o.resize === undefined ? base.resize : oneOf(o.resize, RESIZE_MODES, `${argument}.resize`),
    interpolation: o.interpolation === undefined ? base.interpolation : oneOf(o.interpolation, INTERPOLATIONS, `${argument}.interpolation`),
  };
}

/** Where the resized image lies and which window of it is kept. */
function region(image: RawImage, size: ImageSize, resize: ResizeMode) {
  if (resize !== 'crop') return { width: size.width, height: size.height, left: 0, top: 0, cropWidth: size.width, cropHeight: size.height };
  // CLIP: scale so the image covers the target, rounding the long side down like Hugging Face's
  // processors, then take the centre (floor of half the excess, as their center_crop does).
  const scale = Math.max(size.width / image.width, size.height / image.height);
  const width = Math.max(size.width, Math.floor(image.width * scale + 1e-9));
  const height = Math.max(size.height, Math.floor(image.height * scale + 1e-9));
  return {
    width,
    height,
    left: Math.floor((width - size.width) / 2),
    top: Math.floor((height - size.height) / 2),
    cropWidth: size.width,
    cropHeight: size.height,
  };
}

/**
 * Writes one image, resized and normalized, into `out` at `offset` as `[3][H][W]` (`nchw`) or
 * `[H][W][3]` (`nhwc`) float32: `(pixel / 255 − mean) / std` per RGB channel.
 */
export function preprocessInto(
  image: RawImage,
  size: ImageSize,
  norm: Normalization,
  layout: TensorLayout,
  out: Float32Array,
  offset: number,
  argument = 'image',
): void {
  const channels = checkRawImage(image, argument);
  if (norm.resize === 'none' && (image.width !== size.width || image.height !== size.height)) {
    throw argumentError(
      ErrorCode.ShapeMismatch,
      argument,
      `the encoder takes ${size.width}×${size.height} images and resize is 'none', got ${image.width}×${image.height}`,
    );
  }
  const rgb = resampleRgb(image.data, image.width, image.height, channels, region(image, size, norm.resize), norm.interpolation);
  const plane = size.width * size.height;
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * norm.std[c]!);
    const shift = norm.mean[c]! / norm.std[c]!;
    for (let p = 0; p < plane; p++) {
      const v = rgb[p * 3 + c]! * scale - shift;
      out[offset + (layout === 'nchw' ? c * plane + p : p * 3 + c)] = v;
    }
  }
}

/** One image as a float32 tensor `[1, 3, H, W]` or `[1, H, W, 3]` (see `preprocessInto`). */
export function preprocessImage(image: RawImage, size: ImageSize, options?: PreprocessOptions & { layout?: TensorLayout; maxPixels?: number }): Float32Array {
  const o = optionsObject(options, 'options');
  const layout = o.layout === undefined ? 'nchw' : oneOf(o.layout, ['nchw', 'nhwc'] as const, 'options.layout');
  const s = optionsObject(size, 'size');
  const checked = { width: positiveInt(s.width, 'size.width'), height: positiveInt(s.height, 'size.height') };
  // The output is allocated here: the same pixel limit as decoding (2^26 by default).
  const maxPixels = limitOption(o.maxPixels, DEFAULT_MAX_IMAGE_PIXELS, 'options.maxPixels');
  if (checked.width * checked.height > maxPixels) {
    throw argumentError(
      ErrorCode.LimitExceeded,
      'size',
      `${checked.width}×${checked.height} pixels is above the limit of ${maxPixels}; raise options.maxPixels to allow it`,
    );
  }
  const out = new Float32Array(3 * checked.width * checked.height);
  preprocessInto(image, checked, resolvePreprocessing(options, 'options'), layout, out, 0);
  return out;
}
