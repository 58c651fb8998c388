import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, positiveInt, readProperty } from '@matryoshka/core/backend';

/**
 * Decoded pixels, 8 bits per channel, row-major. `channels` 4 is RGBA (what `ImageData` and the
 * decoders give; alpha is ignored), 3 is RGB, 1 is gray. An `ImageData` is a valid `RawImage`.
 */
export interface RawImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** Default 4 (RGBA). */
  readonly channels?: 1 | 3 | 4;
}

export function isRawImage(value: unknown): value is RawImage {
  return typeof value === 'object' && value !== null && 'data' in value && 'width' in value && 'height' in value;
}

/** Checks the sizes against the data; returns the channel count. */
export function checkRawImage(image: RawImage, argument: string): 1 | 3 | 4 {
  if (typeof image !== 'object' || image === null) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected { data, width, height } pixels, got ${describe(image)}`);
  }
  positiveInt(readProperty(image, 'width', `${argument}.width`), `${argument}.width`);
  positiveInt(readProperty(image, 'height', `${argument}.height`), `${argument}.height`);
  const channels = (readProperty(image, 'channels', `${argument}.channels`) ?? 4) as number;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw argumentError(ErrorCode.InvalidArgument, `${argument}.channels`, `expected 1, 3 or 4, got ${describe(channels)}`);
  }
  const data = readProperty(image, 'data', `${argument}.data`);
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw argumentError(ErrorCode.InvalidArgument, `${argument}.data`, `expected a Uint8Array or Uint8ClampedArray of pixels, got ${describe(data)}`);
  }
  const expected = image.width * image.height * channels;
  if (data.length !== expected) {
    throw argumentError(
      ErrorCode.ShapeMismatch,
      `${argument}.data`,
      `expected ${expected} values (${image.width}×${image.height} pixels × ${channels} channels), got ${data.length}`,
    );
  }
  return channels;
}
