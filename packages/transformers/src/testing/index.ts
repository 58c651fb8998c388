/**
 * `@matryoshka/transformers/testing` (Node only): writes small or benchmark-sized VLM model folders
 * with seeded random weights in the exact layout transformers.js loads from disk.
 */
export { writeVlmFolder, type SessionName, type VlmFolderInfo, type WriteVlmFolderOptions } from './write-folder.js';
export {
  LLAVA_1_5_7B,
  LLAVA_ONEVISION_0_5B,
  TINY_LLAVA,
  TINY_ONEVISION,
  resolveVlmSpec,
  type ResolvedVlmSpec,
  type TextModelType,
  type TextSpec,
  type VisionSpec,
  type VlmFamily,
  type VlmSpec,
} from './spec.js';
export { IMAGE_TOKEN, SPECIAL_TOKENS, TOKENIZER_SIZE } from './tokenizer.js';
