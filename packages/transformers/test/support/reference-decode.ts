import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planLevels, tokenGrid, type PoolingMode } from '@matryoshka/core';
import { buildPyramid } from '@matryoshka/pooling';
import * as ort from 'onnxruntime-node';

/**
 * An independent greedy decoder for generated VLM folders: raw onnxruntime-node sessions, no
 * transformers.js. It embeds the prompt, encodes the images, pools each image's features on the
 * CPU pyramid (a class-token row stays first and unpooled; the full count is not pooled at all),
 * scatters the rows into the placeholder positions in order, then decodes greedily with the KV cache.
 */
export interface PixelValues {
  readonly data: Float32Array;
  /** `[images, 3, S, S]`. */
  readonly dims: readonly number[];
}

export interface ReferenceDecodeOptions {
  /** Prompt ids with every image's placeholder already expanded to its pooled row count. */
  readonly inputIds: readonly number[];
  readonly pixelValues?: PixelValues;
  /** Requested tokens per image (grid part, without the class row); default the full grid. */
  readonly tokens?: readonly number[];
  /** Default `'m3'`. */
  readonly mode?: PoolingMode;
  readonly maxNewTokens: number;
  /** Stop after emitting this id (it is included, as transformers.js does); default: never stop. */
  readonly eosTokenId?: number;
}

export interface ReferenceDecodeResult {
  /** The new tokens only. */
  readonly ids: number[];
  /** The prompt embeddings after the image rows were scattered in, `[promptLength, hidden]`. */
  readonly promptEmbeds: Float32Array;
}

interface FolderMeta {
  readonly imageTokenId: number;
  /** Feature rows per side of `image_features` (after any pooling inside the tower). */
  readonly grid: number;
  /**
   * The position of the first prompt token. transformers.js's `decoder_forward` starts positions
   * at 1 for paligemma and gemma3 (model types 'paligemma', 'gemma3', 'gemma3_text'), at 0 otherwise.
   */
  readonly positionStart: number;
  readonly cls: boolean;
  readonly hidden: number;
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

/** Rows one image contributes for a requested count (class row included). */
export function pooledRows(grid: number, cls: boolean, requested: number, mode: PoolingMode = 'm3'): number {
  const tokens = requested === grid * grid ? requested : planLevels({ rows: grid, cols: grid }, { scales: [requested], mode })[0]!.tokens;
  return tokens + (cls ? 1 : 0);
}

function argmax(data: Float32Array, offset: number, length: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = data[offset + i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

const int64 = (values: readonly number[], dims: readonly number[]): ort.Tensor =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );

export class ReferenceModel {
  private constructor(
    readonly meta: FolderMeta,
    private readonly embed: ort.InferenceSession,
    private readonly vision: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
  ) {}

  /** `positionStart` overrides the folder's first position (to show a wrong start decodes differently). */
  static async load(folder: string, overrides: { positionStart?: number } = {}): Promise<ReferenceModel> {
    const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8'));
    // PaliGemma folders have no processor_config.json (their processor reads none).
    const processor = JSON.parse(await readFile(join(folder, 'processor_config.json'), 'utf8').catch(() => '{}'));
    const t = config.text_config;
    // Gemma3 towers pool inside and state their rows per image; the others give one row per patch.
    const perImage: number | undefined = config.mm_tokens_per_image;
    const meta: FolderMeta = {
      imageTokenId: config.image_token_index,
      grid: perImage !== undefined ? Math.round(Math.sqrt(perImage)) : Math.floor(config.vision_config.image_size / config.vision_config.patch_size),
      positionStart: overrides.positionStart ?? (['paligemma', 'gemma3', 'gemma3_text'].includes(config.model_type) ? 1 : 0),
      cls: processor.num_additional_image_tokens === 1,
      hidden: t.hidden_size,
      layers: t.num_hidden_layers,
      kvHeads: t.num_key_value_heads,
      headDim: t.head_dim ?? t.hidden_size / t.num_attention_heads,
    };
    const open = (name: string): Promise<ort.InferenceSession> => ort.InferenceSession.create(join(folder, 'onnx', `${name}.onnx`));
    return new ReferenceModel(meta, await open('embed_tokens'), await open('vision_encoder'), await open('decoder_model_merged'));
  }

  async release(): Promise<void> {
    await Promise.all([this.embed.release(), this.vision.release(), this.decoder.release()]);
  }

  async embedIds(ids: readonly number[]): Promise<Float32Array> {
    const out = await this.embed.run({ input_ids: int64(ids, [1, ids.length]) });
    return out.inputs_embeds!.data as Float32Array;
  }

  /** `image_features` of every image: `[images][rows][hidden]`, flattened. */
  async encodeImages(pixels: PixelValues): Promise<Float32Array> {
    const out = await this.vision.run({ pixel_values: new ort.Tensor('float32', pixels.data, pixels.dims) });
    return out.image_features!.data as Float32Array;
  }

  /** Each image's rows after pooling to `tokens[i]`, concatenated in image order. */
  pool(features: Float32Array, images: number, tokens: readonly number[], mode: PoolingMode): Float32Array {
    const { grid, cls, hidden } = this.meta;
    const rows = grid * grid + (cls ? 1 : 0);
    const parts: Float32Array[] = [];
    for (let i = 0; i < images; i++) {
      const image = features.subarray(i * rows * hidden, (i + 1) * rows * hidden);
      if (cls) parts.push(image.subarray(0, hidden));
      const cells = image.subarray(cls ? hidden : 0);
      const requested = tokens[i] ?? grid * grid;
      if (requested === grid * grid) {
        parts.push(cells);
      } else {
        const pyramid = buildPyramid(tokenGrid(Float32Array.from(cells), { rows: grid, cols: grid, channels: hidden }), { scales: [requested], mode });
        parts.push(pyramid.levels[0]!.data);
      }
    }
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  /** Prompt embeddings with the (pooled) image rows written over the placeholders, in order. */
  async promptEmbeds(options: Pick<ReferenceDecodeOptions, 'inputIds' | 'pixelValues' | 'tokens' | 'mode'>): Promise<Float32Array> {
    const { hidden, imageTokenId } = this.meta;
    const embeds = Float32Array.from(await this.embedIds(options.inputIds));
    const positions = options.inputIds.flatMap((id, i) => (id === imageTokenId ? [i] : []));
    if (options.pixelValues === undefined) {
      if (positions.length > 0) throw new Error(`${positions.length} image placeholders but no pixel values`);
      return embeds;
    }
    const images = options.pixelValues.dims[0]!;
    const rows = this.pool(await this.encodeImages(options.pixelValues), images, options.tokens ?? [], options.mode ?? 'm3');
    if (rows.length !== positions.length * hidden) {
      throw new Error(`placeholders (${positions.length}) and pooled image rows (${rows.length / hidden}) differ`);
    }
    positions.forEach((p, r) => embeds.set(rows.subarray(r * hidden, (r + 1) * hidden), p * hidden));
    return embeds;
  }

  /** One decoder call; returns the last `keep` positions' logits (all when keep = 0) and the cache. */
  async step(embeds: Float32Array, past: ort.Tensor[] | null, pastLength: number, keep: number): Promise<{ logits: Float32Array; present: ort.Tensor[] }> {
    const { hidden, layers, kvHeads, headDim } = this.meta;
    const seq = embeds.length / hidden;
    const total = pastLength + seq;
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', embeds, [1, seq, hidden]),
      attention_mask: int64(new Array<number>(total).fill(1), [1, total]),
      position_ids: int64(
        Array.from({ length: seq }, (_, i) => this.meta.positionStart + pastLength + i),
        [1, seq],
      ),
      num_logits_to_keep: int64([keep], []),
    };
    for (let i = 0; i < layers; i++) {
      const empty = (): ort.Tensor => new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
      feeds[`past_key_values.${i}.key`] = past?.[2 * i] ?? empty();
      feeds[`past_key_values.${i}.value`] = past?.[2 * i + 1] ?? empty();
    }
    const out = await this.decoder.run(feeds);
    const present: ort.Tensor[] = [];
    for (let i = 0; i < layers; i++) present.push(out[`present.${i}.key`]!, out[`present.${i}.value`]!);
    return { logits: out.logits!.data as Float32Array, present };
  }

  async decode(options: ReferenceDecodeOptions): Promise<ReferenceDecodeResult> {
    const promptEmbeds = await this.promptEmbeds(options);
    const ids: number[] = [];
    let { logits, present } = await this.step(promptEmbeds, null, 0, 1);
    // Batch 1 and one kept position: the logits are exactly one vocabulary row.
    const vocab = logits.length;
    let length = options.inputIds.length;
    for (;;) {
      const next = argmax(logits, 0, vocab);
      ids.push(next);
      if (ids.length >= options.maxNewTokens || next === options.eosTokenId) break;
      ({ logits, present } = await this.step(await this.embedIds([next]), present, length, 1));
      length += 1;
    }
    return { ids, promptEmbeds };
  }

  /**
   * Greedy ids recomputed without the cache: the whole sequence (prompt + `generated`) in one call,
   * the argmax at every position from the prompt's last on. Equal to `generated` iff the cached
   * decode attends exactly as a full causal pass does.
   */
  async recomputeWithoutCache(promptEmbeds: Float32Array, generated: readonly number[]): Promise<number[]> {
    const tail = generated.length > 1 ? await this.embedIds(generated.slice(0, -1)) : new Float32Array(0);
    const all = new Float32Array(promptEmbeds.length + tail.length);
    all.set(promptEmbeds);
    all.set(tail, promptEmbeds.length);
    const { logits } = await this.step(all, null, 0, generated.length);
    const vocab = logits.length / generated.length;
    return generated.map((_, i) => argmax(logits, i * vocab, vocab));
  }
}

/** One-shot helper: load `folder`, decode, release. */
export async function referenceDecode(folder: string, options: ReferenceDecodeOptions): Promise<number[]> {
  const model = await ReferenceModel.load(folder);
  try {
    return (await model.decode(options)).ids;
  } finally {
    await model.release();
  }
}

/** Stock behaviour: every image at its full grid (no pooling). */
export async function stockDecode(folder: string, options: Omit<ReferenceDecodeOptions, 'tokens'>): Promise<number[]> {
  return referenceDecode(folder, options);
}
