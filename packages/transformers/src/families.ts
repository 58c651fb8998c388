import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

/**
 * Model families whose image path is verified with this adapter. In each, `encode_image` returns
 * [images, rows·cols (+ a CLS row), hidden] and every row fills one image-token placeholder of the
 * prompt; they differ only in how a prompt marks an image. Other families inherit the same code in
 * transformers.js but are refused until verified (idefics3/smolvlm tile images, qwen2_vl rewrites
 * positions).
 */
export const SUPPORTED_MODEL_TYPES = Object.freeze(['llava', 'llava_onevision', 'paligemma', 'gemma3'] as const);

export type SupportedModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/** What a family's prompt layout reads from the processor and tokenizer. */
export interface LayoutContext {
  readonly processorConfig: Record<string, unknown> | undefined;
  readonly tokenizerConfig: Record<string, unknown> | undefined;
  /** The tokenizer's BOS token text, if it has one. */
  readonly bosToken: string | undefined;
}

/** How one family marks images in a prompt, and the text its stock processor would tokenize. */
export interface FamilyLayout {
  /** What the caller writes where an image goes (`<image>`; gemma3: `<start_of_image>`). */
  readonly marker: string;
  /** The token each visual row becomes (its id is the config's `image_token_index`). */
  readonly placeholder: string;
  /** The prompt the tokenizer sees, with `counts[k]` placeholders for image k. */
  expand(text: string, counts: readonly number[]): string;
  /** Markers the caller must write for `images` images (paligemma may write none: they lead). */
  accepts(found: number, images: number): boolean;
}

export function assertSupportedFamily(modelType: unknown): SupportedModelType {
  if ((SUPPORTED_MODEL_TYPES as readonly unknown[]).includes(modelType)) return modelType as SupportedModelType;
  throw new MatryoshkaError(
    ErrorCode.UnsupportedModel,
    `model: model type '${String(modelType)}' is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')}); its image placeholders or features are laid out differently`,
    { argument: 'model' },
  );
}

/** Each placeholder run replaces its marker in place (llava, llava_onevision). */
function repeatLayout(marker: string): FamilyLayout {
  return {
    marker,
    placeholder: marker,
    expand: (text, counts) => replaceEach(text, marker, (k) => marker.repeat(counts[k]!)),
    accepts: (found, images) => found === images,
  };
}

/**
 * PaliGemmaProcessor's layout: image tokens lead (prepended when the prompt has no `<image>`),
 * BOS follows the last of them, and the prompt ends with a newline.
 */
function paligemmaLayout(ctx: LayoutContext): FamilyLayout {
  const marker = '<image>';
  const bos = ctx.bosToken ?? '';
  return {
    marker,
    placeholder: marker,
    expand: (text, counts) => {
      const marked = text.includes(marker) ? text : marker.repeat(counts.length) + text;
      const expanded = replaceEach(marked, marker, (k) => marker.repeat(counts[k]!));
      const last = expanded.lastIndexOf(marker);
      const at = last === -1 ? 0 : last + marker.length;
      return `${expanded.slice(0, at)}${bos}${expanded.slice(at)}\n`;
    },
    accepts: (found, images) => found === images || found === 0,
  };
}

/** Gemma3Processor's layout: each `<start_of_image>` becomes `\n\n<boi><image>×n<eoi>\n\n`. */
function gemma3Layout(ctx: LayoutContext): FamilyLayout {
  const t = ctx.tokenizerConfig ?? {};
  const boi = typeof t.boi_token === 'string' ? t.boi_token : '<start_of_image>';
  const eoi = typeof t.eoi_token === 'string' ? t.eoi_token : '<end_of_image>';
  const image = typeof t.image_token === 'string' ? t.image_token : '<image_soft_token>';
  return {
    marker: boi,
    placeholder: image,
    expand: (text, counts) => replaceEach(text, boi, (k) => `\n\n${boi}${image.repeat(counts[k]!)}${eoi}\n\n`),
    accepts: (found, images) => found === images,
  };
}

export function familyLayout(modelType: SupportedModelType, ctx: LayoutContext): FamilyLayout {
  switch (modelType) {
    case 'paligemma':
      return paligemmaLayout(ctx);
    case 'gemma3':
      return gemma3Layout(ctx);
    default: {
      const token = ctx.processorConfig?.image_token;
      return repeatLayout(typeof token === 'string' && token.length > 0 ? token : '<image>');
    }
  }
}

function replaceEach(text: string, marker: string, replacement: (k: number) => string): string {
  const parts = text.split(marker);
  let out = parts[0]!;
  for (let k = 1; k < parts.length; k++) out += replacement(k - 1) + parts[k]!;
  return out;
}
