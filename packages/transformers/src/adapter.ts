import { DEFAULT_SCALES, ErrorCode, MatryoshkaError, POOLING_MODES, type Backend, type PoolingMode } from '@matryoshka/core';
import { describe, oneOf } from '@matryoshka/core/backend';
import { resolveBackend, type BackendOption } from './backend.js';
import { featureFrames, featureTensor, imagePyramids, poolFrames } from './features.js';
import { assertSupportedFamily, familyLayout, type FamilyLayout, type SupportedModelType } from './families.js';
import { gridFromConfig, inferGrid, type FeatureGrid, type GridOverride } from './grid.js';
import { installHook, releaseHook, rememberFeatures, timesUsed } from './hook.js';
import { assertModelInternals, isMergeMismatch, type TensorLike } from './internals.js';
import { checkMarkers, tokenizeExpanded, type TokenizerLike } from './placeholders.js';
import { checkCount, fixedCounts, isPolicy, planCount, type PlannedCount, type TokenCount, type TokensOption } from './tokens.js';

export interface MatryoshkaOptions {
  /** Where pooling runs. Default `'cpu'`. */
  backend?: BackendOption;
  /** How a count becomes windows (core's pooling modes). Default `'m3'`, the released checkpoints' rule. */
  mode?: PoolingMode;
  /** Tokens for calls that name none. Default `null`: every token, the stock model exactly. */
  tokens?: TokensOption;
  /** The tokenizer, when the processor has none (transformers.js has no llava_onevision processor). */
  tokenizer?: unknown;
  /** The grid of a vision encoder whose grid cannot be inferred (non-square patches). */
  grid?: GridOverride;
  /** The levels a policy sees. Default `[576, 144, 36, 9, 1]` (the full grid, then M3's scales). */
  policyScales?: readonly number[];
}

/** Images as the model's image processor takes them (`RawImage`s), or paths/URLs to read. */
export type ImageInput = unknown;

export interface PrepareRequest {
  /** The prompt, chat template already applied, with one image placeholder (`<image>`) per image. */
  text: string;
  images?: ImageInput | readonly ImageInput[];
  /** Tokens for this call; default the adapter's `tokens` option. */
  tokens?: TokensOption;
}

export interface PrepareTimings {
  /** Image decoding and resizing (the model's image processor). */
  readonly preprocessMs: number;
  /** The vision tower and projector (`encode_image`). */
  readonly encodeMs: number;
  /** Pooling, policy included. */
  readonly poolMs: number;
}

/** What `prepare` returns: spread it into `model.generate(...)`. The extra fields do not spread. */
export interface PreparedInputs {
  input_ids: TensorLike;
  attention_mask: TensorLike;
  pixel_values?: TensorLike;
  /** Rows each image gives the language model (a CLS row, if the encoder keeps one, included). */
  readonly visualTokens: readonly number[];
  /** The counts asked for, per image (`null`: every token). */
  readonly requestedTokens: readonly TokenCount[];
  /** The patch grid the features were mapped to (`undefined` without images). */
  readonly grid: FeatureGrid | undefined;
  readonly timings: PrepareTimings;
}

export interface GenerateRequest extends PrepareRequest {
  /** Any other `model.generate` option (`max_new_tokens`, `do_sample`, `streamer`, …). */
  [option: string]: unknown;
}

export interface MatryoshkaVlm {
  readonly model: unknown;
  readonly modelType: string;
  /** What a prompt writes where an image goes: `<image>`; gemma3 `<start_of_image>`. */
  readonly imageMarker: string;
  /** Tokenizes the prompt with one placeholder per pooled token and pools the images' features. */
  prepare(request: PrepareRequest): Promise<PreparedInputs>;
  /** `prepare`, then `model.generate`; resolves to what `model.generate` resolves to (the ids). */
  generate(request: GenerateRequest): Promise<unknown>;
  /** Restores the model's own `encode_image` (once every adapter on it is disposed). */
  dispose(): void;
  [Symbol.dispose](): void;
}

interface ProcessorLike {
  readonly config?: Record<string, unknown>;
  readonly tokenizer?: unknown;
  readonly image_processor?: unknown;
}

/**
 * Wraps a loaded transformers.js VLM so its images reach the language model as Matryoshka tokens:
 * the projected image features are pooled on a Matryoshka backend and the prompt carries exactly
 * one placeholder per pooled row. `processor` is the model's processor (or image processor, with
 * `options.tokenizer`).
 */
export function withMatryoshka(model: unknown, processor: unknown, options: MatryoshkaOptions = {}): MatryoshkaVlm {
  assertModelInternals(model);
  const modelType = assertSupportedFamily(model.config.model_type);
  const o = checkOptions(options);
  const parts = processorParts(processor, o.tokenizer, modelType);
  const imageTokenId = imageTokenIdOf(model.config, modelType);
  const encode = installHook(model);
  let disposed = false;
  let backend: Promise<Backend<unknown>> | undefined;

  const prepare = async (request: PrepareRequest): Promise<PreparedInputs> => {
    if (disposed) throw new MatryoshkaError(ErrorCode.Disposed, 'this Matryoshka VLM adapter was disposed and cannot be used');
    const r = checkRequest(request);
    const images = r.images;
    checkMarkers(r.text, parts.layout, images.length);
    const tokens = r.tokens === undefined ? o.tokens : r.tokens;
    const fixed = isPolicy(tokens) ? undefined : fixedCounts(tokens, images.length);
    const started = performance.now();
    if (images.length === 0) {
      // The family's layout still applies (paligemma: BOS first, a trailing newline).
      const encoded = tokenizeExpanded(parts.tokenizer, parts.layout.expand(r.text, []), imageTokenId, 0, modelType, parts.layout.placeholder);
      return finish({ ...encoded }, [], [], undefined, { preprocessMs: 0, encodeMs: 0, poolMs: 0 });
    }

    const pixels = await preprocess(parts.imageProcessor, images, modelType);
    const size = pixels.dims[3];
    const expected = gridFromConfig(model.config, parts.processorConfig, size);
    // Fixed counts are checked against the config's grid before any session runs.
    const early = fixed !== undefined && expected !== undefined && o.grid === undefined ? planAll(fixed, expected, o.mode) : undefined;
    const preprocessed = performance.now();

    const raw = await encode.call(model, { pixel_values: pixels });
    const encoded = performance.now();
    const rowsPerImage = raw.dims[1] ?? 0;
    if (raw.dims[0] !== images.length) {
      throw new MatryoshkaError(
        ErrorCode.UnsupportedModel,
        `model: the '${modelType}' vision encoder returned ${raw.dims[0]} feature sets for ${images.length} images`,
        { argument: 'model' },
      );
    }
    const grid = inferGrid(rowsPerImage, expected, o.grid, modelType);
    const frames = featureFrames(raw, grid, modelType);
    const pool = await (backend ??= resolveBackend(o.backend));
    const policy = fixed === undefined ? (tokens as Exclude<TokensOption, TokenCount | readonly TokenCount[]>) : undefined;
    const requested = policy === undefined ? fixed! : await runPolicy(policy, frames, pool, o);
    const plans = early ?? planAll(requested, grid, o.mode, policy === undefined ? undefined : policyArgument(policy));
    let features: TensorLike = raw;
    let visualTokens = plans.map((p) => p.tokens + (grid.cls ? 1 : 0));
    if (!plans.every((p) => p.identity)) {
      const pooled = await poolFrames(frames, plans, pool, o.mode);
      features = featureTensor(raw, pooled.values, pooled.values.length / frames.hidden, frames.hidden);
      visualTokens = pooled.rows;
    }
    const pooledAt = performance.now();
    const text = parts.layout.expand(r.text, visualTokens);
    const total = visualTokens.reduce((a, b) => a + b, 0);
    const ids = tokenizeExpanded(parts.tokenizer, text, imageTokenId, total, modelType, parts.layout.placeholder);
    rememberFeatures(pixels, features);
    return finish({ ...ids, pixel_values: pixels }, visualTokens, requested, grid, {
      preprocessMs: preprocessed - started,
      encodeMs: encoded - preprocessed,
      poolMs: pooledAt - encoded,
    });
  };

  const generate = async (request: GenerateRequest): Promise<unknown> => {
    const { text, images, tokens, ...generation } = checkRequest(request) as GenerateRequest;
    const inputs = await prepare({ text, images, tokens } as PrepareRequest);
    const pixels = inputs.pixel_values;
    try {
      const out = await model.generate({ ...inputs, ...generation });
      if (pixels !== undefined && timesUsed(pixels) === 0) throw bypassed();
      return out;
    } catch (error) {
      if (pixels !== undefined && timesUsed(pixels) === 0 && isMergeMismatch(error)) throw bypassed(error);
      throw error;
    }
  };

  const dispose = () => {
    if (disposed) return;
    disposed = true;
    releaseHook(model);
  };
  return Object.freeze({ model, modelType, imageMarker: parts.layout.marker, prepare, generate, dispose, [Symbol.dispose]: dispose });
}

function planAll(counts: readonly TokenCount[], grid: { rows: number; cols: number }, mode: PoolingMode, argument?: (i: number) => string): PlannedCount[] {
  return counts.map((c, i) => planCount(c, grid, mode, argument?.(i) ?? (counts.length === 1 ? 'tokens' : `tokens[${i}]`)));
}

/** How errors name a policy's answer for image `i`. */
function policyArgument(policy: Exclude<TokensOption, TokenCount | readonly TokenCount[]>): (i: number) => string {
  return typeof policy === 'function' ? (i) => `tokens(image ${i})` : (i) => `tokens.batch()[${i}]`;
}

async function runPolicy(
  policy: Exclude<TokensOption, TokenCount | readonly TokenCount[]>,
  frames: ReturnType<typeof featureFrames>,
  backend: Backend<unknown>,
  o: CheckedOptions,
): Promise<TokenCount[]> {
  const pyramids = await imagePyramids(frames, backend, o.mode, usableScales(o.policyScales, frames.grid));
  const images = pyramids.map((pyramid, index) => Object.freeze({ index, grid: frames.grid, pyramid }));
  if (typeof policy === 'function') {
    const out: TokenCount[] = [];
    for (const image of images) out.push(checkCount(await policy(image), `tokens(image ${image.index})`));
    return out;
  }
  if (typeof policy.batch !== 'function') {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `tokens: a batch policy needs a batch(images) function, got ${describe(policy.batch)}`, {
      argument: 'tokens',
    });
  }
  const chosen = await policy.batch(images);
  if (!Array.isArray(chosen) || chosen.length !== images.length) {
    throw new MatryoshkaError(
      ErrorCode.ShapeMismatch,
      `tokens: the batch policy returned ${describe(chosen)} for ${images.length} images; expected one count per image`,
      {
        argument: 'tokens',
      },
    );
  }
  return chosen.map((c, i) => checkCount(c, `tokens.batch()[${i}]`));
}

/** The policy's levels that fit the grid (576 on a 27×27 grid plans to the whole 729). */
function usableScales(scales: readonly number[], grid: FeatureGrid): number[] {
  const cells = grid.rows * grid.cols;
  const fit = [...new Set(scales.map((s) => Math.min(s, cells)))];
  return fit.length > 0 ? fit : [cells];
}

function finish(
  inputs: Record<string, unknown>,
  visualTokens: readonly number[],
  requestedTokens: readonly TokenCount[],
  grid: FeatureGrid | undefined,
  timings: PrepareTimings,
): PreparedInputs {
  // Non-enumerable, so `{ ...inputs }` hands model.generate only its own inputs.
  Object.defineProperties(inputs, {
    visualTokens: { value: Object.freeze([...visualTokens]), enumerable: false },
    requestedTokens: { value: Object.freeze([...requestedTokens]), enumerable: false },
    grid: { value: grid, enumerable: false },
    timings: { value: Object.freeze(timings), enumerable: false },
  });
  return inputs as unknown as PreparedInputs;
}

function bypassed(cause?: unknown): MatryoshkaError {
  return new MatryoshkaError(
    ErrorCode.IntegrationBroken,
    'model.generate never asked the Matryoshka hook for the image features (encode_image was bypassed); this transformers.js version is not supported by @matryoshka/transformers',
    { argument: 'model', cause },
  );
}

interface CheckedOptions {
  backend: BackendOption | undefined;
  mode: PoolingMode;
  tokens: TokensOption | undefined;
  tokenizer: unknown;
  grid: GridOverride | undefined;
  policyScales: readonly number[];
}

function checkOptions(options: MatryoshkaOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `options: expected an object, got ${describe(options)}`, { argument: 'options' });
  }
  const mode = options.mode === undefined ? 'm3' : oneOf(options.mode, POOLING_MODES, 'options.mode');
  if (options.tokens !== undefined && !isPolicy(options.tokens)) fixedCounts(options.tokens, Array.isArray(options.tokens) ? options.tokens.length : 1);
  let grid: GridOverride | undefined;
  if (options.grid !== undefined) {
    const g = options.grid as unknown as Record<string, unknown>;
    if (typeof g !== 'object' || g === null || !isPositiveInt(g.rows) || !isPositiveInt(g.cols) || (g.cls !== undefined && typeof g.cls !== 'boolean')) {
      throw new MatryoshkaError(
        ErrorCode.InvalidArgument,
        `options.grid: expected { rows, cols, cls? } with positive integer sizes, got ${describe(options.grid)}`,
        {
          argument: 'options.grid',
        },
      );
    }
    grid = { rows: g.rows as number, cols: g.cols as number, ...(g.cls === undefined ? {} : { cls: g.cls as boolean }) };
  }
  const policyScales = options.policyScales ?? DEFAULT_SCALES;
  if (!Array.isArray(policyScales) || policyScales.length === 0 || !policyScales.every(isPositiveInt)) {
    throw new MatryoshkaError(
      ErrorCode.InvalidArgument,
      `options.policyScales: expected a non-empty array of positive integers, got ${describe(policyScales)}`,
      {
        argument: 'options.policyScales',
      },
    );
  }
  const b = options.backend as unknown;
  if (b !== undefined && typeof b !== 'string' && (typeof b !== 'object' || b === null || typeof (b as Backend<unknown>).buildPyramid !== 'function')) {
    throw new MatryoshkaError(
      ErrorCode.InvalidArgument,
      `options.backend: expected 'cpu', 'webgpu', 'auto', a registered name or a backend object, got ${describe(b)}`,
      {
        argument: 'options.backend',
      },
    );
  }
  return { backend: options.backend, mode, tokens: options.tokens, tokenizer: options.tokenizer, grid, policyScales };
}

function checkRequest(request: PrepareRequest): { text: string; images: unknown[]; tokens: TokensOption | undefined } & Record<string, unknown> {
  if (typeof request !== 'object' || request === null) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `request: expected { text, images, tokens }, got ${describe(request)}`, { argument: 'request' });
  }
  if (typeof request.text !== 'string') {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `text: expected one prompt string, got ${describe(request.text)}`, { argument: 'text' });
  }
  const images = request.images === undefined || request.images === null ? [] : Array.isArray(request.images) ? [...request.images] : [request.images];
  return { ...request, images, tokens: request.tokens };
}

interface Parts {
  tokenizer: TokenizerLike;
  imageProcessor: (images: unknown) => Promise<{ pixel_values: TensorLike }>;
  processorConfig: Record<string, unknown> | undefined;
  layout: FamilyLayout;
}

function processorParts(processor: unknown, tokenizerOption: unknown, modelType: SupportedModelType): Parts {
  const p = processor as ProcessorLike | null;
  if (typeof p !== 'object' && typeof p !== 'function') {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `processor: expected the model's processor or image processor, got ${describe(p)}`, {
      argument: 'processor',
    });
  }
  if (p === null)
    throw new MatryoshkaError(ErrorCode.InvalidArgument, "processor: expected the model's processor or image processor, got null", { argument: 'processor' });
  // A Processor has `image_processor`; an ImageProcessor is itself callable.
  const imageProcessor = (p.image_processor ?? (typeof p === 'function' ? p : undefined)) as Parts['imageProcessor'] | undefined;
  if (typeof imageProcessor !== 'function') {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, 'processor: it has no image processor (load it with AutoProcessor or AutoImageProcessor)', {
      argument: 'processor',
    });
  }
  const tokenizer = (tokenizerOption ?? p.tokenizer) as TokenizerLike | undefined;
  if (typeof tokenizer !== 'function') {
    throw new MatryoshkaError(
      ErrorCode.InvalidArgument,
      'options.tokenizer: the processor has no tokenizer; load one with AutoTokenizer.from_pretrained and pass it as options.tokenizer',
      {
        argument: 'options.tokenizer',
      },
    );
  }
  const config = typeof p.config === 'object' && p.config !== null ? p.config : undefined;
  const t = tokenizer as unknown as { config?: Record<string, unknown>; bos_token?: unknown };
  const layout = familyLayout(modelType, {
    processorConfig: config,
    tokenizerConfig: typeof t.config === 'object' && t.config !== null ? t.config : undefined,
    bosToken: typeof t.bos_token === 'string' ? t.bos_token : undefined,
  });
  return {
    tokenizer, // transformers.js processors are callable objects without Function.prototype: call them directly.
    imageProcessor: (images) => imageProcessor(images),
    processorConfig: config,
    layout,
  };
}

function imageTokenIdOf(config: Record<string, unknown>, modelType: string): number {
  const id = config.image_token_index ?? config.image_token_id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
    throw new MatryoshkaError(ErrorCode.UnsupportedModel, `model: the '${modelType}' config has no image_token_index (or image_token_id)`, {
      argument: 'model',
    });
  }
  return id;
}

async function preprocess(imageProcessor: Parts['imageProcessor'], images: unknown[], modelType: string): Promise<TensorLike> {
  const loaded = await Promise.all(images.map(async (image) => (typeof image === 'string' || image instanceof URL ? readImage(image) : image)));
  const { pixel_values } = await imageProcessor(loaded);
  if (pixel_values.dims.length !== 4) {
    throw new MatryoshkaError(
      ErrorCode.UnsupportedModel,
      `model: the '${modelType}' image processor returned pixel_values of shape [${pixel_values.dims.join(', ')}]; tiling (anyres) processors are not supported yet, only one crop per image [images, 3, size, size]`,
      { argument: 'model' },
    );
  }
  return pixel_values;
}

async function readImage(source: string | URL): Promise<unknown> {
  const { RawImage } = await import('@huggingface/transformers');
  return RawImage.read(source);
}

function isPositiveInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
