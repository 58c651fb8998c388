import { encodeModel } from '../onnx/model.js';
import { readModelAsset } from './asset.js';
import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, optionsObject } from '@matryoshka/core/backend';
import { cached, defaultCacheLocation, sha256, type CacheStatus } from './cache.js';
import { readKerasModel } from './keras-model.js';
import { INPUT_NAME, kerasToOnnx } from './keras-to-onnx.js';

/** Bump when the converter's output changes, so old cache entries are not reused. */
const CONVERTER_VERSION = 1;

/** The grid layer: stride 16, 576 channels (384×384 → 24×24×576), still ImageNet-like features. */
export const DEFAULT_LAYER = 'block_13_expand_relu';
export const DEFAULT_INPUT = INPUT_NAME;

export interface DefaultModelOptions {
  /** The Keras layer whose output is the graph's output (default `block_13_expand_relu`; `dense_3` is the NSFW head). */
  layer?: string;
  /** Where converted graphs are kept; `false` converts in memory every time. */
  cacheDir?: string | false;
}

export interface DefaultModel {
  readonly bytes: Uint8Array;
  readonly layer: string;
  readonly cache: CacheStatus;
  readonly cacheFile?: string;
}

/** The shipped MobileNetV2 as an ONNX graph ending at `layer`, from the disk cache or converted now. */
export async function defaultModel(options: DefaultModelOptions = {}): Promise<DefaultModel> {
  const o = optionsObject(options, 'options');
  const layer = o.layer ?? DEFAULT_LAYER;
  if (typeof layer !== 'string' || layer === '')
    throw argumentError(ErrorCode.InvalidArgument, 'options.layer', `expected a layer name, got ${describe(layer)}`);
  if (o.cacheDir !== undefined && o.cacheDir !== false && (typeof o.cacheDir !== 'string' || o.cacheDir === '' || o.cacheDir.includes('\0'))) {
    throw argumentError(ErrorCode.InvalidArgument, 'options.cacheDir', `expected a folder path or false, got ${describe(o.cacheDir)}`);
  }
  const asset = await readModelAsset();
  const build = (): Uint8Array => encodeModel(kerasToOnnx(readKerasModel(asset.json, asset.weights, asset.dir), layer));
  if (o.cacheDir === false) return { bytes: build(), layer, cache: 'disabled' };
  // The entry's name hashes everything the bytes depend on: the asset, the layer, the converter.
  const key = (await sha256(asset.json, asset.weights, `${CONVERTER_VERSION}:${layer}`)).slice(0, 16);
  const dir = o.cacheDir === undefined ? await defaultCacheLocation() : { path: o.cacheDir, source: 'options.cacheDir' };
  const entry = await cached(dir, `mobilenet_v2-${layer}-${key}.onnx`, build);
  return { bytes: entry.bytes, layer, cache: entry.status, ...(entry.file === undefined ? {} : { cacheFile: entry.file }) };
}
