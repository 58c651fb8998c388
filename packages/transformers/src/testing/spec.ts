import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, oneOf, optionsObject, positiveInt } from '@matryoshka/core/backend';
import { tokenizerSizeOf } from './tokenizer.js';

export type VlmFamily = 'llava' | 'llava_onevision' | 'paligemma' | 'gemma3';
export const VLM_FAMILIES: readonly VlmFamily[] = Object.freeze(['llava', 'llava_onevision', 'paligemma', 'gemma3']);
/** The decoder's config type (`gemma` for paligemma, `gemma3_text` for gemma3: transformers.js builds the KV cache inputs from it). */
export type TextModelType = 'qwen2' | 'llama' | 'gemma' | 'gemma3_text';

export interface VisionSpec {
  /** Square input side S in pixels (`pixel_values [batch, 3, S, S]`); grid = floor(S / patchSize). */
  readonly imageSize: number;
  readonly patchSize: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  /** `image_features` keeps a leading class-token row: rows = grid² + 1. Default false. */
  readonly cls?: boolean;
  /**
   * k×k average pooling of the patch grid inside the tower, before the projector (Gemma3's tower
   * pools 64×64 patches to 16×16 tokens with k = 4). Default 1 (none); needs no class token.
   */
  readonly pool?: number;
}

export interface TextSpec {
  readonly modelType: TextModelType;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly intermediate: number;
  /** Vocabulary size; at least the tokenizer's 260 tokens. Default 512. */
  readonly vocab?: number;
}

export interface VlmSpec {
  readonly family: VlmFamily;
  readonly vision: VisionSpec;
  readonly text: TextSpec;
  /** Weight seed (uint32). Same spec and seed → byte-identical files. Default 0. */
  readonly seed?: number;
}

/** A spec with every default filled in and the derived sizes. */
export interface ResolvedVlmSpec {
  readonly family: VlmFamily;
  readonly vision: Required<VisionSpec>;
  readonly text: Required<TextSpec> & { readonly headDim: number; readonly ropeTheta: number; readonly rmsNormEps: number; readonly maxPositions: number };
  readonly seed: number;
  /** Patches per side: floor(imageSize / patchSize). */
  readonly patchGrid: number;
  /** Feature rows per side of `image_features`: patchGrid / pool. */
  readonly grid: number;
  /** Rows of `image_features` per image: grid² (+ 1 with cls). */
  readonly imageTokens: number;
}

const DEFAULT_VOCAB = 512;

/** LLaVA-1.5-style layout on a 24×24 grid (CLIP-336 preprocessing), tiny widths: loads and decodes in milliseconds. */
export const TINY_LLAVA: VlmSpec = Object.freeze({
  family: 'llava',
  vision: Object.freeze({ imageSize: 336, patchSize: 14, hidden: 32, layers: 2, heads: 2, intermediate: 64, cls: false }),
  text: Object.freeze({ modelType: 'llama', hidden: 64, layers: 2, heads: 4, kvHeads: 4, intermediate: 128, vocab: DEFAULT_VOCAB }),
  seed: 1,
}) as VlmSpec;

/** LLaVA-OneVision-style layout on a 27×27 grid (SigLIP-384 preprocessing), Qwen2 decoder with GQA, tiny widths. */
export const TINY_ONEVISION: VlmSpec = Object.freeze({
  family: 'llava_onevision',
  vision: Object.freeze({ imageSize: 384, patchSize: 14, hidden: 32, layers: 2, heads: 2, intermediate: 64, cls: false }),
  text: Object.freeze({ modelType: 'qwen2', hidden: 64, layers: 2, heads: 4, kvHeads: 2, intermediate: 128, vocab: DEFAULT_VOCAB }),
  seed: 2,
}) as VlmSpec;

/**
 * PaliGemma-style layout on a 16×16 grid (SigLIP-224/14 preprocessing, 256 image tokens), Gemma
 * decoder (text `model_type` 'gemma'), tiny widths.
 */
export const TINY_PALIGEMMA: VlmSpec = Object.freeze({
  family: 'paligemma',
  vision: Object.freeze({ imageSize: 224, patchSize: 14, hidden: 32, layers: 2, heads: 2, intermediate: 64, cls: false }),
  text: Object.freeze({ modelType: 'gemma', hidden: 64, layers: 2, heads: 4, kvHeads: 1, intermediate: 128, vocab: DEFAULT_VOCAB }),
  seed: 5,
}) as VlmSpec;

/**
 * Gemma3-style layout: a 448/14 tower (32×32 patches) that average-pools 2×2 inside the graph to
 * 16×16 = 256 rows per image (`mm_tokens_per_image` 256), as Gemma3's 896/14 tower pools 64×64 →
 * 16×16; Gemma3 text decoder ('gemma3_text'), tiny widths.
 */
export const TINY_GEMMA3: VlmSpec = Object.freeze({
  family: 'gemma3',
  vision: Object.freeze({ imageSize: 448, patchSize: 14, hidden: 32, layers: 2, heads: 2, intermediate: 64, cls: false, pool: 2 }),
  text: Object.freeze({ modelType: 'gemma3_text', hidden: 64, layers: 2, heads: 4, kvHeads: 2, intermediate: 128, vocab: DEFAULT_VOCAB }),
  seed: 6,
}) as VlmSpec;

/** LLaVA-OneVision-0.5B shapes: SigLIP-so400m/384 tower (27×27 = 729 tokens) and a Qwen2-0.5B decoder. */
export const LLAVA_ONEVISION_0_5B: VlmSpec = Object.freeze({
  family: 'llava_onevision',
  vision: Object.freeze({ imageSize: 384, patchSize: 14, hidden: 1152, layers: 27, heads: 16, intermediate: 4304, cls: false }),
  text: Object.freeze({ modelType: 'qwen2', hidden: 896, layers: 24, heads: 14, kvHeads: 2, intermediate: 4864, vocab: 151936 }),
  seed: 3,
}) as VlmSpec;

/**
 * LLaVA-1.5-7B shapes: CLIP-L/336 tower (24×24 = 576 tokens) and a Llama-7B decoder. 32 decoder
 * layers is ~26 GB of fp32 weights; benchmarks build it with fewer `text.layers` and scale.
 */
export const LLAVA_1_5_7B: VlmSpec = Object.freeze({
  family: 'llava',
  vision: Object.freeze({ imageSize: 336, patchSize: 14, hidden: 1024, layers: 24, heads: 16, intermediate: 4096, cls: false }),
  text: Object.freeze({ modelType: 'llama', hidden: 4096, layers: 32, heads: 32, kvHeads: 32, intermediate: 11008, vocab: 32064 }),
  seed: 4,
}) as VlmSpec;

function divisible(a: number, b: number, argument: string, what: string): void {
  if (a % b !== 0) throw argumentError(ErrorCode.InvalidArgument, argument, `${what}: ${a} is not a multiple of ${b}`);
}

/** Checks a spec and fills in its defaults; bad input throws a `MatryoshkaError` naming the field. */
export function resolveVlmSpec(spec: VlmSpec): ResolvedVlmSpec {
  const s = optionsObject(spec, 'spec');
  const family = oneOf(s.family, VLM_FAMILIES, 'spec.family');
  const v = optionsObject(s.vision, 'spec.vision');
  const t = optionsObject(s.text, 'spec.text');
  if (v.cls !== undefined && typeof v.cls !== 'boolean') {
    throw argumentError(ErrorCode.InvalidArgument, 'spec.vision.cls', `expected a boolean, got ${describe(v.cls)}`);
  }
  const vision = {
    imageSize: positiveInt(v.imageSize, 'spec.vision.imageSize'),
    patchSize: positiveInt(v.patchSize, 'spec.vision.patchSize'),
    hidden: positiveInt(v.hidden, 'spec.vision.hidden'),
    layers: positiveInt(v.layers, 'spec.vision.layers'),
    heads: positiveInt(v.heads, 'spec.vision.heads'),
    intermediate: positiveInt(v.intermediate, 'spec.vision.intermediate'),
    cls: v.cls ?? false,
    pool: v.pool === undefined ? 1 : positiveInt(v.pool, 'spec.vision.pool'),
  };
  if (vision.pool > 1 && vision.cls) {
    throw argumentError(ErrorCode.InvalidArgument, 'spec.vision.pool', 'a tower that pools its grid keeps no class token (set cls: false)');
  }
  if (vision.patchSize > vision.imageSize) {
    throw argumentError(ErrorCode.InvalidArgument, 'spec.vision.patchSize', `patch ${vision.patchSize} is larger than the ${vision.imageSize}-pixel image`);
  }
  divisible(vision.hidden, vision.heads, 'spec.vision.hidden', 'hidden must split evenly over heads');
  const modelType = oneOf(t.modelType, ['qwen2', 'llama', 'gemma', 'gemma3_text'] as const, 'spec.text.modelType');
  const hidden = positiveInt(t.hidden, 'spec.text.hidden');
  const heads = positiveInt(t.heads, 'spec.text.heads');
  const kvHeads = positiveInt(t.kvHeads, 'spec.text.kvHeads');
  divisible(hidden, heads, 'spec.text.hidden', 'hidden must split evenly over heads');
  divisible(heads, kvHeads, 'spec.text.heads', 'query heads must be a multiple of KV heads');
  const headDim = hidden / heads;
  divisible(headDim, 2, 'spec.text.hidden', 'rotary embeddings need an even head size (hidden / heads)');
  const vocab = t.vocab === undefined ? DEFAULT_VOCAB : positiveInt(t.vocab, 'spec.text.vocab');
  const tokenizerSize = tokenizerSizeOf(family);
  if (vocab < tokenizerSize) {
    throw argumentError(ErrorCode.InvalidArgument, 'spec.text.vocab', `must be at least the tokenizer's ${tokenizerSize} tokens, got ${vocab}`);
  }
  const seed = s.seed === undefined ? 0 : s.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw argumentError(ErrorCode.InvalidArgument, 'spec.seed', `expected an integer in [0, 2^32), got ${describe(seed)}`);
  }
  // A patch convolution without padding drops the remainder (SigLIP: 384 / 14 → 27).
  const patchGrid = Math.floor(vision.imageSize / vision.patchSize);
  divisible(patchGrid, vision.pool, 'spec.vision.pool', `the ${patchGrid}×${patchGrid} patch grid must split evenly into pool windows`);
  const grid = patchGrid / vision.pool;
  const gemma = modelType === 'gemma' || modelType === 'gemma3_text';
  return {
    family,
    vision,
    text: {
      modelType,
      hidden,
      layers: positiveInt(t.layers, 'spec.text.layers'),
      heads,
      kvHeads,
      intermediate: positiveInt(t.intermediate, 'spec.text.intermediate'),
      vocab,
      headDim,
      ropeTheta: modelType === 'qwen2' || modelType === 'gemma3_text' ? 1_000_000 : 10_000,
      rmsNormEps: modelType === 'llama' ? 1e-5 : 1e-6,
      maxPositions: modelType === 'qwen2' ? 32768 : gemma ? 8192 : 4096,
    },
    seed,
    patchGrid,
    grid,
    imageTokens: grid * grid + (vision.cls ? 1 : 0),
  };
}
