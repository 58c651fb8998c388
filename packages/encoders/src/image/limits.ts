import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { optionsObject } from '@matryoshka/core/backend';
import { limitOption } from '../io/read-file.js';

/** Limits on reading and decoding images, checked before anything is allocated for the pixels. */
export interface ImageLimits {
  /** Pixels an image may declare (width × height). Default 2^26 (≈ 67 megapixels, 8192×8192). */
  maxPixels?: number;
  /** Bytes an image file may have. Default 256 MiB. */
  maxBytes?: number;
}

export const DEFAULT_MAX_IMAGE_PIXELS = 2 ** 26;
export const DEFAULT_MAX_IMAGE_BYTES = 256 * 2 ** 20;

export interface ResolvedImageLimits {
  readonly maxPixels: number;
  readonly maxBytes: number;
  /** The options that raise them, as the caller spells them, for messages. */
  readonly pixelsOption: string;
  readonly bytesOption: string;
}

export function resolveImageLimits(value: ImageLimits | ResolvedImageLimits | undefined, argument = 'limits'): ResolvedImageLimits {
  if (isResolved(value)) return value;
  const o = optionsObject(value, argument);
  return {
    maxPixels: limitOption(o.maxPixels, DEFAULT_MAX_IMAGE_PIXELS, `${argument}.maxPixels`),
    maxBytes: limitOption(o.maxBytes, DEFAULT_MAX_IMAGE_BYTES, `${argument}.maxBytes`),
    pixelsOption: `${argument}.maxPixels`,
    bytesOption: `${argument}.maxBytes`,
  };
}

const resolvedLimits = new WeakSet<object>();

/** Limits already checked (by `loadEncoder`, under its own option names). */
export function resolvedImageLimits(limits: ResolvedImageLimits): ResolvedImageLimits {
  const frozen = Object.freeze({ ...limits });
  resolvedLimits.add(frozen);
  return frozen;
}

function isResolved(value: unknown): value is ResolvedImageLimits {
  return typeof value === 'object' && value !== null && resolvedLimits.has(value);
}

/** Refuses a declared width × height above the pixel limit, naming the option that raises it. */
export function checkDeclaredSize(width: number, height: number, limits: ResolvedImageLimits, argument: string, what: string): void {
  if (width < 1 || height < 1) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: ${what} declares ${width}×${height} pixels`, { argument });
  }
  if (width * height > limits.maxPixels) {
    throw new MatryoshkaError(
      ErrorCode.LimitExceeded,
      `${argument}: ${what} declares ${width}×${height} = ${width * height} pixels, above the limit of ${limits.maxPixels}; raise ${limits.pixelsOption} to decode it`,
      { argument },
    );
  }
}

/**
 * The size a PNG or JPEG declares in its header, read without decoding anything: PNG's IHDR, or
 * JPEG's first start-of-frame marker. `undefined` when the header is cut short or malformed (the
 * decoder then reports the corruption).
 */
export function declaredSize(bytes: Uint8Array, format: 'png' | 'jpeg'): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4).
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // markers without a length
      continue;
    }
    const length = view.getUint16(at + 2);
    // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) return undefined;
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    if (marker === 0xda || length < 2) return undefined; // scan data before any frame header
    at += 2 + length;
  }
  return undefined;
}
