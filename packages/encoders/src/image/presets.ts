import type { Interpolation } from './resample.js';

/**
 * How an image becomes the encoder's input size: `crop` resizes the shortest side to fit and
 * center-crops the rest (CLIP), `stretch` resizes to the exact size ignoring the aspect ratio
 * (SigLIP, nsfwjs), `none` requires the image to have the input size already.
 */
export type ResizeMode = 'crop' | 'stretch' | 'none';

export interface Normalization {
  /** Per-channel RGB mean and standard deviation, on values scaled to [0, 1]. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly resize: ResizeMode;
  readonly interpolation: Interpolation;
}

export type PresetName = 'clip' | 'siglip' | 'imagenet' | 'keras' | 'unit';

/** The preprocessing of common encoder families (values from their reference processors). */
export const PRESETS: Readonly<Record<PresetName, Normalization>> = {
  /** OpenAI CLIP (and LLaVA's CLIP-ViT-L/336): shortest side, bicubic, center crop. */
  clip: { mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711], resize: 'crop', interpolation: 'bicubic' },
  /** SigLIP: stretched to the square size, bicubic, to [−1, 1]. */
  siglip: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: 'stretch', interpolation: 'bicubic' },
  /** torchvision ImageNet models (DINOv2, ResNets): shortest side, bilinear, center crop. */
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'crop', interpolation: 'bilinear' },
  /** Keras Applications' MobileNet / Inception `preprocess_input`: x / 127.5 − 1 (the default encoder's). */
  keras: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: 'crop', interpolation: 'bilinear' },
  /** x / 255 (the [0, 1] range some TensorFlow models take). */
  unit: { mean: [0, 0, 0], std: [1, 1, 1], resize: 'crop', interpolation: 'bilinear' },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
