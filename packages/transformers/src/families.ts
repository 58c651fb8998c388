import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

/**
 * Model families whose image path is verified with this adapter: the image features come from
 * `encode_image` as [images, rows·cols (+ a CLS row), hidden], and each row fills one `<image>`
 * placeholder of the prompt. Other families inherit the same code in transformers.js but insert
 * images differently (gemma3's begin/end tokens, paligemma's prefix, idefics3's tiles, qwen2_vl's
 * M-RoPE) and are refused until verified.
 */
export const SUPPORTED_MODEL_TYPES = Object.freeze(['llava', 'llava_onevision'] as const);

export type SupportedModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

export function assertSupportedFamily(modelType: unknown): SupportedModelType {
  if ((SUPPORTED_MODEL_TYPES as readonly unknown[]).includes(modelType)) return modelType as SupportedModelType;
  throw new MatryoshkaError(
    ErrorCode.UnsupportedModel,
    `model: model type '${String(modelType)}' is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')}); its image placeholders or features are laid out differently`,
    { argument: 'model' },
  );
}
