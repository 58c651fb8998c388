import { ErrorCode, MatryoshkaError, argumentError, type TokenGrid } from '@matryoshka/core';
import { arrayOf, describe } from '@matryoshka/core/backend';
import { loadImage, type ImageInput } from '../image/image-input.js';
import type { Normalization } from '../image/presets.js';
import type { ResolvedImageLimits } from '../image/limits.js';
import { preprocessInto, type ImageSize, type TensorLayout } from '../image/preprocess.js';
import type { InferenceSession, OrtRuntime } from '../runtime/ort.js';
import type { ProviderAttempt } from '../runtime/session.js';
import { outputToGrids, type GridLayout } from './output-layout.js';

export interface EncoderInfo {
  /** `'builtin:mobilenet_v2'`, the file path, or `'bytes'`. */
  readonly source: string;
  /** The execution provider the session runs on, and every provider tried before it (with why it failed). */
  readonly executionProvider: string;
  readonly providerAttempts: readonly ProviderAttempt[];
  readonly input: { readonly name: string; readonly layout: TensorLayout; readonly size: ImageSize };
  readonly output: { readonly name: string } & GridLayout;
  readonly preprocessing: Normalization;
  /** Images per `session.run` at most. */
  readonly batchSize: number;
}

/** A vision encoder on ONNX Runtime: images in, one `TokenGrid` per image out. */
export class Encoder implements EncoderInfo {
  readonly source: string;
  readonly executionProvider: string;
  readonly providerAttempts: readonly ProviderAttempt[];
  readonly input: EncoderInfo['input'];
  readonly output: EncoderInfo['output'];
  readonly preprocessing: Normalization;
  readonly batchSize: number;
  /** A fixed batch dimension of the model's input (inputs are padded up to it), else undefined. */
  private readonly fixedBatch: number | undefined;
  private readonly imageLimits: ResolvedImageLimits | undefined;
  private session: InferenceSession | undefined;

  constructor(
    private readonly ort: OrtRuntime,
    session: InferenceSession,
    info: EncoderInfo & { readonly fixedBatch?: number; readonly imageLimits?: ResolvedImageLimits },
  ) {
    this.session = session;
    this.source = info.source;
    this.executionProvider = info.executionProvider;
    this.providerAttempts = info.providerAttempts;
    this.input = info.input;
    this.output = info.output;
    this.preprocessing = info.preprocessing;
    this.batchSize = info.batchSize;
    this.fixedBatch = info.fixedBatch;
    this.imageLimits = info.imageLimits;
  }

  get disposed(): boolean {
    return this.session === undefined;
  }

  /**
   * Decodes, resizes and normalizes each image (see `preprocessing`), runs them in batches of up to
   * `batchSize`, and returns one grid per image, in order.
   */
  encode(image: ImageInput): Promise<TokenGrid>;
  encode(images: readonly ImageInput[]): Promise<TokenGrid[]>;
  async encode(images: ImageInput | readonly ImageInput[]): Promise<TokenGrid | TokenGrid[]> {
    this.live();
    const many = Array.isArray(images);
    // Copied element by element: a hole in a sparse array is an error naming `images[i]`.
    const list = (many ? arrayOf(images, 'images', 'an array of images') : [images]) as readonly ImageInput[];
    if (many && list.length === 0) throw argumentError(ErrorCode.InvalidArgument, 'images', 'expected at least one image, got an empty array');
    const { width, height } = this.input.size;
    const perImage = 3 * width * height;
    const grids: TokenGrid[] = [];
    for (let start = 0; start < list.length; start += this.batchSize) {
      const chunk = list.slice(start, start + this.batchSize);
      const pixels = new Float32Array(chunk.length * perImage);
      const decoded = await Promise.all(chunk.map((img, i) => loadImage(img, many ? `images[${start + i}]` : 'image', this.imageLimits)));
      decoded.forEach((raw, i) =>
        preprocessInto(raw, this.input.size, this.preprocessing, this.input.layout, pixels, i * perImage, many ? `images[${start + i}]` : 'image'),
      );
      grids.push(...(await this.encodePixels(pixels, chunk.length)));
    }
    return many ? grids : grids[0]!;
  }

  /**
   * Runs already preprocessed pixels: `count` images as float32 in the input's layout and size
   * (`[count, 3, H, W]` or `[count, H, W, 3]`), in one run (padded up to a fixed batch size).
   */
  async encodePixels(pixels: Float32Array, count = 1): Promise<TokenGrid[]> {
    const session = this.live();
    const { width, height } = this.input.size;
    const perImage = 3 * width * height;
    if (!(pixels instanceof Float32Array)) throw argumentError(ErrorCode.InvalidArgument, 'pixels', `expected a Float32Array, got ${describe(pixels)}`);
    if (!Number.isSafeInteger(count) || count < 1 || pixels.length !== count * perImage) {
      throw argumentError(
        ErrorCode.ShapeMismatch,
        'pixels',
        `the encoder takes ${width}×${height}×3 values per image (${perImage}); ${count} image(s) need ${count * perImage}, got ${pixels.length}`,
      );
    }
    const bad = firstNonFinite(pixels);
    if (bad >= 0) {
      throw new MatryoshkaError(ErrorCode.NonFiniteValue, `pixels: value ${bad} is ${pixels[bad]}; the encoder takes finite values`, { argument: 'pixels' });
    }
    const batch = this.fixedBatch ?? count;
    if (batch < count) {
      const out: TokenGrid[] = [];
      for (let i = 0; i < count; i += batch)
        out.push(...(await this.encodePixels(pixels.slice(i * perImage, Math.min(count, i + batch) * perImage), Math.min(batch, count - i))));
      return out;
    }
    // Plain memory for ONNX Runtime: shared memory is copied (and padded batches are copies anyway).
    const shared = typeof SharedArrayBuffer === 'function' && pixels.buffer instanceof SharedArrayBuffer;
    const input = batch === count ? (shared ? pixels.slice() : pixels) : padded(pixels, batch * perImage);
    const dims = this.input.layout === 'nchw' ? [batch, 3, height, width] : [batch, height, width, 3];
    let result: Awaited<ReturnType<InferenceSession['run']>>;
    try {
      result = await session.run({ [this.input.name]: new this.ort.Tensor('float32', input, dims) }, [this.output.name]);
    } catch (cause) {
      // A graph that loads but cannot run (inconsistent shapes, a corrupt file) is the model's fault.
      throw new MatryoshkaError(
        ErrorCode.DeviceError,
        `model: the encoder failed on ${this.executionProvider}: ${(cause as Error)?.message ?? String(cause)}`,
        {
          argument: 'model',
          cause,
        },
      );
    }
    const tensor = result[this.output.name]!;
    if (!(tensor.data instanceof Float32Array)) {
      throw argumentError(ErrorCode.InvalidArgument, 'options.output', `output ${this.output.name} is ${tensor.type}, not float32 features`);
    }
    // Nothing non-finite leaves: a model that overflows or divides by zero is reported, not pooled.
    const at = firstNonFinite(tensor.data);
    if (at >= 0) {
      throw new MatryoshkaError(
        ErrorCode.NonFiniteValue,
        `source: the model's output ${this.output.name} holds ${tensor.data[at]} (value ${at}); the features must be finite`,
        { argument: 'source' },
      );
    }
    const grids = outputToGrids(tensor.data, tensor.dims, this.output, `output ${this.output.name}`).slice(0, count);
    return grids;
  }

  /** Releases the ONNX Runtime session; later calls reject with `DISPOSED`. */
  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }

  [Symbol.dispose](): void {
    void this.dispose().catch(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private live(): InferenceSession {
    if (this.session === undefined) throw new MatryoshkaError(ErrorCode.Disposed, 'this encoder was disposed');
    return this.session;
  }
}

function firstNonFinite(values: Float32Array): number {
  let guard = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    guard += v - v;
  }
  if (guard === 0) return -1;
  return values.findIndex((v) => !Number.isFinite(v));
}

function padded(data: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(data);
  return out;
}
