import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import { readRegularFile } from '../io/read-file.js';
import { decodeImage } from './decode.js';
import { resolveImageLimits, type ImageLimits, type ResolvedImageLimits } from './limits.js';
import { checkRawImage, isRawImage, type RawImage } from './raw-image.js';

/** What `encode` and `loadImage` take: a file path or `file:` URL, PNG/JPEG bytes, or pixels (`RawImage`, `ImageData`). */
export type ImageInput = string | URL | Uint8Array | ArrayBuffer | RawImage;

/**
 * Reads a file (Node), decodes bytes, or checks pixels; every failure names `argument`. Files must
 * be regular files of at most `limits.maxBytes` (default 256 MiB) and images may declare at most
 * `limits.maxPixels` (default 2^26): both are checked before the bytes or pixels are allocated.
 */
export async function loadImage(input: ImageInput, argument = 'image', limits?: ImageLimits | ResolvedImageLimits): Promise<RawImage> {
  const resolved = resolveImageLimits(limits);
  if (typeof input === 'string' || input instanceof URL) {
    const bytes = await readRegularFile(input, { maxBytes: resolved.maxBytes, option: resolved.bytesOption }, argument, 'image file');
    return decodeImage(bytes, argument, resolved);
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return decodeImage(input, argument, resolved);
  if (isRawImage(input)) {
    checkRawImage(input, argument);
    return input;
  }
  throw argumentError(ErrorCode.InvalidArgument, argument, `expected a file path, PNG/JPEG bytes, or { data, width, height } pixels, got ${describe(input)}`);
}
