import type { ResolvedVlmSpec } from './spec.js';
import { GEMMA_SPECIAL_TOKENS, IMAGE_TOKEN, familyTokenIds } from './tokenizer.js';

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];
const HALF = [0.5, 0.5, 0.5];

const ARCHITECTURES = {
  llava: 'LlavaForConditionalGeneration',
  llava_onevision: 'LlavaOnevisionForConditionalGeneration',
  paligemma: 'PaliGemmaForConditionalGeneration',
  gemma3: 'Gemma3ForConditionalGeneration',
} as const;

/** config.json: the fields transformers.js reads to pick the model class, sessions and KV cache. */
export function modelConfig(spec: ResolvedVlmSpec, externalData: readonly string[]): object {
  const { vision: v, text: t } = spec;
  const ids = familyTokenIds(spec.family);
  const jsConfig: Record<string, unknown> = { dtype: 'fp32' };
  // transformers.js loads `<file>_data` next to a model only when told to here (1 = one chunk).
  if (externalData.length > 0) jsConfig.use_external_data_format = Object.fromEntries(externalData.map((f) => [f, 1]));
  const llavaFields =
    spec.family === 'llava' || spec.family === 'llava_onevision'
      ? {
          projector_hidden_act: 'gelu',
          // The graph bakes the selection in: image_features already is what the language model sees.
          vision_feature_layer: -1,
          vision_feature_select_strategy: v.cls ? 'full' : 'default',
        }
      : {};
  const gemma3Fields =
    spec.family === 'gemma3'
      ? {
          boi_token_index: GEMMA_SPECIAL_TOKENS.startOfImage.id,
          eoi_token_index: GEMMA_SPECIAL_TOKENS.endOfImage.id,
          // Rows of image_features per image: the tower pools its patch grid to this many tokens.
          mm_tokens_per_image: spec.grid * spec.grid,
        }
      : {};
  return {
    model_type: spec.family,
    architectures: [ARCHITECTURES[spec.family]],
    image_token_index: ids.image,
    ...llavaFields,
    ...gemma3Fields,
    vocab_size: t.vocab,
    text_config: {
      // transformers.js builds the KV-cache inputs from this type ('gemma', 'gemma3_text': head_dim).
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
      bos_token_id: ids.bos,
      eos_token_id: ids.eos,
      ...(spec.family === 'paligemma' || spec.family === 'gemma3' ? { pad_token_id: ids.pad } : {}),
    },
    vision_config: {
      model_type: spec.family === 'llava' ? 'clip_vision_model' : 'siglip_vision_model',
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
  switch (spec.family) {
    case 'llava':
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
    case 'paligemma':
      // PaliGemmaProcessor reads image_seq_length from the image processor's config (it has no processor_config.json).
      return {
        processor_class: 'PaliGemmaProcessor',
        image_processor_type: 'SiglipImageProcessor',
        ...common,
        size: { height: s, width: s },
        image_mean: HALF,
        image_std: HALF,
        image_seq_length: spec.grid * spec.grid,
      };
    case 'gemma3':
      return {
        processor_class: 'Gemma3Processor',
        image_processor_type: 'Gemma3ImageProcessor',
        ...common,
        resample: 2,
        size: { height: s, width: s },
        image_mean: HALF,
        image_std: HALF,
        do_pan_and_scan: false,
      };
    default:
      // transformers.js's LlavaOnevisionImageProcessor is a plain resize to size × size (no anyres tiling).
      return { image_processor_type: 'LlavaOnevisionImageProcessor', ...common, size: { height: s, width: s }, image_mean: HALF, image_std: HALF };
  }
}

/** processor_config.json, or `undefined` where the family's processor reads none (PaliGemmaProcessor). */
export function processorConfig(spec: ResolvedVlmSpec): object | undefined {
  switch (spec.family) {
    case 'paligemma':
      return undefined;
    case 'gemma3':
      // Gemma3Processor expands every `<start_of_image>` to image_seq_length soft tokens.
      return { processor_class: 'Gemma3Processor', image_seq_length: spec.grid * spec.grid };
    default:
      return {
        ...(spec.family === 'llava' ? { processor_class: 'LlavaProcessor' } : {}),
        image_token: IMAGE_TOKEN,
        patch_size: spec.vision.patchSize,
        num_additional_image_tokens: spec.vision.cls ? 1 : 0,
        vision_feature_select_strategy: spec.vision.cls ? 'full' : 'default',
      };
  }
}

/**
 * chat_template.jinja, which Gemma3Processor loads (and fails without). A short Gemma-style turn
 * template: an image content part becomes `<start_of_image>`; BOS comes from the tokenizer.
 */
export function chatTemplate(spec: ResolvedVlmSpec): string | undefined {
  if (spec.family !== 'gemma3') return undefined;
  return [
    '{%- for message in messages -%}',
    "{{ '<start_of_turn>' + ('model' if message['role'] == 'assistant' else message['role']) + '\\n' }}",
    "{%- if message['content'] is string -%}{{ message['content'] }}{%- else -%}",
    "{%- for item in message['content'] -%}",
    "{%- if item['type'] == 'image' -%}{{ '<start_of_image>' }}{%- elif item['type'] == 'text' -%}{{ item['text'] }}{%- endif -%}",
    '{%- endfor -%}{%- endif -%}',
    "{{ '<end_of_turn>\\n' }}",
    '{%- endfor -%}',
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\\n' }}{%- endif -%}",
    '',
  ].join('\n');
}

export function generationConfig(spec: ResolvedVlmSpec): object {
  const ids = familyTokenIds(spec.family);
  return { bos_token_id: ids.bos, eos_token_id: ids.eos, pad_token_id: ids.pad, do_sample: false };
}
