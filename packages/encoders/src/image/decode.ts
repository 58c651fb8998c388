import { ErrorCode, MatryoshkaError, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import type { RawImage } from './raw-image.js';
import { checkPngData } from './png-data.js';
import { checkDeclaredSize, declaredSize, resolveImageLimits, type ImageLimits, type ResolvedImageLimits } from './limits.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export type ImageFormat = 'png' | 'jpeg';

/** Sniffs the format from the first bytes (never from a file name). */
export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (!(bytes instanceof Uint8Array)) throw argumentError(ErrorCode.InvalidArgument, 'bytes', `expected a Uint8Array, got ${describe(bytes)}`);
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

// pngjs and jpeg-js are CommonJS and use Node's zlib / Buffer: imported on first use only.
async function decodePng(bytes: Uint8Array): Promise<RawImage> {
  const mod = (await import('pngjs')) as unknown as { PNG?: typeof import('pngjs').PNG; default?: { PNG: typeof import('pngjs').PNG } };
  const PNG = mod.PNG ?? mod.default!.PNG;
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: 4 };
}

async function decodeJpeg(bytes: Uint8Array, limits: ResolvedImageLimits): Promise<RawImage> {
  const mod = (await import('jpeg-js')) as unknown as { decode?: typeof import('jpeg-js').decode; default?: typeof import('jpeg-js') };
  const decode = mod.decode ?? mod.default!.decode;
  // The declared size was checked already; jpeg-js's own caps are set from the same limit as a
  // second line (RGBA output plus its per-component planes, with room for small images).
  const jpeg = decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: limits.maxPixels / 1e6,
    maxMemoryUsageInMB: Math.ceil((limits.maxPixels * 8) / 2 ** 20) + 64,
  });
  return { data: jpeg.data, width: jpeg.width, height: jpeg.height, channels: 4 };
}

/**
 * Decodes PNG or JPEG bytes to RGBA pixels; anything else is an `INVALID_ARGUMENT` naming
 * `argument`. The size the header declares is checked against `limits.maxPixels` before decoding
 * (a 48 KB PNG may declare 20000×20000 pixels): LIMIT_EXCEEDED above it.
 */
export async function decodeImage(bytes: Uint8Array | ArrayBuffer, argument = 'bytes', limits?: ImageLimits | ResolvedImageLimits): Promise<RawImage> {
  const resolved = resolveImageLimits(limits);
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(view instanceof Uint8Array)) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected PNG or JPEG bytes (Uint8Array or ArrayBuffer), got ${describe(bytes)}`);
  }
  const format = imageFormat(view);
  if (format === undefined) {
    const head = Array.from(view.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw argumentError(ErrorCode.InvalidArgument, argument, `not a PNG or JPEG image (${view.length} bytes starting ${head || '(empty)'})`);
  }
  const declared = declaredSize(view, format);
  if (declared !== undefined) checkDeclaredSize(declared.width, declared.height, resolved, argument, `the ${format.toUpperCase()} image`);
  try {
    if (format === 'png') await checkPngData(view, argument);
    const image = format === 'png' ? await decodePng(view) : await decodeJpeg(view, resolved);
    checkDeclaredSize(image.width, image.height, resolved, argument, `the ${format.toUpperCase()} image`);
    return image;
  } catch (cause) {
    if (cause instanceof MatryoshkaError) throw cause;
    throw new MatryoshkaError(
      ErrorCode.InvalidArgument,
      `${argument}: a corrupt ${format.toUpperCase()} image (${(cause as Error)?.message ?? String(cause)})`,
      { argument, cause },
    );
  }
}
