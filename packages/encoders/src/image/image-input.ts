import { ErrorCode, MatryoshkaError, argumentError, describe } from '@matryoshka/core';
import { nodeFs } from '../node-modules.js';
import { decodeImage } from './decode.js';
import { checkRawImage, isRawImage, type RawImage } from './raw-image.js';

/** What `encode` and `loadImage` take: a file path or `file:` URL, PNG/JPEG bytes, or pixels (`RawImage`, `ImageData`). */
export type ImageInput = string | URL | Uint8Array | ArrayBuffer | RawImage;

/** Reads a file (Node), decodes bytes, or checks pixels; every failure names `argument`. */
export async function loadImage(input: ImageInput, argument = 'image'): Promise<RawImage> {
  if (typeof input === 'string' || input instanceof URL) {
    const fs = await nodeFs();
    let bytes: Uint8Array;
    try {
      bytes = await fs.promises.readFile(input);
    } catch (cause) {
      throw new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: cannot read image file ${String(input)} (${(cause as Error).message})`, { argument, cause });
    }
    return decodeImage(bytes, argument);
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return decodeImage(input, argument);
  if (isRawImage(input)) {
    checkRawImage(input, argument);
    return input;
  }
  throw argumentError(ErrorCode.InvalidArgument, argument, `expected a file path, PNG/JPEG bytes, or { data, width, height } pixels, got ${describe(input)}`);
}
