import { ErrorCode, MatryoshkaError, argumentError } from '@matryoshka/core';
import { arrayOf, describe, oneOf, optionsObject, positiveInt, readProperty } from '@matryoshka/core/backend';
import { DEFAULT_INPUT, DEFAULT_LAYER, defaultModel } from '../default-model/default-model.js';
import type { CacheStatus } from '../default-model/cache.js';
import { resolvePreprocessing, type ImageSize, type PreprocessOptions, type TensorLayout } from '../image/preprocess.js';
import { limitOption, readRegularFile } from '../io/read-file.js';
import { DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_IMAGE_PIXELS, resolvedImageLimits } from '../image/limits.js';
import { resolveOrt, type ExecutionProvider, type InferenceSession, type OrtRuntime, type SessionOptions } from '../runtime/ort.js';
import { openSession } from '../runtime/session.js';
import { Encoder } from './encoder.js';
import type { OutputLayout } from './output-layout.js';

/** The offline default: nsfwjs's ImageNet-pretrained MobileNetV2, converted to ONNX on first use. */
export const DEFAULT_ENCODER = 'builtin:mobilenet_v2';

/** An ONNX file path or `file:` URL (Node), the model's bytes, or `DEFAULT_ENCODER`. */
export type EncoderSource = string | URL | Uint8Array | ArrayBuffer;

export interface LoadEncoderOptions {
  /** The runtime module (`import * as ort from 'onnxruntime-node'` or `'onnxruntime-web'`); default: imported on first use. */
  ort?: OrtRuntime;
  /** Tried in order, each on its own, until one opens the model (default `['cpu']`). */
  executionProviders?: readonly ExecutionProvider[];
  /** Passed to `InferenceSession.create` (its `executionProviders` is ignored: see above). */
  sessionOptions?: SessionOptions;
  /** The input to feed (default: the model's first input). */
  input?: string;
  /** The output that holds the patch features (default: `last_hidden_state` if present, else the first rank-3 or rank-4 output). */
  output?: string;
  /** `nchw` or `nhwc`; inferred from where the input's 3 channels are. */
  inputLayout?: TensorLayout;
  /** Inferred: rank 3 is `vit`, rank 4 has the input's layout. */
  outputLayout?: OutputLayout;
  /** `vit` only: leading tokens to drop (default 1 if the rest is a square grid, else 0). */
  prefixTokens?: number;
  /** `vit` only: the patch grid, for non-square grids. */
  grid?: { rows: number; cols: number };
  /** The input's size in pixels; required when the model's height and width are dynamic. Default encoder: 384. */
  imageSize?: number | ImageSize;
  /** Resize and normalization (default preset: `clip`; the default encoder: `keras`, x / 127.5 − 1). */
  preprocess?: PreprocessOptions;
  /** Images per `session.run` at most (default 8). */
  batchSize?: number;
  /** Default encoder only: the Keras layer to output (default `block_13_expand_relu`). */
  layer?: string;
  /** Default encoder only: where the converted ONNX graph is cached (`false`: in memory only). */
  cacheDir?: string | false;
  /** Safety limits, checked before reading or allocating (see the README's "Limits"). */
  limits?: EncoderLimits;
}

export interface EncoderLimits {
  /** Pixels an image may declare, and the model's input size (width × height). Default 2^26. */
  maxImagePixels?: number;
  /** Bytes of an image file. Default 256 MiB. */
  maxImageBytes?: number;
  /** Bytes of a model file. Default 2 GiB (ONNX's protobuf limit). */
  maxModelBytes?: number;
}

const DEFAULT_MAX_MODEL_BYTES = 2 ** 31;

export interface LoadedEncoder extends Encoder {
  /** Default encoder only: whether the converted graph came from the disk cache. */
  readonly cache?: CacheStatus;
}

type TensorMeta = { name: string; shape: readonly (number | string)[] | undefined };

function metadata(list: InferenceSession['inputMetadata'] | undefined, names: readonly string[]): TensorMeta[] {
  return names.map((name, i) => {
    const m = list?.[i];
    return { name, shape: m?.isTensor && m.shape.length > 0 ? m.shape : undefined };
  });
}

async function modelBytes(source: EncoderSource, maxBytes: number): Promise<{ bytes: Uint8Array; label: string }> {
  // ONNX Runtime takes plain memory only: shared memory is copied (it would report a provider failure).
  if (source instanceof Uint8Array) return { bytes: isShared(source) ? source.slice() : source, label: 'bytes' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), label: 'bytes' };
  if (typeof source === 'string' || source instanceof URL) {
    const bytes = await readRegularFile(source, { maxBytes, option: 'options.limits.maxModelBytes' }, 'source', 'the model file');
    return { bytes, label: String(source) };
  }
  throw argumentError(ErrorCode.InvalidArgument, 'source', `expected an ONNX file path, its bytes, or DEFAULT_ENCODER, got ${describe(source)}`);
}

function isShared(view: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && view.buffer instanceof SharedArrayBuffer;
}

/** A name option (`input`, `output`, `layer`): a non-empty string when given. */
function nameOption(value: unknown, argument: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw argumentError(ErrorCode.InvalidArgument, argument, `expected a name, got ${describe(value)}`);
  return value;
}

/** Each provider is a name or `{ name, ... }` (ONNX Runtime's config objects). */
function providerList(value: unknown): ExecutionProvider[] {
  if (value === undefined) return ['cpu'];
  if (!Array.isArray(value) || value.length === 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.executionProviders', `expected a non-empty array of provider names, got ${describe(value)}`);
  }
  return arrayOf(value, 'options.executionProviders', 'an array of provider names').map((p, i) => {
    const argument = `options.executionProviders[${i}]`;
    if (typeof p === 'string' && p !== '') return p;
    if (typeof p === 'object' && p !== null && !Array.isArray(p)) {
      const name = readProperty(p, 'name', `${argument}.name`);
      if (typeof name === 'string' && name !== '') return p as ExecutionProvider;
    }
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a provider name ('cpu', 'cuda', …) or { name }, got ${describe(p)}`);
  });
}

function pickOutput(outputs: readonly TensorMeta[], wanted: string | undefined): TensorMeta {
  const names = outputs.map((o) => `'${o.name}'`).join(', ');
  if (wanted !== undefined) {
    const found = outputs.find((o) => o.name === wanted);
    if (found === undefined)
      throw argumentError(ErrorCode.InvalidArgument, 'options.output', `the model has no output ${describe(wanted)}; its outputs are ${names}`);
    return found;
  }
  // Hidden states, not the pooled or projected embedding (a CLIP export has both).
  return outputs.find((o) => o.name === 'last_hidden_state') ?? outputs.find((o) => o.shape?.length === 3 || o.shape?.length === 4) ?? outputs[0]!;
}

function inputLayout(shape: TensorMeta['shape'], given: TensorLayout | undefined): TensorLayout {
  if (given !== undefined) return given;
  if (shape?.length === 4 && shape[1] === 3) return 'nchw';
  if (shape?.length === 4 && shape[3] === 3) return 'nhwc';
  throw argumentError(
    ErrorCode.InvalidArgument,
    'options.inputLayout',
    `cannot tell where the channels are in input dims [${shape?.join(', ') ?? 'unknown'}]; pass 'nchw' or 'nhwc'`,
  );
}

function sizeOption(value: unknown, maxPixels: number): ImageSize | undefined {
  if (value === undefined) return undefined;
  const size =
    typeof value === 'number'
      ? { width: positiveInt(value, 'options.imageSize'), height: value }
      : (() => {
          const s = optionsObject(value as ImageSize, 'options.imageSize');
          return { width: positiveInt(s.width, 'options.imageSize.width'), height: positiveInt(s.height, 'options.imageSize.height') };
        })();
  checkInputPixels(size, maxPixels);
  return size;
}

/** Every encode allocates `3 × width × height` floats per image: the size is a limit too. */
function checkInputPixels(size: ImageSize, maxPixels: number): void {
  if (size.width * size.height > maxPixels) {
    throw new MatryoshkaError(
      ErrorCode.LimitExceeded,
      `options.imageSize: ${size.width}×${size.height} input pixels is above the limit of ${maxPixels}; raise options.limits.maxImagePixels to allow it`,
      { argument: 'options.imageSize' },
    );
  }
}

function inputSize(shape: TensorMeta['shape'], layout: TensorLayout, given: ImageSize | undefined): ImageSize {
  const h = shape?.[layout === 'nchw' ? 2 : 1];
  const w = shape?.[layout === 'nchw' ? 3 : 2];
  if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) {
    if (given !== undefined && (given.width !== w || given.height !== h)) {
      throw argumentError(ErrorCode.ShapeMismatch, 'options.imageSize', `the model takes ${w}×${h} images, got ${given.width}×${given.height}`);
    }
    return { width: w, height: h };
  }
  if (given === undefined)
    throw argumentError(ErrorCode.InvalidArgument, 'options.imageSize', "the model's input height and width are dynamic: pass the size to feed");
  return given;
}

/**
 * Opens an ONNX vision encoder: `source` is a file, bytes, or `DEFAULT_ENCODER` (also the default).
 * Nothing is read or run before this is called.
 */
export async function loadEncoder(source: EncoderSource = DEFAULT_ENCODER, options?: LoadEncoderOptions): Promise<LoadedEncoder> {
  const o = optionsObject(options, 'options');
  const isDefault = source === DEFAULT_ENCODER;
  if (!isDefault && (o.layer !== undefined || o.cacheDir !== undefined)) {
    throw argumentError(ErrorCode.InvalidArgument, o.layer !== undefined ? 'options.layer' : 'options.cacheDir', 'only applies to the default encoder');
  }
  const l = optionsObject(o.limits, 'options.limits');
  const limits = {
    maxImagePixels: limitOption(l.maxImagePixels, DEFAULT_MAX_IMAGE_PIXELS, 'options.limits.maxImagePixels'),
    maxImageBytes: limitOption(l.maxImageBytes, DEFAULT_MAX_IMAGE_BYTES, 'options.limits.maxImageBytes'),
    maxModelBytes: limitOption(l.maxModelBytes, DEFAULT_MAX_MODEL_BYTES, 'options.limits.maxModelBytes'),
  };
  const providers = providerList(o.executionProviders);
  const sessionOptions = optionsObject(o.sessionOptions, 'options.sessionOptions');
  const batchSize = o.batchSize === undefined ? 8 : positiveInt(o.batchSize, 'options.batchSize');
  const prefixTokens = o.prefixTokens === undefined ? undefined : nonNegativeInt(o.prefixTokens, 'options.prefixTokens');
  const gridOption = o.grid === undefined ? undefined : optionsObject(o.grid, 'options.grid');
  const grid =
    gridOption === undefined ? undefined : { rows: positiveInt(gridOption.rows, 'options.grid.rows'), cols: positiveInt(gridOption.cols, 'options.grid.cols') };
  const layoutOption = o.inputLayout === undefined ? undefined : oneOf(o.inputLayout, ['nchw', 'nhwc'] as const, 'options.inputLayout');
  const outputLayoutOption = o.outputLayout === undefined ? undefined : oneOf(o.outputLayout, ['vit', 'nhwc', 'nchw'] as const, 'options.outputLayout');
  const inputOption = nameOption(o.input, 'options.input');
  const outputOption = nameOption(o.output, 'options.output');
  const layerOption = nameOption(o.layer, 'options.layer');
  if (o.cacheDir !== undefined && o.cacheDir !== false && (typeof o.cacheDir !== 'string' || o.cacheDir === '')) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.cacheDir', `expected a folder path or false, got ${describe(o.cacheDir)}`);
  }
  let size = sizeOption(o.imageSize, limits.maxImagePixels);
  const preprocessing = resolvePreprocessing(o.preprocess, 'options.preprocess', isDefault ? 'keras' : 'clip');
  if (isDefault) {
    size ??= { width: 384, height: 384 };
    if (size.width % 16 !== 0 || size.height % 16 !== 0) {
      throw argumentError(
        ErrorCode.ShapeMismatch,
        'options.imageSize',
        `the default encoder has stride 16: use a multiple of 16 (384 gives 24×24 tokens), got ${size.width}×${size.height}`,
      );
    }
  }

  const ort = await resolveOrt(o.ort);
  const model = isDefault
    ? await defaultModel({ layer: layerOption ?? DEFAULT_LAYER, ...(o.cacheDir === undefined ? {} : { cacheDir: o.cacheDir }) })
    : undefined;
  const { bytes, label } = model !== undefined ? { bytes: model.bytes, label: DEFAULT_ENCODER } : await modelBytes(source, limits.maxModelBytes);
  if (bytes.length === 0) throw argumentError(ErrorCode.InvalidArgument, 'source', 'the model is empty (0 bytes)');
  const opened = await openSession(ort, bytes, providers, { ...sessionOptions }, 'source');
  const session = opened.session;
  try {
    const inputs = metadata(session.inputMetadata, session.inputNames);
    const outputs = metadata(session.outputMetadata, session.outputNames);
    const inputName = inputOption ?? (isDefault ? DEFAULT_INPUT : inputs[0]?.name);
    const input = inputs.find((i) => i.name === inputName);
    if (input === undefined) {
      throw argumentError(
        ErrorCode.InvalidArgument,
        'options.input',
        `the model has no input ${describe(inputName)}; its inputs are ${inputs.map((i) => `'${i.name}'`).join(', ')}`,
      );
    }
    if (outputs.length === 0) throw argumentError(ErrorCode.InvalidArgument, 'source', 'the model has no outputs');
    const output = pickOutput(outputs, outputOption);
    const layout = inputLayout(input.shape, layoutOption);
    // The default graph transposes its grid back to NHWC (see keras-to-onnx.ts).
    const outputLayout = outputLayoutOption ?? (isDefault ? 'nhwc' : output.shape?.length === 3 ? 'vit' : layout);
    const fixedBatch = typeof input.shape?.[0] === 'number' && input.shape[0] > 0 ? input.shape[0] : undefined;
    const encoder = new Encoder(ort, session, {
      source: label,
      executionProvider: opened.provider,
      providerAttempts: opened.attempts,
      input: { name: input.name, layout, size: checkedInputSize(inputSize(input.shape, layout, size), limits.maxImagePixels) },
      output: {
        name: output.name,
        layout: outputLayout,
        ...(prefixTokens === undefined ? {} : { prefixTokens }),
        ...(grid === undefined ? {} : { grid }),
      },
      preprocessing,
      batchSize: fixedBatch === undefined ? batchSize : Math.min(batchSize, fixedBatch),
      imageLimits: resolvedImageLimits({
        maxPixels: limits.maxImagePixels,
        maxBytes: limits.maxImageBytes,
        pixelsOption: 'options.limits.maxImagePixels',
        bytesOption: 'options.limits.maxImageBytes',
      }),
      ...(fixedBatch === undefined ? {} : { fixedBatch }),
    });
    return model === undefined ? encoder : Object.assign(encoder, { cache: model.cache });
  } catch (error) {
    await session.release();
    throw error;
  }
}

function checkedInputSize(size: ImageSize, maxPixels: number): ImageSize {
  checkInputPixels(size, maxPixels);
  return size;
}

function nonNegativeInt(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected an integer ≥ 0, got ${describe(value)}`);
  }
  return value;
}
