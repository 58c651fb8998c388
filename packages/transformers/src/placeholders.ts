import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import type { FamilyLayout } from './families.js';
import type { TensorLike } from './internals.js';

/** The tokenizer call of transformers.js (`PreTrainedTokenizer` is callable). */
export type TokenizerLike = ((text: string, options?: Record<string, unknown>) => { input_ids: TensorLike; attention_mask: TensorLike }) & object;

/** How many `marker`s the prompt has. */
export function countMarkers(text: string, marker: string): number {
  return text.split(marker).length - 1;
}

/** Checks that the prompt marks the images as its family expects, before any session runs. */
export function checkMarkers(text: string, layout: FamilyLayout, images: number): void {
  const found = countMarkers(text, layout.marker);
  if (!layout.accepts(found, images)) {
    throw new MatryoshkaError(
      ErrorCode.ShapeMismatch,
      `text: the prompt has ${found} '${layout.marker}' placeholder${found === 1 ? '' : 's'} for ${images} image${images === 1 ? '' : 's'}; put one '${layout.marker}' where each image goes, in order`,
      { argument: 'text' },
    );
  }
}

/**
 * Tokenizes the expanded prompt the way the stock processor does (same call, same special
 * tokens) and proves every placeholder became exactly one `imageTokenId`.
 */
export function tokenizeExpanded(tokenizer: TokenizerLike, text: string, imageTokenId: number, expected: number, modelType: string, placeholder: string) {
  const encoded = tokenizer(text);
  const ids = encoded.input_ids.data;
  const id = BigInt(imageTokenId);
  let found = 0;
  for (let i = 0; i < ids.length; i++) if (BigInt(ids[i]!) === id) found++;
  if (found !== expected) {
    throw new MatryoshkaError(
      ErrorCode.UnsupportedModel,
      `model: the '${modelType}' tokenizer turned ${expected} '${placeholder}' placeholders into ${found} tokens of id ${imageTokenId} (config image_token_index); '${placeholder}' must be one special token`,
      { argument: 'model' },
    );
  }
  return encoded;
}
