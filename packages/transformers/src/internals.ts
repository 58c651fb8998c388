import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

/**
 * Every transformers.js internal this adapter relies on, in one place (checked against
 * `@huggingface/transformers` 4.3.x; the peer range pins it). An upgrade that changes any of
 * them must fail loudly here or in `test/internals.test.ts`, never skip pooling silently.
 *
 * - `model.encode_image(inputs)` (`@internal`, modeling_utils.js): called once per prefill by
 *   `image_text_to_text_forward` → `generic_text_to_text_forward` with `{ pixel_values, ... }`;
 *   it returns the projector output `image_features` [images, rows, hidden] — where M3 pools.
 *   It is looked up on the instance at every call, so replacing it on the loaded model works
 *   (subclassing does not: `from_pretrained` on a user subclass loads an encoder-only model).
 * - The merge (`_merge_input_ids_with_image_features` → `default_merge_input_ids_with_features`)
 *   flattens the features to [rows, hidden] and scatters them, in order, onto the positions of
 *   `config.image_token_index` (or `image_token_id`) in `input_ids`; it throws "Number of tokens
 *   and features do not match" unless the counts agree. So this adapter owns the placeholder
 *   expansion: one placeholder per pooled row.
 * - `LlavaProcessor._call` expands only the first `<image>` of a prompt, to a count computed from
 *   the pixel size and `num_additional_image_tokens`; this adapter never calls it and tokenizes
 *   its own expansion with the processor's tokenizer (same call, same special tokens).
 * - `generate()` keeps only `forward_params` of its arguments (`input_ids`, `attention_mask`,
 *   `pixel_values`, …) and passes the same `pixel_values` object to `encode_image`: the pooled
 *   features are found again by that object's identity.
 */
export const TRANSFORMERS_INTERNALS = Object.freeze({
  encodeImage: 'encode_image',
  merge: '_merge_input_ids_with_image_features',
  mismatchMessage: 'Number of tokens and features do not match',
});

/** What the adapter needs of a loaded transformers.js model. */
export interface VlmModelLike {
  config: Record<string, unknown> & { model_type?: string };
  encode_image: (inputs: Record<string, unknown>) => Promise<TensorLike>;
  generate: (inputs: Record<string, unknown>) => Promise<unknown>;
}

/** The parts of a transformers.js `Tensor` the adapter reads. */
export interface TensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: ArrayLike<number | bigint> & { readonly length: number };
}

/** Refuses a model object that lacks the internals above, naming what is missing. */
export function assertModelInternals(model: unknown): asserts model is VlmModelLike {
  const m = model as Record<string, unknown> | null;
  const missing: string[] = [];
  // transformers.js models are callable objects (`typeof` 'function').
  if ((typeof m !== 'object' && typeof m !== 'function') || m === null) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `model: expected a loaded transformers.js model, got ${m === null ? 'null' : typeof m}`, {
      argument: 'model',
    });
  }
  if (typeof m.config !== 'object' || m.config === null) missing.push('config');
  if (typeof m[TRANSFORMERS_INTERNALS.encodeImage] !== 'function') missing.push(TRANSFORMERS_INTERNALS.encodeImage);
  if (typeof m[TRANSFORMERS_INTERNALS.merge] !== 'function') missing.push(TRANSFORMERS_INTERNALS.merge);
  if (typeof m.generate !== 'function') missing.push('generate');
  if (missing.length > 0) {
    const type = typeof m.config === 'object' && m.config !== null ? String((m.config as Record<string, unknown>).model_type) : 'unknown';
    throw new MatryoshkaError(
      ErrorCode.UnsupportedModel,
      `model: a '${type}' model without ${missing.join(', ')}; @matryoshka/transformers needs a transformers.js image-text-to-text model (e.g. LlavaForConditionalGeneration) from @huggingface/transformers >=4.3.2 <4.4.0`,
      { argument: 'model' },
    );
  }
}

/** True for transformers.js's own error when placeholders and features disagree. */
export function isMergeMismatch(error: unknown): boolean {
  return error instanceof Error && error.message.includes(TRANSFORMERS_INTERNALS.mismatchMessage);
}
