/**
 * `@matryoshka/transformers/testing` (Node only): writes small or benchmark-sized VLM model folders
 * with seeded random weights in the exact layout transformers.js loads from disk.
 */
export { writeVlmFolder, type SessionName, type VlmFolderInfo, type WriteVlmFolderOptions } from './write-folder.js';
export {
  LLAVA_1_5_7B,
  LLAVA_ONEVISION_0_5B,
  TINY_GEMMA3,
  TINY_LLAVA,
  TINY_ONEVISION,
  TINY_PALIGEMMA,
  VLM_FAMILIES,
  resolveVlmSpec,
  type ResolvedVlmSpec,
  type TextModelType,
  type TextSpec,
  type VisionSpec,
  type VlmFamily,
  type VlmSpec,
} from './spec.js';
export { GEMMA_SPECIAL_TOKENS, GEMMA_TOKENIZER_SIZE, IMAGE_TOKEN, SPECIAL_TOKENS, TOKENIZER_SIZE, type SpecialToken } from './tokenizer.js';
