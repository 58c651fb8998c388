/**
 * A byte-level BPE tokenizer with no merges: every UTF-8 byte is one token (ids 0–255, in GPT-2's
 * byte-to-unicode alphabet) and four special tokens follow. Small, offline, and accepted by
 * transformers.js as a Qwen2 tokenizer.
 */
export const SPECIAL_TOKENS = Object.freeze({
  endOfText: { id: 256, content: '<|endoftext|>' },
  imStart: { id: 257, content: '<|im_start|>' },
  imEnd: { id: 258, content: '<|im_end|>' },
  image: { id: 259, content: '<image>' },
});

export const IMAGE_TOKEN = SPECIAL_TOKENS.image.content;
export const TOKENIZER_SIZE = 260;

/** GPT-2's reversible map from bytes to printable code points (what ByteLevel pre-tokenizers use). */
function byteAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : 256 + extra++));
  return out;
}

export function tokenizerJson(): object {
  const vocab: Record<string, number> = {};
  byteAlphabet().forEach((ch, id) => (vocab[ch] = id));
  const special = Object.values(SPECIAL_TOKENS);
  for (const t of special) vocab[t.content] = t.id;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'NFC' },
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
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

export function tokenizerConfigJson(): object {
  const decoder: Record<string, object> = {};
  for (const t of Object.values(SPECIAL_TOKENS)) {
    decoder[String(t.id)] = { content: t.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
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
