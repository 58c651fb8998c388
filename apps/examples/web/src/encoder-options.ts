import type { LoadEncoderOptions } from '@matryoshka/encoders';

/**
 * What `loadEncoder()` sets up by itself for the built-in default, spelled out because the page
 * passes the graph as bytes (packages/encoders/src/encoder/load-encoder.ts): the `pixel_values`
 * input (NCHW, dynamic size → 384×384), Keras preprocessing (x / 127.5 − 1, shortest side, bilinear,
 * centre crop), and the `block_13_expand_relu` output, which the converter transposed to NHWC —
 * left to inference, a non-default NCHW model would have its output read as NCHW.
 */
export const DEFAULT_ENCODER_OPTIONS = {
  input: 'pixel_values',
  output: 'block_13_expand_relu',
  inputLayout: 'nchw',
  outputLayout: 'nhwc',
  imageSize: 384,
  preprocess: { preset: 'keras' },
} as const satisfies LoadEncoderOptions;
