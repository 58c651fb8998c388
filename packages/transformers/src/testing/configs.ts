import type { ResolvedVlmSpec } from './spec.js';
import { IMAGE_TOKEN, SPECIAL_TOKENS } from './tokenizer.js';

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** config.json: the fields transformers.js reads to pick the model class, sessions and KV cache. */
export function modelConfig(spec: ResolvedVlmSpec, externalData: readonly string[]): object {
  const { vision: v, text: t } = spec;
  const llava = spec.family === 'llava';
  const jsConfig: Record<string, unknown> = { dtype: 'fp32' };
  // transformers.js loads `<file>_data` next to a model only when told to here (1 = one chunk).
  if (externalData.length > 0) jsConfig.use_external_data_format = Object.fromEntries(externalData.map((f) => [f, 1]));
  return {
    model_type: spec.family,
    architectures: [llava ? 'LlavaForConditionalGeneration' : 'LlavaOnevisionForConditionalGeneration'],
    image_token_index: SPECIAL_TOKENS.image.id,
    projector_hidden_act: 'gelu',
    // The graph bakes the selection in: image_features already is what the language model sees.
    vision_feature_layer: -1,
    vision_feature_select_strategy: v.cls ? 'full' : 'default',
    vocab_size: t.vocab,
    text_config: {
      model_type: t.modelType,
      hidden_size: t.hidden,
      num_hidden_layers: t.layers,
      num_attention_heads: t.heads,
      num_key_value_heads: t.kvHeads,
      head_dim: t.headDim,
      intermediate_size: t.intermediate,
      hidden_act: 'silu',
      max_position_embeddings: t.maxPositions,
      rope_theta: t.ropeTheta,
      rms_norm_eps: t.rmsNormEps,
      vocab_size: t.vocab,
      tie_word_embeddings: false,
      bos_token_id: SPECIAL_TOKENS.endOfText.id,
      eos_token_id: SPECIAL_TOKENS.imEnd.id,
    },
    vision_config: {
      model_type: llava ? 'clip_vision_model' : 'siglip_vision_model',
      image_size: v.imageSize,
      patch_size: v.patchSize,
      hidden_size: v.hidden,
      num_hidden_layers: v.layers,
      num_attention_heads: v.heads,
      intermediate_size: v.intermediate,
    },
    'transformers.js_config': jsConfig,
  };
}

export function preprocessorConfig(spec: ResolvedVlmSpec): object {
  const s = spec.vision.imageSize;
  const common = { do_resize: true, resample: 3, do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, do_convert_rgb: true };
  if (spec.family === 'llava') {
    return {
      processor_class: 'LlavaProcessor',
      image_processor_type: 'CLIPImageProcessor',
      ...common,
      size: { shortest_edge: s },
      do_center_crop: true,
      crop_size: { height: s, width: s },
      image_mean: CLIP_MEAN,
      image_std: CLIP_STD,
    };
  }
  // transformers.js's LlavaOnevisionImageProcessor is a plain resize to size × size (no anyres tiling).
  return { image_processor_type: 'LlavaOnevisionImageProcessor', ...common, size: { height: s, width: s }, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] };
}

export function processorConfig(spec: ResolvedVlmSpec): object {
  return {
    ...(spec.family === 'llava' ? { processor_class: 'LlavaProcessor' } : {}),
    image_token: IMAGE_TOKEN,
    patch_size: spec.vision.patchSize,
    num_additional_image_tokens: spec.vision.cls ? 1 : 0,
    vision_feature_select_strategy: spec.vision.cls ? 'full' : 'default',
  };
}

export function generationConfig(): object {
  return { bos_token_id: SPECIAL_TOKENS.endOfText.id, eos_token_id: SPECIAL_TOKENS.imEnd.id, pad_token_id: SPECIAL_TOKENS.endOfText.id, do_sample: false };
}
