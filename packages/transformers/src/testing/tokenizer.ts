import type { VlmFamily } from './spec.js';

/**
 * A byte-level BPE tokenizer with no merges: every UTF-8 byte is one token (ids 0–255, in GPT-2's
 * byte-to-unicode alphabet) and the family's special tokens follow. Small, offline, and accepted
 * by transformers.js (as a Qwen2 tokenizer for llava/llava_onevision, a Gemma one for
 * paligemma/gemma3).
 */
export interface SpecialToken {
  readonly id: number;
  readonly content: string;
}

/** The llava and llava_onevision special tokens (ChatML turns, `<image>` placeholder). */
export const SPECIAL_TOKENS = Object.freeze({
  endOfText: { id: 256, content: '<|endoftext|>' },
  imStart: { id: 257, content: '<|im_start|>' },
  imEnd: { id: 258, content: '<|im_end|>' },
  image: { id: 259, content: '<image>' },
});

export const IMAGE_TOKEN = SPECIAL_TOKENS.image.content;
/** Tokens of the llava/llava_onevision tokenizer (256 bytes + 4 special). */
export const TOKENIZER_SIZE = 260;

/**
 * The paligemma and gemma3 special tokens, named as Gemma's tokenizers name them. PaliGemma's
 * placeholder is `<image>`; Gemma3's prompt marker is `<start_of_image>`, which its processor
 * expands to `<start_of_image>`, `<image_soft_token>` × mm_tokens_per_image, `<end_of_image>`.
 */
export const GEMMA_SPECIAL_TOKENS = Object.freeze({
  pad: { id: 256, content: '<pad>' },
  eos: { id: 257, content: '<eos>' },
  bos: { id: 258, content: '<bos>' },
  startOfTurn: { id: 259, content: '<start_of_turn>' },
  endOfTurn: { id: 260, content: '<end_of_turn>' },
  image: { id: 261, content: '<image>' },
  startOfImage: { id: 262, content: '<start_of_image>' },
  endOfImage: { id: 263, content: '<end_of_image>' },
  imageSoft: { id: 264, content: '<image_soft_token>' },
});

/** Tokens of the paligemma/gemma3 tokenizer (256 bytes + 9 special). */
export const GEMMA_TOKENIZER_SIZE = 265;

const isGemma = (family: VlmFamily): boolean => family === 'paligemma' || family === 'gemma3';

/** The special tokens a family's tokenizer carries. */
export function specialTokensOf(family: VlmFamily): readonly SpecialToken[] {
  return Object.values(isGemma(family) ? GEMMA_SPECIAL_TOKENS : SPECIAL_TOKENS);
}

export function tokenizerSizeOf(family: VlmFamily): number {
  return isGemma(family) ? GEMMA_TOKENIZER_SIZE : TOKENIZER_SIZE;
}

/** Ids a family's folder uses: its image placeholder, end of sequence and padding. */
export function familyTokenIds(family: VlmFamily): { image: number; bos: number; eos: number; pad: number } {
  const g = GEMMA_SPECIAL_TOKENS;
  if (family === 'paligemma') return { image: g.image.id, bos: g.bos.id, eos: g.eos.id, pad: g.pad.id };
  if (family === 'gemma3') return { image: g.imageSoft.id, bos: g.bos.id, eos: g.eos.id, pad: g.pad.id };
  // Qwen-style: no BOS token; `<|endoftext|>` stands in for it in the configs.
  return { image: SPECIAL_TOKENS.image.id, bos: SPECIAL_TOKENS.endOfText.id, eos: SPECIAL_TOKENS.imEnd.id, pad: SPECIAL_TOKENS.endOfText.id };
}

/** GPT-2's reversible map from bytes to printable code points (what ByteLevel pre-tokenizers use). */
function byteAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : 256 + extra++));
  return out;
}

export function tokenizerJson(family: VlmFamily = 'llava'): object {
  const vocab: Record<string, number> = {};
  byteAlphabet().forEach((ch, id) => (vocab[ch] = id));
  const special = specialTokensOf(family);
  for (const t of special) vocab[t.content] = t.id;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };
  // Gemma3's tokenizer puts `<bos>` first itself (its processor passes the prompt through
  // unchanged); PaliGemma's processor writes `<bos>` after the image tokens, so its tokenizer adds none.
  const bos = GEMMA_SPECIAL_TOKENS.bos;
  const postProcessor =
    family === 'gemma3'
      ? {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: bos.content, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: { id: bos.content, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { [bos.content]: { id: bos.content, ids: [bos.id], tokens: [bos.content] } },
        }
      : byteLevel;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'NFC' },
    pre_tokenizer: byteLevel,
    post_processor: postProcessor,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

export function tokenizerConfigJson(family: VlmFamily = 'llava'): object {
  const decoder: Record<string, object> = {};
  for (const t of specialTokensOf(family)) {
    decoder[String(t.id)] = { content: t.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
  }
  if (isGemma(family)) {
    const g = GEMMA_SPECIAL_TOKENS;
    return {
      tokenizer_class: 'GemmaTokenizer',
      added_tokens_decoder: decoder,
      bos_token: g.bos.content,
      eos_token: g.eos.content,
      pad_token: g.pad.content,
      unk_token: null,
      // Gemma3Processor reads these three from the tokenizer config.
      ...(family === 'gemma3' ? { boi_token: g.startOfImage.content, eoi_token: g.endOfImage.content, image_token: g.imageSoft.content } : {}),
      model_max_length: 8192,
      clean_up_tokenization_spaces: false,
      split_special_tokens: false,
    };
  }
  return {
    tokenizer_class: 'Qwen2Tokenizer',
    added_tokens_decoder: decoder,
    bos_token: null,
    eos_token: SPECIAL_TOKENS.imEnd.content,
    pad_token: SPECIAL_TOKENS.endOfText.content,
    unk_token: null,
    model_max_length: 32768,
    clean_up_tokenization_spaces: false,
    errors: 'replace',
    split_special_tokens: false,
  };
}
